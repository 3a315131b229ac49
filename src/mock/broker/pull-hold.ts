/**
 * Long polling (Java `PullRequestHoldService`): a pull that finds nothing new is parked until a message arrives on
 * its queue past the offset it asked for, or until its suspend time runs out; the processor then runs the pull again
 * without suspending and answers.
 * @module
 */

interface Held {
  topic: string;
  queueId: number;
  offset: number;
  resolve: (woken: boolean) => void;
  timer: NodeJS.Timeout;
}

/** Parked pulls of one broker. */
export class PullHoldService {
  private readonly held = new Set<Held>();

  /** @param maxOffsetOf - the current max offset of a queue (checked on every notification) */
  constructor(private readonly maxOffsetOf: (topic: string, queueId: number) => number) {}

  /** Number of parked pulls. */
  get size(): number {
    return this.held.size;
  }

  /**
   * Parks a pull; resolves `true` when woken by a new message, `false` on timeout or shutdown.
   * @param topic - topic
   * @param queueId - queue
   * @param offset - the offset the pull wants (woken once max offset > offset)
   * @param timeoutMs - how long to hold
   */
  hold(topic: string, queueId: number, offset: number, timeoutMs: number): Promise<boolean> {
    return new Promise((resolve) => {
      const h: Held = {
        topic,
        queueId,
        offset,
        resolve: (woken) => {
          clearTimeout(h.timer);
          this.held.delete(h);
          resolve(woken);
        },
        timer: setTimeout(() => h.resolve(false), Math.max(0, timeoutMs)),
      };
      h.timer.unref();
      this.held.add(h);
    });
  }

  /** Wakes every parked pull whose queue now has a message at or past its offset. */
  notifyArrival(topic?: string, queueId?: number): void {
    for (const h of [...this.held]) {
      if (topic !== undefined && (h.topic !== topic || h.queueId !== queueId)) continue;
      if (this.maxOffsetOf(h.topic, h.queueId) > h.offset) h.resolve(true);
    }
  }

  /** Releases every parked pull (broker shutdown). */
  releaseAll(): void {
    for (const h of [...this.held]) h.resolve(false);
  }
}
