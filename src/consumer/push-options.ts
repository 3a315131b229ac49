/**
 * Options of {@link PushConsumer}, named as Java's `DefaultMQPushConsumer` fields, and their resolution.
 * @module
 */

import { validateSecurityOptions, type ClientSecurityOptions } from '../client/security.js';
import type { TransportOptions } from '../client/transport.js';
import { ValidationError } from '../errors.js';
import { allocateMessageQueueAveragely, type AllocateMessageQueueStrategy } from './allocate.js';
import type { ConsumeFromWhere, MessageModel } from './types.js';

/** Options of a push consumer. ACL keys and TLS come from {@link ClientSecurityOptions}. */
export interface PushConsumerOptions extends ClientSecurityOptions {
  /** Consumer group (required). */
  consumerGroup: string;
  /** Nameserver addresses, `h:p;h:p`. @default NAMESRV_ADDR, then the address server */
  namesrvAddr?: string;
  /** Clustering (queues shared in the group) or broadcasting (everyone gets everything). @default 'CLUSTERING' */
  messageModel?: MessageModel;
  /** Where a group without a stored offset starts. @default 'CONSUME_FROM_LAST_OFFSET' */
  consumeFromWhere?: ConsumeFromWhere;
  /** Start time for CONSUME_FROM_TIMESTAMP, ms since the epoch. @default 30 minutes before start */
  consumeTimestamp?: number;
  /** Listener calls running at once (Java consumeThreadMax). @default 20 */
  consumeThreadMax?: number;
  /** Messages per listener call. @default 1 */
  consumeMessageBatchMaxSize?: number;
  /** Messages per pull. @default 32 */
  pullBatchSize?: number;
  /** Stop pulling a queue while this many of its messages are in flight. @default 1000 */
  pullThresholdForQueue?: number;
  /** Stop pulling a queue while this many MiB of its bodies are in flight. @default 100 */
  pullThresholdSizeForQueue?: number;
  /** Redeliveries before a message goes to `%DLQ%<group>`; −1 means 16. @default 16 */
  maxReconsumeTimes?: number;
  /** Queue allocation strategy. @default allocateMessageQueueAveragely */
  allocateMessageQueueStrategy?: AllocateMessageQueueStrategy;
  /** Route poll interval, ms. @default 30000 */
  pollNameServerInterval?: number;
  /** Heartbeat interval, ms. @default 30000 */
  heartbeatBrokerInterval?: number;
  /** Offset commit interval, ms. @default 5000 */
  persistConsumerOffsetInterval?: number;
  /** Periodic rebalance interval, ms. @default 20000 */
  rebalanceInterval?: number;
  /** Instance name (client id part; also names the broadcasting offset file directory). @default 'DEFAULT' */
  instanceName?: string;
  /** Broadcasting: root directory of the local offset file. @default `~/.rocketmq_offsets` */
  offsetStoreDir?: string;
  /** How long the broker may hold a pull (long polling), ms. @default 15000 */
  suspendTimeoutMillis?: number;
  /** Pause after a failed pull, ms. @default 1000 */
  pullTimeDelayMillsWhenException?: number;
  /**
   * A PULL_OFFSET_MOVED that would move a queue *backwards* (a broker whose queue is shorter than our offset: a stale
   * or rebuilding master, or a truly truncated queue) is obeyed only after the same broker has kept saying so for this
   * long (and at least 3 pulls); meanwhile the route is refreshed and the offset kept. Forward moves are obeyed at
   * once. 0 obeys at once, like the Java client. ms.
   * @default 10000
   */
  offsetRewindConfirmMillis?: number;
  /** Orderly: pause before retrying a failed message locally, ms. @default 1000 */
  suspendCurrentQueueTimeMillis?: number;
  /** Orderly: queue lock renewal interval, ms. @default 20000 */
  lockInterval?: number;
  /** Pause before re-consuming locally a batch that could be neither sent back nor re-sent, ms. @default 5000 */
  localRetryDelayMillis?: number;
  /** Shutdown: how long in-flight listener calls may take to finish, ms. @default 10000 */
  awaitTerminationMillisWhenShutdown?: number;
  /** Broker call timeout (offsets, heartbeats, locks), ms. @default 3000 */
  mqClientApiTimeout?: number;
  /** Send-back timeout, ms. @default 5000 */
  sendBackTimeoutMillis?: number;
  /**
   * Connection settings (connect timeout, a custom connection factory, RPC hooks); the top-level `accessKey` /
   * `secretKey` / `securityToken` and `tls` take precedence over `transport.credentials` / `transport.tls`.
   * @default plain TCP
   */
  transport?: TransportOptions;
}

/** Options with every default filled in (what {@link PushConsumer.settings} holds). */
export type ResolvedPushOptions = Required<Omit<PushConsumerOptions, 'namesrvAddr' | 'transport' | 'offsetStoreDir' | keyof ClientSecurityOptions>> &
  Pick<PushConsumerOptions, 'namesrvAddr' | 'transport' | 'offsetStoreDir' | keyof ClientSecurityOptions>;

function positive(name: string, v: number | undefined, def: number, min = 1): number {
  const x = v ?? def;
  if (typeof x !== 'number' || !Number.isFinite(x) || x < min) throw new ValidationError(`${name} must be a number >= ${min}, got ${String(v)}`);
  return x;
}

const MODELS: readonly string[] = ['CLUSTERING', 'BROADCASTING'];
const FROM: readonly string[] = ['CONSUME_FROM_LAST_OFFSET', 'CONSUME_FROM_FIRST_OFFSET', 'CONSUME_FROM_TIMESTAMP'];

/**
 * Validates options and fills in defaults.
 * @param o - user options
 * @throws ValidationError for a missing group or out-of-range numbers
 */
export function resolvePushOptions(o: PushConsumerOptions): ResolvedPushOptions {
  if (!o || typeof o.consumerGroup !== 'string' || o.consumerGroup.trim() === '') throw new ValidationError('consumerGroup is required');
  if (!/^[%|a-zA-Z0-9_-]+$/.test(o.consumerGroup) || o.consumerGroup.length > 255) throw new ValidationError(`consumerGroup ${JSON.stringify(o.consumerGroup)} has illegal characters`);
  const messageModel = o.messageModel ?? 'CLUSTERING';
  if (!MODELS.includes(messageModel)) throw new ValidationError(`messageModel must be CLUSTERING or BROADCASTING`);
  const consumeFromWhere = o.consumeFromWhere ?? 'CONSUME_FROM_LAST_OFFSET';
  if (!FROM.includes(consumeFromWhere)) throw new ValidationError(`unknown consumeFromWhere ${String(consumeFromWhere)}`);
  const maxRe = o.maxReconsumeTimes === -1 ? 16 : positive('maxReconsumeTimes', o.maxReconsumeTimes, 16, 0);
  if (o.allocateMessageQueueStrategy !== undefined && typeof o.allocateMessageQueueStrategy !== 'function') {
    throw new ValidationError('allocateMessageQueueStrategy must be a function');
  }
  validateSecurityOptions(o);
  return {
    consumerGroup: o.consumerGroup,
    namesrvAddr: o.namesrvAddr,
    messageModel,
    consumeFromWhere,
    consumeTimestamp: positive('consumeTimestamp', o.consumeTimestamp, Date.now() - 30 * 60_000, 0),
    consumeThreadMax: Math.floor(positive('consumeThreadMax', o.consumeThreadMax, 20)),
    consumeMessageBatchMaxSize: Math.floor(positive('consumeMessageBatchMaxSize', o.consumeMessageBatchMaxSize, 1)),
    pullBatchSize: Math.floor(positive('pullBatchSize', o.pullBatchSize, 32)),
    pullThresholdForQueue: positive('pullThresholdForQueue', o.pullThresholdForQueue, 1000),
    pullThresholdSizeForQueue: positive('pullThresholdSizeForQueue', o.pullThresholdSizeForQueue, 100),
    maxReconsumeTimes: maxRe,
    allocateMessageQueueStrategy: o.allocateMessageQueueStrategy ?? allocateMessageQueueAveragely,
    pollNameServerInterval: positive('pollNameServerInterval', o.pollNameServerInterval, 30_000, 10),
    heartbeatBrokerInterval: positive('heartbeatBrokerInterval', o.heartbeatBrokerInterval, 30_000, 10),
    persistConsumerOffsetInterval: positive('persistConsumerOffsetInterval', o.persistConsumerOffsetInterval, 5000, 10),
    rebalanceInterval: positive('rebalanceInterval', o.rebalanceInterval, 20_000, 10),
    instanceName: o.instanceName ?? 'DEFAULT',
    offsetStoreDir: o.offsetStoreDir,
    suspendTimeoutMillis: positive('suspendTimeoutMillis', o.suspendTimeoutMillis, 15_000, 0),
    pullTimeDelayMillsWhenException: positive('pullTimeDelayMillsWhenException', o.pullTimeDelayMillsWhenException, 1000, 0),
    offsetRewindConfirmMillis: positive('offsetRewindConfirmMillis', o.offsetRewindConfirmMillis, 10_000, 0),
    suspendCurrentQueueTimeMillis: positive('suspendCurrentQueueTimeMillis', o.suspendCurrentQueueTimeMillis, 1000, 0),
    lockInterval: positive('lockInterval', o.lockInterval, 20_000, 10),
    localRetryDelayMillis: positive('localRetryDelayMillis', o.localRetryDelayMillis, 5000, 0),
    awaitTerminationMillisWhenShutdown: positive('awaitTerminationMillisWhenShutdown', o.awaitTerminationMillisWhenShutdown, 10_000, 0),
    mqClientApiTimeout: positive('mqClientApiTimeout', o.mqClientApiTimeout, 3000),
    sendBackTimeoutMillis: positive('sendBackTimeoutMillis', o.sendBackTimeoutMillis, 5000),
    transport: o.transport,
    accessKey: o.accessKey,
    secretKey: o.secretKey,
    securityToken: o.securityToken,
    tls: o.tls,
  };
}
