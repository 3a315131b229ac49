/**
 * Instrumentation scope and attribute names shared by the producer and consumer telemetry.
 * @module
 */

/** Instrumentation scope name used for tracers and meters. */
export const INSTRUMENTATION_NAME = 'rocketmq-ts';
/** Instrumentation scope version. */
export const INSTRUMENTATION_VERSION = '0.1.0';

/** Attribute names (OpenTelemetry messaging semantic conventions, RocketMQ section, plus our retry/outcome keys). */
export const Attr = {
  /** Always `rocketmq`. */
  SYSTEM: 'messaging.system',
  /** Topic. */
  DESTINATION: 'messaging.destination.name',
  /** Queue id. */
  PARTITION: 'messaging.destination.partition.id',
  /** `send`, `process`, `receive`. */
  OPERATION_NAME: 'messaging.operation.name',
  /** `send`, `process`, `receive`. */
  OPERATION_TYPE: 'messaging.operation.type',
  /** UNIQ_KEY. */
  MESSAGE_ID: 'messaging.message.id',
  /** Messages in a batch. */
  BATCH_COUNT: 'messaging.batch.message_count',
  /** Producer or consumer group. */
  CLIENT_GROUP: 'messaging.rocketmq.client_group',
  /** Business keys (string array). */
  KEYS: 'messaging.rocketmq.message.keys',
  /** Tag. */
  TAG: 'messaging.rocketmq.message.tag',
  /** normal, fifo, delay. */
  MESSAGE_TYPE: 'messaging.rocketmq.message.type',
  /** Delivery time of a timer message (ms since the epoch). */
  DELIVERY_TIMESTAMP: 'messaging.rocketmq.message.delivery_timestamp',
  /** Delay level. */
  DELAY_LEVEL: 'messaging.rocketmq.message.delay_time_level',
  /** Sharding key of an ordered send. */
  MESSAGE_GROUP: 'messaging.rocketmq.message.group',
  /** Broker group that stored the message. */
  BROKER_NAME: 'messaging.rocketmq.broker_name',
  /** Retries made (attempts − 1). */
  RETRY_COUNT: 'messaging.rocketmq.send.retry_count',
  /** SEND_OK, FLUSH_DISK_TIMEOUT, … or the error code. */
  SEND_STATUS: 'messaging.rocketmq.send.status',
  /** success / failure. */
  OUTCOME: 'messaging.rocketmq.send.outcome',
  /** Broker host. */
  SERVER_ADDRESS: 'server.address',
  /** Broker port. */
  SERVER_PORT: 'server.port',
  /** Error class or code on failure. */
  ERROR_TYPE: 'error.type',
} as const;
