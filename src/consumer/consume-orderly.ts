/**
 * Orderly consumption (Java `ConsumeMessageOrderlyService`): one consume loop per queue, one batch at a time, only
 * while this client holds the queue's broker lock (clustering). A failed batch is retried locally after
 * `suspendCurrentQueueTimeMillis`, the queue waiting behind it; past `maxReconsumeTimes` it goes to the DLQ (send-back
 * with delay level −1, else a re-send the broker dead-letters). If even that fails the queue keeps suspending: order
 * and the message are both kept.
 * @module
 */

import PQueue from 'p-queue';
import { handToRetry } from './retry.js';
import { runListener, Sleeper, type ConsumeHost } from './consume-host.js';
import type { ProcessQueue } from './process-queue.js';

/** Client-side lock lifetime (Java REBALANCE_LOCK_MAX_LIVE_TIME); the broker keeps locks 60 s. */
export const LOCK_MAX_LIVE_MS = 30_000;

/** The orderly consume service. @internal */
export class OrderlyConsumeService {
  /** Listener slots shared by all queues. */
  readonly queue: PQueue;
  private readonly sleeper = new Sleeper();

  /** @param host - the push consumer */
  constructor(private readonly host: ConsumeHost) {
    this.queue = new PQueue({ concurrency: host.settings.consumeThreadMax });
  }

  /**
   * Makes sure a consume loop runs for the queue.
   * @param pq - the queue
   */
  submit(pq: ProcessQueue): void {
    if (pq.consuming) return;
    pq.consuming = true;
    pq.idle = this.loop(pq).finally(() => {
      pq.consuming = false;
    });
  }

  private locked(pq: ProcessQueue): boolean {
    if (this.host.settings.messageModel === 'BROADCASTING') return true;
    return pq.locked && Date.now() - pq.lastLockTimestamp < LOCK_MAX_LIVE_MS;
  }

  private async loop(pq: ProcessQueue): Promise<void> {
    const { host } = this;
    const s = host.settings;
    while (host.isRunning() && !pq.dropped) {
      if (!this.locked(pq)) {
        if (!(await host.lock(pq))) await this.sleeper.sleep(100);
        continue;
      }
      const batch = pq.head(s.consumeMessageBatchMaxSize);
      if (batch.length === 0) {
        // Cleared synchronously so a submit() right after the next put starts a fresh loop.
        pq.consuming = false;
        return;
      }
      // runListener never rejects; the catch covers the queue itself refusing the task.
      const ok = await this.queue.add(() => runListener(host, pq, batch, true)).catch(() => false);
      if (pq.dropped) return;
      if (ok) {
        host.offsetStore.update(pq.mq, pq.remove(batch), true);
        continue;
      }
      if (batch.some((m) => m.reconsumeTimes >= s.maxReconsumeTimes) && s.messageModel === 'CLUSTERING') {
        let all = true;
        for (const msg of batch) {
          const done = await handToRetry({
            client: host.client,
            group: s.consumerGroup,
            mq: pq.mq,
            msg,
            maxReconsumeTimes: s.maxReconsumeTimes,
            timeoutMs: s.sendBackTimeoutMillis,
            delayLevel: -1,
          });
          if (!done) all = false;
        }
        if (all) {
          if (!pq.dropped) host.offsetStore.update(pq.mq, pq.remove(batch), true);
          continue;
        }
      } else if (s.messageModel === 'BROADCASTING' && batch.every((m) => m.reconsumeTimes >= s.maxReconsumeTimes)) {
        host.offsetStore.update(pq.mq, pq.remove(batch), true);
        continue;
      }
      for (const m of batch) m.reconsumeTimes++;
      await this.sleeper.sleep(s.suspendCurrentQueueTimeMillis);
    }
    pq.consuming = false;
  }

  /**
   * Stops: waits up to `timeoutMs` for running batches.
   * @param timeoutMs - bound
   */
  async shutdown(timeoutMs: number): Promise<void> {
    this.sleeper.cancelAll();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.queue.onPendingZero(), new Promise<void>((r) => (timer = setTimeout(r, timeoutMs)))]);
    clearTimeout(timer);
  }
}
