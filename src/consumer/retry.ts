/**
 * Handing a failed message to the retry path (Java `DefaultMQPushConsumerImpl#sendMessageBack`): first
 * CONSUMER_SEND_MSG_BACK to the master of the broker group that stored it; if that fails, re-send it ourselves to
 * `%RETRY%<group>` with the retry properties (the broker dead-letters it past the maximum). Resolves to whether one
 * of the two worked — when neither did, the caller keeps the message and retries it locally, so it is never lost.
 * @module
 */

import { MessageConst } from '../message/constants.js';
import type { ConsumerClient } from './consumer-client.js';
import { retryTopicOf, type MessageExt, type MessageQueue } from './types.js';

/** Inputs of {@link handToRetry}. */
export interface RetryHandoff {
  /** Wire calls. */
  client: ConsumerClient;
  /** Consumer group. */
  group: string;
  /** Queue the message was pulled from (its brokerName owns the commit-log offset). */
  mq: MessageQueue;
  /** The message. */
  msg: MessageExt;
  /** The consumer's maximum redeliveries. */
  maxReconsumeTimes: number;
  /** Send-back budget, ms. */
  timeoutMs: number;
  /** −1 sends straight to the DLQ (orderly past the maximum); 0 lets the broker pick 3 + reconsumeTimes. */
  delayLevel: number;
}

/**
 * Sends back, else re-sends to the retry topic.
 * @param h - message, group and client
 * @returns whether the message is now in the broker's hands
 */
export async function handToRetry(h: RetryHandoff): Promise<boolean> {
  try {
    await h.client.sendBack(h.mq.brokerName, h.msg, h.group, h.delayLevel, h.maxReconsumeTimes, h.timeoutMs);
    return true;
  } catch {
    // Fall through to the re-send: the master may be gone (failover) or reject send-backs.
  }
  try {
    const m = h.msg;
    const props: Record<string, string> = { ...m.properties };
    props[MessageConst.RETRY_TOPIC] ??= m.topic;
    props[MessageConst.ORIGIN_MESSAGE_ID] ??= m.msgId;
    const times = h.delayLevel < 0 ? Math.max(m.reconsumeTimes, h.maxReconsumeTimes) : m.reconsumeTimes + 1;
    props[MessageConst.RECONSUME_TIME] = String(times);
    props[MessageConst.MAX_RECONSUME_TIMES] = String(h.maxReconsumeTimes);
    props[MessageConst.DELAY] = String(3 + m.reconsumeTimes);
    await h.client.send(retryTopicOf(h.group), m.body, props, {
      reconsumeTimes: times,
      maxReconsumeTimes: h.maxReconsumeTimes,
      flag: m.flag,
    });
    return true;
  } catch {
    return false;
  }
}

/**
 * Shows a retried message under its original topic (Java `resetRetryAndNamespace`).
 * @param msg - a pulled message
 * @param group - consumer group
 */
export function resetRetryTopic(msg: MessageExt, group: string): void {
  const original = msg.properties[MessageConst.RETRY_TOPIC];
  if (original !== undefined && msg.topic === retryTopicOf(group)) msg.topic = original;
}
