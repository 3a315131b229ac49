/**
 * Fast route re-poll while a broker group has no usable master. The periodic poll runs every 30 s; after a leader
 * loss that is far too slow, so when a send fails in a way that suggests the master moved (connection error,
 * timeout, SERVICE_NOT_AVAILABLE, …) or a refreshed route shows a group without an id-0 address, the group is
 * watched: its topic's route is re-read every ~150 ms (jittered, single-flight per topic) until the group has a
 * master other than the one that failed, a send to it succeeds, or the window (30 s) ends.
 * @module
 */

/** What the watch needs. */
export interface RouteWatchDeps {
  /** Single-flight route refresh. */
  refresh(topic: string): Promise<unknown>;
  /** Current master address of a group. */
  masterAddr(brokerName: string): string | undefined;
  /** Clock. @default Date.now */
  now?: () => number;
  /** Randomness for the jitter. @default Math.random */
  random?: () => number;
}

/** Options of {@link RouteWatch}. */
export interface RouteWatchOptions {
  /** Mean interval between re-polls, in ms (jittered ±25 %). @default 150 */
  intervalMs?: number;
  /** Give up on a group after this long, in ms. @default 30000 */
  windowMs?: number;
}

interface Entry {
  topic: string;
  brokerName: string;
  badAddr?: string;
  until: number;
}

/** The watch list and its timer. */
export class RouteWatch {
  private readonly deps: RouteWatchDeps;
  private readonly intervalMs: number;
  private readonly windowMs: number;
  private readonly entries = new Map<string, Entry>();
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private stopped = false;
  /** Re-polls made so far (diagnostics, tests). */
  polls = 0;

  /**
   * @param deps - refresh and route lookups
   * @param options - interval and window
   */
  constructor(deps: RouteWatchDeps, options: RouteWatchOptions = {}) {
    this.deps = deps;
    this.intervalMs = options.intervalMs ?? 150;
    this.windowMs = options.windowMs ?? 30_000;
  }

  /** Groups being watched, as `topic/brokerName`. */
  watched(): string[] {
    return [...this.entries.values()].map((e) => `${e.topic}/${e.brokerName}`);
  }

  /**
   * Starts (or extends) watching a group of a topic.
   * @param topic - topic whose route lists the group
   * @param brokerName - the group
   * @param badAddr - the master address that just failed, if any (a route still naming it is not "fixed")
   */
  watch(topic: string, brokerName: string, badAddr?: string): void {
    if (this.stopped || this.windowMs <= 0) return;
    const key = `${topic}\u0000${brokerName}`;
    const now = (this.deps.now ?? Date.now)();
    const entry: Entry = { topic, brokerName, until: now + this.windowMs };
    if (badAddr !== undefined) entry.badAddr = badAddr;
    this.entries.set(key, entry);
    this.arm();
  }

  /**
   * A send to the group succeeded: its master works, stop watching it.
   * @param topic - topic
   * @param brokerName - the group
   */
  resolved(topic: string, brokerName: string): void {
    if (this.entries.size === 0) return;
    this.entries.delete(`${topic}\u0000${brokerName}`);
  }

  /** Stops the timer and forgets everything. */
  stop(): void {
    this.stopped = true;
    this.entries.clear();
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private arm(): void {
    if (this.timer || this.running || this.stopped || this.entries.size === 0) return;
    const jitter = 0.75 + 0.5 * (this.deps.random ?? Math.random)();
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.tick();
    }, Math.max(1, Math.round(this.intervalMs * jitter)));
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    this.running = true;
    try {
      const topics = new Set([...this.entries.values()].map((e) => e.topic));
      this.polls += topics.size;
      await Promise.all([...topics].map((t) => this.deps.refresh(t).catch(() => undefined)));
      const now = (this.deps.now ?? Date.now)();
      for (const [key, e] of this.entries) {
        const master = this.deps.masterAddr(e.brokerName);
        const fixed = master !== undefined && master !== e.badAddr;
        if (fixed || now >= e.until) this.entries.delete(key);
      }
    } finally {
      this.running = false;
    }
    this.arm();
  }
}
