/**
 * One request's way to the broker: the SEND_MESSAGE_V2 / SEND_BATCH_MESSAGE request built per attempt, the send
 * loop ({@link runSend}) around it, and the broker's answer turned into a {@link SendResult}. Shared by the
 * producer's direct sends and the auto-batching accumulator, so both get the same retries and failover.
 * @module
 */

import type { RocketMQError } from '../errors.js';
import type { MessageQueue, TopicPublishInfo } from '../client/topic-publish-info.js';
import { encodeSendMessageRequest } from '../protocol/send-message.js';
import type { SendResult } from './options.js';
import type { PreparedMessage } from './validate.js';
import { runSend, type SendDeps, type SendOutcome } from './send.js';

/** What every request of one producer shares. */
export interface WireContext {
  /** Route cache, transport, fault table, hooks. */
  deps: SendDeps;
  /** Producer group on the wire (namespace applied). */
  group: string;
  /** `defaultTopicQueueNums` of the producer. */
  defaultTopicQueueNums: number;
  /** `retryAnotherBrokerWhenNotStoreOK` of the producer. */
  retryNotStoreOK: boolean;
  /** Returns an error once the producer stops. */
  stopped: () => RocketMQError | undefined;
}

/** One request: a message or an encoded batch. */
export interface WireSend {
  /** Topic on the wire. */
  topic: string;
  /** UNIQ_KEY (a batch: joined by ','), for results and events. */
  msgId: string;
  /** Body, or the encoded batch body. */
  body: Buffer;
  /** Encoded properties of the request. */
  properties: string;
  /** sysFlag of the request. */
  sysFlag: number;
  /** Application flag of the request. */
  flag: number;
  /** SEND_BATCH_MESSAGE instead of SEND_MESSAGE_V2. */
  batch: boolean;
  /** Budget of every attempt together, in ms. */
  budgetMs: number;
  /** Retries after a failed attempt. */
  retries: number;
  /** Oneway: write and return. */
  oneway: boolean;
  /** Caller's abort signal. */
  signal?: AbortSignal;
  /** Ordered send: picks the queue. */
  pick?: (info: TopicPublishInfo) => MessageQueue | undefined;
}

/** A stored request: the caller-facing result and the loop's outcome (for spans). */
export interface WireResult {
  /** Result (a batch: joined ids, first queue offset). */
  result: SendResult;
  /** What the send loop reported. */
  outcome: SendOutcome;
}

/**
 * Sends one request within its budget, with the producer's retry and failover rules.
 * @param ctx - the producer's shared parts
 * @param s - the request
 * @throws SendFailedError, AbortError, ClientStateError (shutdown)
 */
export async function sendOnWire(ctx: WireContext, s: WireSend): Promise<WireResult> {
  const out = await runSend(ctx.deps, {
    topic: s.topic,
    msgId: s.msgId,
    budgetMs: s.budgetMs,
    maxAttempts: 1 + s.retries,
    retryNotStoreOK: ctx.retryNotStoreOK,
    oneway: s.oneway,
    signal: s.signal,
    stopped: ctx.stopped,
    pick: s.pick,
    build: (mq) =>
      encodeSendMessageRequest(
        {
          producerGroup: ctx.group,
          topic: s.topic,
          defaultTopic: 'TBW102',
          defaultTopicQueueNums: ctx.defaultTopicQueueNums,
          queueId: mq.queueId,
          sysFlag: s.sysFlag,
          bornTimestamp: Date.now(),
          flag: s.flag,
          properties: s.properties,
          reconsumeTimes: 0,
          unitMode: false,
          batch: s.batch,
          brokerName: mq.brokerName,
        },
        s.body,
        { oneway: s.oneway },
      ),
  });
  const r = out.result;
  return {
    outcome: out,
    result: {
      status: r?.status ?? 'SEND_OK',
      msgId: s.msgId,
      offsetMsgId: r?.offsetMsgId ?? '',
      messageQueue: { topic: out.mq.topic, brokerName: out.mq.brokerName, queueId: r?.queueId ?? out.mq.queueId },
      queueOffset: r?.queueOffset ?? -1,
      attempts: out.attempts,
      brokerAddr: out.addr,
    },
  };
}

/**
 * The request of one prepared message sent on its own (a batchable message the accumulator refused).
 * @param m - the message
 * @param properties - its encoded properties
 * @param retries - retries after a failed attempt
 * @param budgetMs - `sendMsgTimeout`
 */
export function aloneRequest(m: PreparedMessage, properties: string, retries: number, budgetMs: number): WireSend {
  return { topic: m.topic, msgId: m.msgId, body: m.body, properties, sysFlag: m.sysFlag, flag: m.flag, batch: false, budgetMs, retries, oneway: false };
}
