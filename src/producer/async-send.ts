/**
 * The quick path of `sendAsync`: a single message without send options, while no tracer is registered and a
 * `maxInflight` slot is free, goes straight into the accumulator (`autoBatch`, when it can be batched) or to the
 * send loop alone, with one small settle object as its outcome sink, instead of the general dispatch's async
 * function, caller-facing promise, executor and callback closures. At 1024 sends in flight those were most of the
 * client's per-message garbage. Everything the caller sees is the same: the slot is
 * held until the outcome, shutdown fails it with the producer's stop reason, the metric is recorded, the callback
 * gets the result or a typed error, and a callback that throws surfaces as an unhandled rejection as before.
 * @module
 */

import type { Attributes } from '@opentelemetry/api';
import { RocketMQError } from '../errors.js';
import { recordSend } from '../telemetry/metrics.js';
import { Attr } from '../telemetry/names.js';
import type { ProduceAccumulator, SendSink } from './accumulator.js';
import type { MessageInput, SendCallback, SendResult } from './options.js';
import type { SendLimiter } from './limiter.js';
import { normalizeAbort, type InflightSend } from './settle.js';
import { prepareMessage, type PrepareLimits } from './validate.js';
import { aloneRequest, type WireResult, type WireSend } from './wire.js';

/**
 * What the quick path needs from its producer (built once when it starts).
 * @internal
 */
export interface QuickSendHost {
  /** The `maxInflight` gate. */
  limiter: SendLimiter;
  /** `maxInflight`. */
  maxInflight: number;
  /** The producer's accumulator (undefined without `autoBatch`). */
  accumulator: ProduceAccumulator | undefined;
  /** Sends holding a slot (shutdown fails them). */
  inflightSends: Set<InflightSend>;
  /** `retryTimesWhenSendAsyncFailed`. */
  retries: number;
  /** `sendMsgTimeout`. */
  budgetMs: number;
  /** Validation limits. */
  limits: PrepareLimits;
  /** Metric attributes of a topic. */
  attributes: (topic: string) => Attributes;
  /** Whether every slot is held. */
  limiterFull: () => boolean;
  /** Sends a message alone (the accumulator refused it). */
  sendAlone: (s: WireSend) => Promise<WireResult>;
}

/** One quick send: its slot, its metric and its callback, settled once. */
class QuickSend implements InflightSend, SendSink {
  holds = true;
  done = false;

  constructor(
    private readonly host: QuickSendHost,
    private readonly topic: string,
    private readonly started: number,
    private readonly callback: SendCallback | undefined,
  ) {}

  resolve(r: SendResult): void {
    if (!this.finish()) return;
    recordSend('success', Date.now() - this.started, this.host.attributes(this.topic), 1);
    this.call(undefined, r);
  }

  reject(err: unknown): void {
    if (!this.finish()) return;
    const e = err instanceof RocketMQError ? err : normalizeAbort(err, undefined);
    recordSend('failure', Date.now() - this.started, { [Attr.SYSTEM]: 'rocketmq', [Attr.DESTINATION]: this.topic, [Attr.ERROR_TYPE]: e.code }, 1);
    this.call(e, undefined);
  }

  private finish(): boolean {
    if (this.done) return false;
    this.done = true;
    this.host.inflightSends.delete(this);
    this.host.limiter.leave();
    return true;
  }

  private call(err: Error | undefined, r: SendResult | undefined): void {
    if (this.callback === undefined) return;
    try {
      this.callback(err, r);
    } catch (thrown) {
      // The general path calls back from a promise reaction, where a throw becomes an unhandled rejection; keep
      // that, and keep it from breaking the settling of the other messages of the batch.
      void Promise.reject(thrown);
    }
  }
}

/**
 * Whether `msg` may take the quick path right now: a single message, no send options, a slot free without waiting.
 * (Tracing is checked by the producer.)
 * @internal
 */
export function quickEligible(host: QuickSendHost, msg: MessageInput | readonly MessageInput[], options: object): msg is MessageInput {
  if (Array.isArray(msg) || host.limiter.size > 0 || host.limiter.pending >= host.maxInflight) return false;
  for (const k in options) if ((options as Record<string, unknown>)[k] !== undefined) return false;
  return true;
}

/**
 * Sends `msg` on the quick path: into the accumulator when it can be batched (not compressed, not delayed, not to a
 * retry topic), otherwise alone — the request the general path would build for it. Validation errors go to the
 * callback, as with the general path (nothing is sent, no slot taken).
 * @internal
 */
export function quickSend(host: QuickSendHost, msg: MessageInput, callback: SendCallback | undefined): void {
  const started = Date.now();
  let m;
  try {
    m = prepareMessage(msg, host.limits);
  } catch (err) {
    // The general path rejects its internal promise, which reaches the callback only.
    const e = err instanceof RocketMQError ? err : normalizeAbort(err, undefined);
    if (callback !== undefined) queueMicrotask(() => callback(e));
    return;
  }
  // quickEligible saw a free slot and nothing has run since: this enter cannot wait.
  host.limiter.enter();
  const s = new QuickSend(host, m.topic, started, callback);
  host.inflightSends.add(s);
  const acc = host.accumulator;
  const batchable = acc !== undefined && m.sysFlag === 0 && m.delayTimeLevel === undefined && m.deliverTimeMs === undefined && !m.topic.startsWith('%RETRY%');
  if (batchable && acc.addSink(m, m.propertiesText, host.retries, s)) {
    // Every slot is held: nothing more can join a batch until one is answered (see ProduceAccumulator.flushWhenFull).
    if (host.limiter.pending >= host.maxInflight) acc.flushWhenFull(host.limiterFull);
    return;
  }
  host.sendAlone(aloneRequest(m, m.propertiesText, host.retries, host.budgetMs)).then(
    (w) => s.resolve(w.result),
    (e: unknown) => s.reject(e),
  );
}
