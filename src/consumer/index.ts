/**
 * Consumers: {@link PushConsumer} (concurrent and orderly listeners, rebalance, retry/DLQ, offsets) and
 * {@link PullConsumer} (lite pull: subscribe or assign, poll, async iteration, seek, commit, pause/resume).
 * @module
 */
export { PushConsumer, type PushConsumerEvents, type RebalanceEvent } from './push-consumer.js';
export type { PushConsumerOptions } from './push-options.js';
export type { OffsetMovedEvent, OffsetMoveSuspectedEvent } from './offset-move.js';
export {
  allocateMessageQueueAveragely,
  allocateMessageQueueByCircle,
  compareMessageQueues,
  type AllocateMessageQueueStrategy,
} from './allocate.js';
export { ProcessQueue } from './process-queue.js';
export { LocalFileOffsetStore, RemoteBrokerOffsetStore, defaultOffsetStoreDir, type OffsetStore } from './offset-store.js';
export { filterByTags, matchesSubscription, parseSubscription } from './tag-filter.js';
export { CONSUMED_MESSAGES_METRIC, PROCESS_DURATION_METRIC, recordConsume, type ConsumeOutcome } from './telemetry.js';
export {
  dlqTopicOf,
  queueKey,
  retryTopicOf,
  type ConsumeContext,
  type ConsumeFromWhere,
  type ConsumeResult,
  type ListenerOptions,
  type MessageExt,
  type AsyncMessageListener,
  type MessageListener,
  type SyncMessageListener,
  type MessageModel,
  type MessageQueue,
} from './types.js';
export { PullConsumer, type PullConsumerEvents } from './pull-consumer.js';
export type { PullConsumerOptions } from './pull-options.js';
export { ConsumerClient, type ConsumerClientOptions } from './consumer-client.js';
export type { ConsumeHost } from './consume-host.js';
export type { PushPullHost, PushQueueState } from './push-pull.js';
export { OffsetMoveGuard, type OffsetMoveGuardOptions, type OffsetMoveVerdict } from './offset-move.js';
export type { ResolvedPushOptions } from './push-options.js';
