/**
 * The producer: `Producer` with Java `DefaultMQProducer` options, failover-aware sends, batches, ordered and delayed
 * messages, heartbeats and OpenTelemetry.
 * @module
 */
export {
  Producer,
  type ProducerDiagnostics,
  type ProducerEvents,
  type ProducerLeaderChangeEvent,
  type ProducerState,
} from './producer.js';
export type {
  MessageInput,
  MessageQueueSelector,
  ProducerOptions,
  SendCallback,
  SendOptions,
  SendResult,
} from './options.js';
export type { SendRetryEvent } from './send.js';
export { selectQueueByHash } from './ordered.js';
export { validateTopic, validateGroup, TOPIC_MAX_LENGTH, GROUP_MAX_LENGTH } from './validate.js';
