/**
 * A queue's in-flight window (Java `ProcessQueue`): the messages pulled and not yet acknowledged or handed to retry,
 * their count and size for flow control, and the offset that may safely be committed.
 *
 * The committable offset is the lowest in-flight offset, or — when nothing is in flight — the pull frontier (the
 * next offset to pull: everything below it was consumed, handed to retry, or filtered out by tag). It never moves
 * past a message that is still in flight, whatever order handlers finish in.
 * @module
 */

import type { MessageExt, MessageQueue } from './types.js';

/** The per-queue window. */
export class ProcessQueue {
  /** The queue. */
  readonly mq: MessageQueue;
  /** Set when the queue was taken away (rebalance, reset, shutdown): stop pulling, ignore late results. */
  dropped = false;
  /** Orderly: whether this client holds the broker lock. */
  locked = false;
  /** Orderly: when the lock was last confirmed (ms). */
  lastLockTimestamp = 0;
  /** When the last pull finished (ms), for running info. */
  lastPullTimestamp = 0;
  /** When the last batch was consumed (ms), for running info. */
  lastConsumeTimestamp = 0;
  /** Orderly: a consume loop is running for this queue. */
  consuming = false;
  /** Orderly: resolves when the running consume step finishes (rebalance waits on it before unlocking). */
  idle: Promise<void> = Promise.resolve();

  /** In-flight messages by queue offset; insertion order is ascending offset (see {@link ProcessQueue.put}). */
  private readonly msgs = new Map<number, MessageExt>();
  private bytes = 0;
  private frontier: number;
  private lastKey = -1;

  /**
   * @param mq - the queue
   * @param startOffset - the first offset that will be pulled
   */
  constructor(mq: MessageQueue, startOffset: number) {
    this.mq = mq;
    this.frontier = startOffset;
  }

  /** Messages in flight. */
  get count(): number {
    return this.msgs.size;
  }

  /** Body bytes in flight. */
  get size(): number {
    return this.bytes;
  }

  /** The next offset to pull (everything below it has been pulled). */
  get nextOffset(): number {
    return this.frontier;
  }

  /**
   * Adds pulled messages and moves the frontier to `nextBeginOffset`. Messages already in flight (a re-pull after an
   * error) are not added twice.
   * @param msgs - messages that passed the tag filter
   * @param nextBeginOffset - where the next pull starts
   * @returns the messages actually added
   */
  put(msgs: readonly MessageExt[], nextBeginOffset: number): MessageExt[] {
    const added: MessageExt[] = [];
    for (const m of msgs) {
      if (this.msgs.has(m.queueOffset)) continue;
      if (m.queueOffset < this.lastKey) this.insertOutOfOrder(m);
      else {
        this.msgs.set(m.queueOffset, m);
        this.lastKey = m.queueOffset;
      }
      this.bytes += m.body.length;
      added.push(m);
    }
    if (nextBeginOffset > this.frontier) this.frontier = nextBeginOffset;
    return added;
  }

  /**
   * Moves the frontier without messages (nothing new, or everything filtered out).
   * @param nextBeginOffset - where the next pull starts
   */
  advance(nextBeginOffset: number): void {
    if (nextBeginOffset > this.frontier) this.frontier = nextBeginOffset;
  }

  /**
   * Removes acknowledged (or handed-to-retry) messages.
   * @param msgs - the messages
   * @returns the committable offset afterwards
   */
  remove(msgs: readonly MessageExt[]): number {
    for (const m of msgs) {
      const held = this.msgs.get(m.queueOffset);
      if (held === undefined) continue;
      this.msgs.delete(m.queueOffset);
      this.bytes -= held.body.length;
    }
    if (this.msgs.size === 0) this.lastKey = -1;
    return this.committableOffset();
  }

  /** The lowest in-flight offset, or the frontier when nothing is in flight. */
  committableOffset(): number {
    for (const k of this.msgs.keys()) return k;
    return this.frontier;
  }

  /** The lowest in-flight offset, or undefined. */
  minInFlight(): number | undefined {
    for (const k of this.msgs.keys()) return k;
    return undefined;
  }

  /** The highest in-flight offset, or undefined. */
  maxInFlight(): number | undefined {
    return this.msgs.size > 0 ? this.lastKeyOf() : undefined;
  }

  /**
   * The first `n` in-flight messages in offset order (orderly consumption takes them without removing them).
   * @param n - how many at most
   */
  head(n: number): MessageExt[] {
    const out: MessageExt[] = [];
    for (const m of this.msgs.values()) {
      if (out.length >= n) break;
      out.push(m);
    }
    return out;
  }

  /**
   * Forgets every in-flight message and restarts at `offset` (reset offset / seek).
   * @param offset - the new frontier
   */
  reset(offset: number): void {
    this.msgs.clear();
    this.bytes = 0;
    this.lastKey = -1;
    this.frontier = offset;
  }

  private lastKeyOf(): number {
    let last = -1;
    for (const k of this.msgs.keys()) last = k;
    return last;
  }

  /** Keeps the map in ascending order when a lower offset arrives (only after a reset race; rare). */
  private insertOutOfOrder(m: MessageExt): void {
    const entries = [...this.msgs.entries(), [m.queueOffset, m] as [number, MessageExt]];
    entries.sort((a, b) => a[0] - b[0]);
    this.msgs.clear();
    for (const [k, v] of entries) this.msgs.set(k, v);
    this.lastKey = entries[entries.length - 1][0];
  }
}
