/**
 * Time helpers shared by the mock nameserver, brokers and cluster. Every real-world period (30 s registration,
 * 120 s broker expiry, 15 s long polling, delay levels, DLedger timers) is multiplied by one `timeScale` so tests can
 * run the same state machines 10–20× faster without changing their relative order.
 * @module
 */

/**
 * Scales a real duration. The result is at least 1 ms so a timer never degenerates into a busy loop.
 * @param ms - the real-world duration
 * @param timeScale - the factor (1 = real time)
 */
export function scaled(ms: number, timeScale: number): number {
  return Math.max(1, Math.round(ms * timeScale));
}

/** Resolves after `ms` milliseconds (unref'd, so a forgotten sleep never keeps the process alive). */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/**
 * A set of repeating and one-shot timers that can all be cancelled at once: every mock component owns one and
 * clears it in `close()`, which is how `stop()` guarantees no handle is left behind.
 */
export class TimerSet {
  private readonly timers = new Set<NodeJS.Timeout>();

  /** Runs `fn` every `ms` milliseconds until {@link TimerSet.clear}. Errors thrown by `fn` are swallowed. */
  every(ms: number, fn: () => unknown): void {
    const t = setInterval(() => {
      try {
        const r = fn();
        if (r instanceof Promise) r.catch(() => undefined);
      } catch {
        // A periodic housekeeping task must never take the process down.
      }
    }, ms);
    t.unref();
    this.timers.add(t);
  }

  /** Runs `fn` once after `ms` milliseconds unless cleared first. */
  after(ms: number, fn: () => unknown): NodeJS.Timeout {
    const t = setTimeout(() => {
      this.timers.delete(t);
      try {
        const r = fn();
        if (r instanceof Promise) r.catch(() => undefined);
      } catch {
        // Same as above.
      }
    }, ms);
    t.unref();
    this.timers.add(t);
    return t;
  }

  /** Cancels one timer created by {@link TimerSet.after}. */
  cancel(t: NodeJS.Timeout): void {
    clearTimeout(t);
    this.timers.delete(t);
  }

  /** Cancels every timer. */
  clear(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}
