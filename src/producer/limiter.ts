/**
 * The producer's `maxInflight` gate: a counting semaphore with a FIFO of waiters. It replaces a general task queue
 * on the send path because nearly every send finds a free slot, and then {@link SendLimiter.enter} costs one
 * comparison and no promise, no closure and no abort listener; only a send that must wait allocates anything.
 * @module
 */

import { AbortError, type RocketMQError } from '../errors.js';

interface Waiter {
  resolve(): void;
  reject(err: unknown): void;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

/**
 * At most `max` holders at a time; the others wait in arrival order.
 * @internal
 */
export class SendLimiter {
  private running = 0;
  private readonly waiters: Waiter[] = [];
  private idle: (() => void)[] = [];
  private room: (() => void)[] = [];

  /** @param max - slots (the producer's `maxInflight`) */
  constructor(private readonly max: number) {}

  /** Slots held. */
  get pending(): number {
    return this.running;
  }

  /** Callers waiting for a slot. */
  get size(): number {
    return this.waiters.length;
  }

  /**
   * Takes a slot: returns undefined when one was free (the caller holds it now), or a promise that resolves once
   * the caller holds one. The promise rejects with AbortError when `signal` fires first (no slot is held then).
   * Every slot taken must be given back with {@link SendLimiter.leave}.
   * @param signal - gives up waiting when it fires
   */
  enter(signal?: AbortSignal): Promise<void> | undefined {
    if (this.running < this.max && this.waiters.length === 0) {
      this.running++;
      return undefined;
    }
    return new Promise<void>((resolve, reject) => {
      const w: Waiter = { resolve, reject, signal, onAbort: undefined };
      if (signal) {
        w.onAbort = () => {
          const i = this.waiters.indexOf(w);
          if (i < 0) return;
          this.waiters.splice(i, 1);
          this.changed();
          reject(new AbortError(undefined, { cause: signal.reason }));
        };
        signal.addEventListener('abort', w.onAbort, { once: true });
      }
      this.waiters.push(w);
    });
  }

  /** Gives a slot back; the oldest waiter, if any, gets it at once. */
  leave(): void {
    const w = this.waiters.shift();
    if (w) {
      if (w.signal && w.onAbort) w.signal.removeEventListener('abort', w.onAbort);
      w.resolve();
    } else {
      this.running--;
    }
    this.changed();
  }

  /**
   * Rejects every waiter with `reason` (shutdown); slots already held are not touched.
   * @param reason - the error the waiters get
   */
  rejectWaiting(reason: RocketMQError): void {
    const all = this.waiters.splice(0);
    for (const w of all) {
      if (w.signal && w.onAbort) w.signal.removeEventListener('abort', w.onAbort);
      w.reject(reason);
    }
    this.changed();
  }

  /** Resolves when no slot is held and nobody waits. */
  onIdle(): Promise<void> {
    if (this.running === 0 && this.waiters.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  /** Resolves when nobody waits for a slot (a backpressured caller may then queue one send). */
  onNoWaiters(): Promise<void> {
    if (this.waiters.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.room.push(resolve));
  }

  private changed(): void {
    if (this.waiters.length === 0 && this.room.length > 0) {
      const r = this.room;
      this.room = [];
      for (const f of r) f();
    }
    if (this.running === 0 && this.waiters.length === 0 && this.idle.length > 0) {
      const r = this.idle;
      this.idle = [];
      for (const f of r) f();
    }
  }
}
