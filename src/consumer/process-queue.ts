/**
 * A queue's in-flight window (Java `ProcessQueue`): the messages pulled and not yet acknowledged or handed to retry,
 * their count and size for flow control, and the offset that may safely be committed.
 *
 * The committable offset is the lowest in-flight offset, or — when nothing is in flight — the pull frontier (the
 * next offset to pull: everything below it was consumed, handed to retry, or filtered out by tag). It never moves
 * past a message that is still in flight, whatever order handlers finish in.
 * @module
 */

import type { ConsumeContext, MessageExt, MessageQueue } from './types.js';

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

  /**
   * The context a concurrent listener gets for this queue: the same frozen object every call instead of a fresh one
   * per message (it only names the queue).
   */
  readonly concurrentContext: ConsumeContext;

  /** In-flight messages by queue offset. */
  private readonly msgs = new Map<number, MessageExt>();
  /**
   * Offsets put, ascending, from index {@link order0} on; removed ones stay until the head passes them. Finding the
   * lowest in-flight offset is then amortised O(1) — the first key of a Map whose front entries were deleted is not
   * (V8 walks the deleted slots until the table is rehashed).
   */
  private order: number[] = [];
  private order0 = 0;
  private bytes = 0;
  private frontier: number;

  /**
   * @param mq - the queue
   * @param startOffset - the first offset that will be pulled
   */
  constructor(mq: MessageQueue, startOffset: number) {
    this.mq = mq;
    this.frontier = startOffset;
    this.concurrentContext = Object.freeze({ messageQueue: mq, orderly: false });
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
    let sorted = true;
    for (const m of msgs) {
      const o = m.queueOffset;
      if (this.msgs.has(o)) continue;
      const last = this.order.length > this.order0 ? this.order[this.order.length - 1] : -1;
      if (o <= last) sorted = false;
      this.order.push(o);
      this.msgs.set(o, m);
      this.bytes += m.body.length;
      added.push(m);
    }
    // Only a re-pull racing a reset or an error brings a lower (or repeated) offset; re-sort then (rare).
    if (!sorted) {
      const live = this.order.slice(this.order0).filter((o) => this.msgs.has(o));
      this.order = [...new Set(live)].sort((x, y) => x - y);
      this.order0 = 0;
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
    return this.committableOffset();
  }

  /** The lowest in-flight offset, or the frontier when nothing is in flight. */
  committableOffset(): number {
    return this.minInFlight() ?? this.frontier;
  }

  /** The lowest in-flight offset, or undefined. */
  minInFlight(): number | undefined {
    const order = this.order;
    let i = this.order0;
    while (i < order.length && !this.msgs.has(order[i])) i++;
    this.order0 = i;
    if (i === order.length) {
      this.order = [];
      this.order0 = 0;
      return undefined;
    }
    // Drop the passed prefix now and then so the array stays about as long as the window.
    if (i > 1024 && i * 2 > order.length) {
      this.order = order.slice(i);
      this.order0 = 0;
    }
    return this.order[this.order0];
  }

  /** The highest in-flight offset, or undefined. */
  maxInFlight(): number | undefined {
    for (let i = this.order.length - 1; i >= this.order0; i--) if (this.msgs.has(this.order[i])) return this.order[i];
    return undefined;
  }

  /**
   * The first `n` in-flight messages in offset order (orderly consumption takes them without removing them).
   * @param n - how many at most
   */
  head(n: number): MessageExt[] {
    const out: MessageExt[] = [];
    for (let i = this.order0; i < this.order.length && out.length < n; i++) {
      const m = this.msgs.get(this.order[i]);
      if (m !== undefined) out.push(m);
    }
    return out;
  }

  /**
   * Forgets every in-flight message and restarts at `offset` (reset offset / seek).
   * @param offset - the new frontier
   */
  reset(offset: number): void {
    this.msgs.clear();
    this.order = [];
    this.order0 = 0;
    this.bytes = 0;
    this.frontier = offset;
  }
}
