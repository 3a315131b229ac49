/**
 * Shapes shared by the push and the lite-pull consumer: listener results, listener signatures, the consume context.
 * @module
 */

import type { MessageQueue } from '../client/topic-publish-info.js';
import type { MessageModel } from '../protocol/heartbeat.js';
import type { MessageExt } from '../message/types.js';

export type { MessageQueue } from '../client/topic-publish-info.js';
export type { MessageModel } from '../protocol/heartbeat.js';
export type { MessageExt } from '../message/types.js';

/** Where a consumer group with no stored offset starts (Java `ConsumeFromWhere`). */
export type ConsumeFromWhere = 'CONSUME_FROM_LAST_OFFSET' | 'CONSUME_FROM_FIRST_OFFSET' | 'CONSUME_FROM_TIMESTAMP';

/**
 * What a listener returns. Concurrent listeners: `CONSUME_SUCCESS` (or nothing) acknowledges the batch,
 * `RECONSUME_LATER` sends it to retry. Orderly listeners: `SUCCESS`/`CONSUME_SUCCESS` (or nothing) commit,
 * `SUSPEND_CURRENT_QUEUE_A_MOMENT`/`RECONSUME_LATER` retry the same messages locally after a pause.
 */
export type ConsumeResult = 'CONSUME_SUCCESS' | 'RECONSUME_LATER' | 'SUCCESS' | 'SUSPEND_CURRENT_QUEUE_A_MOMENT';

/** Passed to a listener with each batch. */
export interface ConsumeContext {
  /** The queue the batch came from. */
  messageQueue: MessageQueue;
  /** Whether the listener was registered as orderly. */
  orderly: boolean;
}

/**
 * A message listener. Throwing (or rejecting) counts as `RECONSUME_LATER` (orderly: suspend).
 * @param msgs - the batch (at most `consumeMessageBatchMaxSize` messages, all from one queue)
 * @param context - the queue and listener kind
 */
export type MessageListener = (
  msgs: MessageExt[],
  context: ConsumeContext,
) => ConsumeResult | void | undefined | Promise<ConsumeResult | void | undefined>;

/** A listener written as an `async` function. */
export type AsyncMessageListener = (msgs: MessageExt[], context: ConsumeContext) => Promise<ConsumeResult | void | undefined>;

/**
 * A listener that answers synchronously. Its return type also admits other strings because TypeScript, having tried
 * the async overload first, widens a returned literal to `string`; at run time anything but a success status (or
 * nothing) is treated as `RECONSUME_LATER`, so a typo can only cause a redelivery, never a loss.
 */
export type SyncMessageListener = (msgs: MessageExt[], context: ConsumeContext) => ConsumeResult | (string & Record<never, never>) | void | undefined;

/** Options of `registerMessageListener`. */
export interface ListenerOptions {
  /** Orderly listener: queues are locked on the broker and consumed one message (batch) at a time. @default false */
  orderly?: boolean;
}

/** The messaging model and where new groups start, shared by both consumers. */
export interface ConsumerModel {
  /** Clustering or broadcasting. */
  messageModel: MessageModel;
  /** Where a group without a stored offset starts. */
  consumeFromWhere: ConsumeFromWhere;
  /** Start time for `CONSUME_FROM_TIMESTAMP`, ms since the epoch. */
  consumeTimestamp: number;
}

/**
 * Key of a queue in maps: `topic@brokerName@queueId`.
 * @param mq - the queue
 */
export function queueKey(mq: MessageQueue): string {
  // The same queue object is keyed once per acknowledged message (offset store, consume services): remember its
  // key, checked against the fields so a queue object that was changed in place still gets its right key.
  const memo = KEYS.get(mq);
  if (memo !== undefined && memo.topic === mq.topic && memo.brokerName === mq.brokerName && memo.queueId === mq.queueId) return memo.key;
  const key = `${mq.topic}@${mq.brokerName}@${mq.queueId}`;
  KEYS.set(mq, { topic: mq.topic, brokerName: mq.brokerName, queueId: mq.queueId, key });
  return key;
}

const KEYS = new WeakMap<MessageQueue, MessageQueue & { key: string }>();

/** Prefix of a group's retry topic. */
export const RETRY_GROUP_TOPIC_PREFIX = '%RETRY%';
/** Prefix of a group's dead-letter topic. */
export const DLQ_GROUP_TOPIC_PREFIX = '%DLQ%';

/**
 * `%RETRY%<group>`.
 * @param group - consumer group
 */
export function retryTopicOf(group: string): string {
  return RETRY_GROUP_TOPIC_PREFIX + group;
}

/**
 * `%DLQ%<group>`.
 * @param group - consumer group
 */
export function dlqTopicOf(group: string): string {
  return DLQ_GROUP_TOPIC_PREFIX + group;
}
