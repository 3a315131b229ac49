/**
 * Master/slave replication in process (Java `HAService` / `SlaveSynchronize`): the slave's commitlog receives the
 * master's bytes at the same offsets (`CommitLog.appendRaw`) and re-dispatches them; every 10 s (scaled) it copies
 * the master's topic table and consumer offsets. A SYNC_MASTER waits for its slave's copy before answering.
 * @module
 */
import { scaled, sleep, TimerSet } from '../timing.js';
import type { MockBroker } from './broker.js';

const PUSH_INTERVAL_MS = 1_000;
const SYNC_CONFIG_MS = 10_000;

/** The HA link between a master and one slave. */
export class HaLink {
  private readonly timers = new TimerSet();
  private copying = false;

  /**
   * @param master - the master broker
   * @param slave - its slave
   */
  constructor(
    readonly master: MockBroker,
    readonly slave: MockBroker,
  ) {}

  /** Starts the periodic copy and config sync. */
  start(): void {
    if (!this.master.slaves.includes(this)) this.master.slaves.push(this);
    this.timers.every(scaled(PUSH_INTERVAL_MS, this.master.timeScale), () => this.copy());
    this.timers.every(scaled(SYNC_CONFIG_MS, this.master.timeScale), () => this.syncConfig());
  }

  /** Stops the link. */
  stop(): void {
    this.timers.clear();
    const i = this.master.slaves.indexOf(this);
    if (i >= 0) this.master.slaves.splice(i, 1);
  }

  /** Whether the slave can take a copy (running, not paused). */
  slaveAlive(): boolean {
    return this.slave.running;
  }

  /** Schedules a copy soon (ASYNC_MASTER after each put). */
  kick(): void {
    setImmediate(() => this.copy());
  }

  /** Copies whatever the slave lacks; returns the slave's commitlog end afterwards (-1 when it cannot copy). */
  copy(): number {
    if (!this.master.running || !this.slave.running || this.slave.isPaused || this.copying) return -1;
    this.copying = true;
    try {
      const src = this.master.store.commitLog;
      const dst = this.slave.store.commitLog;
      for (;;) {
        const off = dst.maxOffset;
        const bytes = src.readRaw(off);
        if (bytes.length === 0) break;
        dst.appendRaw(off, bytes);
      }
      if (this.slave.store.reputFromCommitLog() > 0) this.slave.pullHold.notifyArrival();
      return dst.maxOffset;
    } finally {
      this.copying = false;
    }
  }

  /** SYNC_MASTER: waits until the slave holds everything below `until`; false after `timeoutMs`. */
  async waitFor(until: number, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.copy() >= until) return true;
      if (Date.now() >= deadline || !this.slave.running) return false;
      await sleep(Math.min(10, Math.max(1, deadline - Date.now())));
    }
  }

  /** Copies topics and consumer offsets to the slave (SlaveSynchronize#syncAll). */
  syncConfig(): void {
    if (!this.master.running || !this.slave.running || this.slave.isPaused) return;
    copyConfig(this.master, this.slave);
  }
}

/** Copies the topic table and consumer offsets of `from` into `to`, and persists them. */
export function copyConfig(from: MockBroker, to: MockBroker): void {
  const src = from.store.config;
  const dst = to.store.config;
  for (const [name, t] of src.topics) {
    const old = dst.topics.get(name);
    if (!old || JSON.stringify(old) !== JSON.stringify(t)) dst.putTopic({ ...t });
  }
  for (const [key, m] of src.offsets) {
    const [topic, group] = splitOffsetKey(key);
    for (const [q, off] of m) dst.commitOffset(group, topic, q, off);
  }
  dst.flush();
}

function splitOffsetKey(key: string): [string, string] {
  const i = key.indexOf('@');
  return i < 0 ? [key, ''] : [key.slice(0, i), key.slice(i + 1)];
}
