/**
 * Concurrent consumption (Java `ConsumeMessageConcurrentlyService`): batches from every queue share
 * `consumeThreadMax` listener slots. Success removes the batch from its queue's window; RECONSUME_LATER (or a throw) hands
 * each message to retry — only messages the broker accepted are removed, the rest are re-consumed locally later, so
 * the committed offset never passes a message that is neither processed nor in the retry topic.
 * @module
 */

import { handToRetry } from './retry.js';
import { runListenerFast, type ConsumeHost } from './consume-host.js';
import { telemetryActive } from './telemetry.js';
import type { ProcessQueue } from './process-queue.js';
import type { MessageExt } from './types.js';

/** Listener calls started in one go before yielding to the event loop (a synchronous listener never awaits). */
const MAX_SYNC_RUN = 512;

/** The concurrent consume service. @internal */
export class ConcurrentConsumeService {
  /**
   * Batches waiting for a slot, FIFO from index {@link head}. A plain array instead of a task queue: a message
   * costs no closure, promise or event here, and a synchronous listener finishes without a microtask.
   */
  private waiting: MessageExt[][] = [];
  /** The queue of each waiting batch (a parallel array: no job object per message). */
  private waitingPq: ProcessQueue[] = [];
  private head = 0;
  private running = 0;
  private pumping = false;
  private stopped = false;
  private resumeTimer: NodeJS.Immediate | undefined;
  private idleWaiters: (() => void)[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();

  /** @param host - the push consumer */
  constructor(private readonly host: ConsumeHost) {}

  /** Listener calls running now. */
  get active(): number {
    return this.running;
  }

  /** Batches waiting for a slot. */
  get queued(): number {
    return this.waiting.length - this.head;
  }

  /**
   * Queues freshly pulled messages in batches of `consumeMessageBatchMaxSize`.
   * @param pq - their queue
   * @param msgs - the messages (already in the queue's window)
   */
  submit(pq: ProcessQueue, msgs: readonly MessageExt[]): void {
    if (this.stopped) return;
    const size = this.host.settings.consumeMessageBatchMaxSize;
    const { waiting, waitingPq } = this;
    if (size === 1) {
      for (const m of msgs) {
        waiting.push([m]);
        waitingPq.push(pq);
      }
    } else {
      for (let i = 0; i < msgs.length; i += size) {
        waiting.push(msgs.slice(i, i + size));
        waitingPq.push(pq);
      }
    }
    // Start them on the next turn, not inline: the pull loop sends this queue's next PULL_MESSAGE first, so the
    // broker works on it while the listener runs (Java hands the batch to its consume pool for the same reason),
    // and the batches of every queue answered in this turn go out in one pump.
    if (!this.resumeTimer && !this.stopped) this.resumeTimer = setImmediate(this.resume);
  }

  private readonly resume = (): void => {
    this.resumeTimer = undefined;
    this.pump();
  };

  /** Starts waiting batches while slots are free; re-entrant calls (a synchronous finish) just return. */
  private pump(): void {
    if (this.pumping || this.resumeTimer) return;
    this.pumping = true;
    const max = this.host.settings.consumeThreadMax;
    // Once per run, not per call: whether an OpenTelemetry SDK is registered (a global lookup).
    const telemetry = telemetryActive();
    let started = 0;
    while (this.running < max && this.head < this.waiting.length && !this.stopped) {
      if (started++ >= MAX_SYNC_RUN) {
        // Let pulls, timers and I/O in between long synchronous runs.
        this.resumeTimer = setImmediate(this.resume);
        break;
      }
      const i = this.head++;
      const batch = this.waiting[i];
      const pq = this.waitingPq[i];
      this.waiting[i] = undefined as never;
      this.waitingPq[i] = undefined as never;
      this.running++;
      this.start(pq, batch, telemetry);
    }
    if (this.head === this.waiting.length) {
      this.waiting = [];
      this.waitingPq = [];
      this.head = 0;
    } else if (this.head > 4096 && this.head * 2 > this.waiting.length) {
      this.waiting = this.waiting.slice(this.head);
      this.waitingPq = this.waitingPq.slice(this.head);
      this.head = 0;
    }
    this.pumping = false;
    if (this.running === 0 && this.head === this.waiting.length) this.notifyIdle();
  }

  private start(pq: ProcessQueue, batch: MessageExt[], telemetry: boolean): void {
    if (pq.dropped || !this.host.isRunning()) {
      this.finished();
      return;
    }
    const r = runListenerFast(this.host, pq, batch, telemetry);
    if (typeof r === 'boolean') this.settle(pq, batch, r);
    else void r.then((ok) => this.settle(pq, batch, ok));
  }

  private settle(pq: ProcessQueue, batch: MessageExt[], ok: boolean): void {
    // A dropped queue belongs to someone else now: its offset was persisted at drop time, the new owner re-delivers.
    if (pq.dropped) this.finished();
    else if (ok) {
      this.host.offsetStore.update(pq.mq, pq.remove(batch), true);
      this.finished();
    } else void this.failed(pq, batch).finally(() => this.finished());
  }

  private finished(): void {
    this.running--;
    this.pump();
  }

  private notifyIdle(): void {
    const w = this.idleWaiters;
    this.idleWaiters = [];
    for (const f of w) f();
  }

  private submitLater(pq: ProcessQueue, msgs: MessageExt[]): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      if (this.host.isRunning() && !pq.dropped) this.submit(pq, msgs);
    }, this.host.settings.localRetryDelayMillis);
    this.timers.add(t);
  }

  /** RECONSUME_LATER or a throw: broadcast → local retry; clustering → hand to the retry topic. */
  private async failed(pq: ProcessQueue, batch: MessageExt[]): Promise<void> {
    const { host } = this;
    const s = host.settings;
    if (s.messageModel === 'BROADCASTING') {
      // Java drops failed broadcast messages; we retry locally up to the maximum first, then drop.
      const again = batch.filter((m) => m.reconsumeTimes++ < s.maxReconsumeTimes);
      const gone = batch.filter((m) => !again.includes(m));
      if (gone.length > 0) host.offsetStore.update(pq.mq, pq.remove(gone), true);
      if (again.length > 0) this.submitLater(pq, again);
      return;
    }
    const handed: MessageExt[] = [];
    const kept: MessageExt[] = [];
    await Promise.all(
      batch.map(async (msg) => {
        const done = await handToRetry({
          client: host.client,
          group: s.consumerGroup,
          mq: pq.mq,
          msg,
          maxReconsumeTimes: s.maxReconsumeTimes,
          timeoutMs: s.sendBackTimeoutMillis,
          delayLevel: 0,
        });
        (done ? handed : kept).push(msg);
      }),
    );
    if (handed.length > 0 && !pq.dropped) host.offsetStore.update(pq.mq, pq.remove(handed), true);
    if (kept.length > 0) {
      for (const m of kept) m.reconsumeTimes++;
      this.submitLater(pq, kept);
    }
  }

  /**
   * Stops: drops queued batches (their messages stay uncommitted), waits up to `timeoutMs` for running ones.
   * @param timeoutMs - bound
   */
  async shutdown(timeoutMs: number): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    if (this.resumeTimer) clearImmediate(this.resumeTimer);
    this.resumeTimer = undefined;
    this.waiting = [];
    this.waitingPq = [];
    this.head = 0;
    if (this.running === 0) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([new Promise<void>((r) => this.idleWaiters.push(r)), new Promise<void>((r) => (timer = setTimeout(r, timeoutMs)))]);
    clearTimeout(timer);
  }
}
