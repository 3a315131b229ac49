/**
 * What the consume services need from their push consumer.
 * @module
 */

import type { ConsumerClient } from './consumer-client.js';
import type { OffsetStore } from './offset-store.js';
import type { ProcessQueue } from './process-queue.js';
import type { ResolvedPushOptions } from './push-options.js';
import { telemetryActive, traced } from './telemetry.js';
import type { ConsumeResult, MessageExt, MessageListener } from './types.js';

/** The push consumer as seen by a consume service. */
export interface ConsumeHost {
  /** Resolved options. */
  readonly settings: ResolvedPushOptions;
  /** Wire calls. */
  readonly client: ConsumerClient;
  /** Offsets. */
  readonly offsetStore: OffsetStore;
  /** The registered listener. */
  readonly listener: MessageListener;
  /** Whether new work may start (false once shutdown began). */
  isRunning(): boolean;
  /**
   * Address the queue is pulled from (telemetry).
   * @param pq - the queue
   */
  brokerAddrOf(pq: ProcessQueue): string | undefined;
  /**
   * Orderly: (re)locks a queue on the broker; resolves to whether it is locked.
   * @param pq - the queue
   */
  lock(pq: ProcessQueue): Promise<boolean>;
}

/**
 * Calls the listener, mapping nothing/throw to results.
 * @param listener - the listener
 * @param msgs - the batch
 * @param pq - its queue
 * @param orderly - listener kind
 * @returns true for success
 * @throws whatever the listener threw
 */
export async function callListener(listener: MessageListener, msgs: MessageExt[], pq: ProcessQueue, orderly: boolean): Promise<boolean> {
  const r: ConsumeResult | void | undefined = await listener(msgs, { messageQueue: pq.mq, orderly });
  return r === undefined || r === 'CONSUME_SUCCESS' || r === 'SUCCESS';
}

/**
 * Runs the listener on a batch inside its process spans, as both the concurrent and the orderly service do: a throw
 * counts as a failure (retry), and the queue's last-consume time is stamped either way.
 * @param host - the consumer
 * @param pq - the batch's queue
 * @param batch - the messages
 * @param orderly - listener kind
 * @returns true for success
 */
export async function runListener(host: ConsumeHost, pq: ProcessQueue, batch: MessageExt[], orderly: boolean): Promise<boolean> {
  let ok: boolean;
  try {
    ok = await traced(batch, host.settings.consumerGroup, pq.mq, host.brokerAddrOf(pq), () => callListener(host.listener, batch, pq, orderly));
  } catch {
    ok = false;
  }
  pq.lastConsumeTimestamp = Date.now();
  return ok;
}

/**
 * {@link runListener} without promises when it can: with no OpenTelemetry SDK registered and a listener that returns
 * a plain value, the result is a plain boolean (no span, no microtask). A thenable result, or telemetry being on,
 * gives the promise of {@link runListener}.
 * @param host - the consumer
 * @param pq - the batch's queue
 * @param batch - the messages
 * @param telemetry - whether an OpenTelemetry SDK is registered (asked once per run of calls by the caller)
 * @returns true for success, or a promise of it
 */
export function runListenerFast(host: ConsumeHost, pq: ProcessQueue, batch: MessageExt[], telemetry = telemetryActive()): boolean | Promise<boolean> {
  if (telemetry) return runListener(host, pq, batch, false);
  let r: ConsumeResult | void | undefined | PromiseLike<ConsumeResult | void | undefined>;
  try {
    r = host.listener(batch, pq.concurrentContext);
  } catch {
    pq.lastConsumeTimestamp = Date.now();
    return false;
  }
  if (r !== null && typeof r === 'object' && typeof (r as PromiseLike<unknown>).then === 'function') {
    return Promise.resolve(r as PromiseLike<ConsumeResult | void | undefined>).then(
      (v) => {
        pq.lastConsumeTimestamp = Date.now();
        return v === undefined || v === 'CONSUME_SUCCESS' || v === 'SUCCESS';
      },
      () => {
        pq.lastConsumeTimestamp = Date.now();
        return false;
      },
    );
  }
  pq.lastConsumeTimestamp = Date.now();
  const v = r as ConsumeResult | void | undefined;
  return v === undefined || v === 'CONSUME_SUCCESS' || v === 'SUCCESS';
}

/** Cancellable sleeps: {@link Sleeper.cancelAll} clears every pending timer and resolves its promise at once. */
export class Sleeper {
  private readonly pending = new Map<NodeJS.Timeout, () => void>();

  /**
   * Resolves after `ms` (or at once when cancelled).
   * @param ms - delay
   */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.pending.delete(t);
        resolve();
      }, ms);
      this.pending.set(t, resolve);
    });
  }

  /** Clears every pending timer and resolves the sleeps. */
  cancelAll(): void {
    for (const [t, resolve] of this.pending) {
      clearTimeout(t);
      resolve();
    }
    this.pending.clear();
  }
}

/**
 * Resolves to whether `p` settled within `ms` (its outcome is ignored).
 * @param p - the promise
 * @param ms - bound
 */
export async function within(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const done = await Promise.race([
    p.then(
      () => true,
      () => true,
    ),
    new Promise<boolean>((r) => (timer = setTimeout(() => r(false), ms))),
  ]);
  clearTimeout(timer);
  return done;
}
