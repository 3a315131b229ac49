/**
 * Concurrent consumption (Java `ConsumeMessageConcurrentlyService`): batches from every queue run on one p-queue with
 * `consumeThreadMax` slots. Success removes the batch from its queue's window; RECONSUME_LATER (or a throw) hands
 * each message to retry — only messages the broker accepted are removed, the rest are re-consumed locally later, so
 * the committed offset never passes a message that is neither processed nor in the retry topic.
 * @module
 */

import PQueue from 'p-queue';
import { handToRetry } from './retry.js';
import { runListener, type ConsumeHost } from './consume-host.js';
import type { ProcessQueue } from './process-queue.js';
import type { MessageExt } from './types.js';

/** The concurrent consume service. @internal */
export class ConcurrentConsumeService {
  /** Listener slots. */
  readonly queue: PQueue;
  private readonly timers = new Set<NodeJS.Timeout>();

  /** @param host - the push consumer */
  constructor(private readonly host: ConsumeHost) {
    this.queue = new PQueue({ concurrency: host.settings.consumeThreadMax });
  }

  /**
   * Queues freshly pulled messages in batches of `consumeMessageBatchMaxSize`.
   * @param pq - their queue
   * @param msgs - the messages (already in the queue's window)
   */
  submit(pq: ProcessQueue, msgs: readonly MessageExt[]): void {
    const size = this.host.settings.consumeMessageBatchMaxSize;
    for (let i = 0; i < msgs.length; i += size) {
      const batch = msgs.slice(i, i + size);
      void this.queue.add(() => this.consume(pq, batch));
    }
  }

  private submitLater(pq: ProcessQueue, msgs: MessageExt[]): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      if (this.host.isRunning() && !pq.dropped) this.submit(pq, msgs);
    }, this.host.settings.localRetryDelayMillis);
    this.timers.add(t);
  }

  private async consume(pq: ProcessQueue, batch: MessageExt[]): Promise<void> {
    const { host } = this;
    if (pq.dropped || !host.isRunning()) return;
    const s = host.settings;
    const ok = await runListener(host, pq, batch, false);
    // A dropped queue belongs to someone else now: its offset was persisted at drop time, the new owner re-delivers.
    if (pq.dropped) return;
    if (ok) {
      host.offsetStore.update(pq.mq, pq.remove(batch), true);
      return;
    }
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
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.queue.clear();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.queue.onPendingZero(), new Promise<void>((r) => (timer = setTimeout(r, timeoutMs)))]);
    clearTimeout(timer);
  }
}
