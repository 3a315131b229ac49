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
  ResolvedProducerOptions,
  SendCallback,
  SendOptions,
  SendResult,
} from './options.js';
export type { SendRetryEvent } from './send.js';
export { selectQueueByHash } from './ordered.js';
export { validateTopic, validateGroup, TOPIC_MAX_LENGTH, GROUP_MAX_LENGTH } from './validate.js';
// Types of the client layer that appear in the producer's API.
export type { BrokerIsolatedEvent, BrokerRecoveredEvent, FaultItem } from '../client/latency-fault.js';
export type { LeaderChangeEvent, RouteChangeEvent } from '../client/route-manager.js';
export type { MessageQueue } from '../client/topic-publish-info.js';
export type { TransportOptions } from '../client/transport.js';
export type { LeaderChange } from '../client/topic-publish-info.js';
export type { ConnectFn } from '../client/transport.js';
export type { TopicRouteData } from '../protocol/route.js';
