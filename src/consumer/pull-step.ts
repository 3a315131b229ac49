/**
 * One pull of one queue, shared by the push and the lite-pull consumer: choose the address (suggestWhichBrokerId,
 * master by default), send PULL_MESSAGE with long polling, decode and tag-filter the messages, and report what to do
 * next. Errors come back as a value so loops stay simple.
 * @module
 */

import { BrokerResponseError, NoRouteError } from '../errors.js';
import { decodeStoredMessages } from '../message/stored.js';
import type { SubscriptionData } from '../protocol/heartbeat.js';
import { PullSysFlag, type PullStatus } from '../protocol/pull-message.js';
import { ResponseCode } from '../protocol/response-codes.js';
import type { ConsumerClient } from './consumer-client.js';
import { resetRetryTopic } from './retry.js';
import { filterByTags } from './tag-filter.js';
import { RETRY_GROUP_TOPIC_PREFIX, type MessageExt, type MessageQueue } from './types.js';

/** Inputs of {@link pullStep}. */
export interface PullStepInput {
  /** Wire calls. */
  client: ConsumerClient;
  /** Consumer group. */
  group: string;
  /** Queue. */
  mq: MessageQueue;
  /** Subscription of the queue's topic. */
  sub: SubscriptionData;
  /** First offset wanted. */
  offset: number;
  /** Messages wanted. */
  maxMsgNums: number;
  /** Broker id suggested by the previous pull (0 = master). */
  brokerId: number;
  /** Offset to piggyback (COMMIT_OFFSET, only to a master); ≤ 0 = none. */
  commitOffset: number;
  /** Long-polling hold, ms (0 = no SUSPEND). */
  suspendTimeoutMillis: number;
  /** Extra flag bits (e.g. LITE_PULL). */
  extraFlags?: number;
  /** Cancels the wait. */
  signal?: AbortSignal;
}

/** Outcome of {@link pullStep}. */
export type PullStepResult =
  | {
      kind: 'ok';
      /** Pull status. */
      status: PullStatus;
      /** Messages that passed the filter (FOUND only), retry topics shown as the original topic. */
      msgs: MessageExt[];
      /** Where to pull next. */
      nextBeginOffset: number;
      /** Broker id to pull from next. */
      suggestWhichBrokerId: number;
      /** The address pulled from. */
      brokerAddr: string;
      /** The queue's max offset according to that broker. */
      maxOffset: number;
    }
  | {
      kind: 'error';
      /** Why. */
      error: unknown;
      /** The broker lost our subscription (re-heartbeat). */
      subscriptionLost: boolean;
    };

/**
 * Pulls once.
 * @param p - what to pull
 */
export async function pullStep(p: PullStepInput): Promise<PullStepResult> {
  const found = p.client.routes.findBrokerAddressInSubscribe(p.mq.brokerName, p.brokerId, false);
  if (!found) {
    p.client.routes.requestRefresh(p.mq.topic);
    return { kind: 'error', error: new NoRouteError(`no address for ${p.mq.brokerName}`, { context: { brokerName: p.mq.brokerName } }), subscriptionLost: false };
  }
  const commit = !found.slave && p.commitOffset > 0;
  const sysFlag =
    PullSysFlag.SUBSCRIPTION |
    (p.suspendTimeoutMillis > 0 ? PullSysFlag.SUSPEND : 0) |
    (commit ? PullSysFlag.COMMIT_OFFSET : 0) |
    (p.extraFlags ?? 0);
  try {
    const res = await p.client.pull(
      found.brokerAddr,
      {
        consumerGroup: p.group,
        topic: p.mq.topic,
        queueId: p.mq.queueId,
        queueOffset: p.offset,
        maxMsgNums: p.maxMsgNums,
        sysFlag,
        commitOffset: commit ? p.commitOffset : 0,
        suspendTimeoutMillis: p.suspendTimeoutMillis,
        subscription: p.sub.subString,
        subVersion: p.sub.subVersion,
        expressionType: p.sub.expressionType,
      },
      p.suspendTimeoutMillis + 15_000,
      p.signal,
    );
    let msgs: MessageExt[] = [];
    if (res.status === 'FOUND' && res.body.length > 0) {
      msgs = filterByTags(p.sub, decodeStoredMessages(res.body));
      // Only a retry-topic queue holds messages to rename; elsewhere skip the per-message property decode.
      if (p.mq.topic.startsWith(RETRY_GROUP_TOPIC_PREFIX)) for (const m of msgs) resetRetryTopic(m, p.group);
    }
    return {
      kind: 'ok',
      status: res.status,
      msgs,
      nextBeginOffset: res.nextBeginOffset,
      suggestWhichBrokerId: res.suggestWhichBrokerId,
      brokerAddr: found.brokerAddr,
      maxOffset: res.maxOffset,
    };
  } catch (error) {
    // A dead or demoted broker: look the route up again so the next pull finds the new leader.
    if (!p.signal?.aborted) p.client.routes.requestRefresh(p.mq.topic);
    const lost =
      error instanceof BrokerResponseError &&
      (error.responseCode === ResponseCode.SUBSCRIPTION_NOT_EXIST || error.responseCode === ResponseCode.SUBSCRIPTION_NOT_LATEST);
    return { kind: 'error', error, subscriptionLost: lost };
  }
}
