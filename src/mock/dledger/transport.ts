/**
 * `DLedgerNetwork`: the in-process "wire" between replicas, with a link matrix for faults.
 *
 * - A request crosses the link from→to (after that link's latency), runs the target's handler, and the answer
 *   crosses to→from. If either direction is cut, or an endpoint is isolated, the message is dropped and the
 *   requester times out, which is what a partition looks like to Netty.
 * - A target that is down (not registered) refuses the request at once with a `ConnectionError`, like a TCP
 *   connect to a killed process on a reachable host.
 * - A paused node (SIGSTOP) runs nothing: its handlers, its timers ({@link DLedgerNetwork.schedule}) and the
 *   continuations of its own requests are queued and run in order on resume. Wall time keeps going meanwhile, so
 *   the node wakes up to stale heartbeats exactly like a process resumed after `kill -STOP`.
 * Messages are copied on send (Buffers too): replicas never share memory.
 * @module
 */

import { ConnectionError, RequestTimeoutError } from '../../errors.js';
import type { DLedgerRequest, DLedgerResponse } from './messages.js';

/** Handles a request addressed to a node. */
export type DLedgerHandler = (from: string, request: DLedgerRequest) => DLedgerResponse | Promise<DLedgerResponse>;

/** A cancellable timer made by {@link DLedgerNetwork.schedule}. */
export interface TimerHandle {
  /** Cancels the timer (and drops its callback if it is queued behind a pause). */
  cancel(): void;
}

const key = (from: string, to: string): string => `${from}\u0000${to}`;

function copyMessage<T extends object>(msg: T): T {
  const out = { ...msg } as Record<string, unknown>;
  for (const [k, v] of Object.entries(out)) if (Buffer.isBuffer(v)) out[k] = Buffer.from(v);
  return out as unknown as T;
}

/** In-process network for one DLedger group (or several: ids just need to be unique). */
export class DLedgerNetwork {
  private readonly handlers = new Map<string, DLedgerHandler>();
  private readonly paused = new Set<string>();
  private readonly deferred = new Map<string, Array<() => void>>();
  private readonly isolated = new Set<string>();
  private readonly cut = new Set<string>();
  private readonly latency = new Map<string, number>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;

  /** Makes `id` reachable; requests to it run `handler`. */
  register(id: string, handler: DLedgerHandler): void {
    this.handlers.set(id, handler);
  }

  /** Takes `id` off the network (killed process): queued work of a paused node is dropped too. */
  unregister(id: string): void {
    this.handlers.delete(id);
    this.paused.delete(id);
    this.deferred.delete(id);
  }

  /** Whether `id` is registered. */
  isUp(id: string): boolean {
    return this.handlers.has(id);
  }

  /** Freezes `id`: its handlers, timers and continuations wait until {@link resume}. */
  pause(id: string): void {
    this.paused.add(id);
  }

  /** Runs everything `id` queued while paused, in order. */
  resume(id: string): void {
    this.paused.delete(id);
    const queue = this.deferred.get(id) ?? [];
    this.deferred.delete(id);
    for (const fn of queue) fn();
  }

  /** Whether `id` is paused. */
  isPaused(id: string): boolean {
    return this.paused.has(id);
  }

  /** Cuts every link to and from `id`. */
  isolate(id: string): void {
    this.isolated.add(id);
  }

  /** Cuts the one-way link from→to (to→from still works). */
  cutLink(from: string, to: string): void {
    this.cut.add(key(from, to));
  }

  /** Restores every link and removes isolation (latency settings stay). */
  heal(): void {
    this.isolated.clear();
    this.cut.clear();
  }

  /** Adds `ms` real milliseconds (not scaled) to every message on the link from→to; 0 removes it. */
  setLatency(from: string, to: string, ms: number): void {
    if (ms > 0) this.latency.set(key(from, to), ms);
    else this.latency.delete(key(from, to));
  }

  /** Whether a message from→to would currently get through. */
  linkOpen(from: string, to: string): boolean {
    return !this.isolated.has(from) && !this.isolated.has(to) && !this.cut.has(key(from, to));
  }

  /** Runs `fn` after `ms` on behalf of node `id`; if `id` is paused then, `fn` waits for its resume. */
  schedule(id: string, ms: number, fn: () => void): TimerHandle {
    let cancelled = false;
    const wrapped = (): void => {
      if (!cancelled) fn();
    };
    const t = this.after(ms, () => this.runAs(id, wrapped));
    return {
      cancel: () => {
        cancelled = true;
        if (t) {
          clearTimeout(t);
          this.timers.delete(t);
        }
      },
    };
  }

  /**
   * Sends `request` from→to and resolves with the answer. Rejects with `RequestTimeoutError` after `timeoutMs`
   * (requester's clock) when the message or its answer is lost or the target is paused, and with `ConnectionError`
   * when the target is down.
   */
  request<R extends DLedgerResponse>(from: string, to: string, request: DLedgerRequest, timeoutMs: number): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      let done = false;
      const settle = (fn: () => void): void => {
        this.runAs(from, () => {
          if (done) return;
          done = true;
          timeout.cancel();
          fn();
        });
      };
      const timeout = this.schedule(from, timeoutMs, () =>
        settle(() => reject(new RequestTimeoutError(`dledger ${request.type} ${from}->${to} timed out`, timeoutMs))),
      );
      if (!this.linkOpen(from, to)) return; // dropped on the wire
      const msg = copyMessage(request);
      this.after(this.latencyOf(from, to), () => {
        if (!this.linkOpen(from, to)) return;
        const handler = this.handlers.get(to);
        if (!handler) {
          settle(() => reject(new ConnectionError(`dledger peer ${to} is down`, { context: { brokerAddr: to } })));
          return;
        }
        this.runAs(to, () => {
          Promise.resolve()
            .then(() => handler(from, msg))
            .then(
              (answer) => {
                const reply = copyMessage(answer);
                this.after(this.latencyOf(to, from), () => {
                  if (this.linkOpen(to, from) && this.handlers.get(to) === handler) settle(() => resolve(reply as R));
                });
              },
              () => undefined, // a handler failure looks like a lost answer: the requester times out
            );
        });
      });
    });
  }

  /** Clears every pending timer and queued callback; the network is unusable afterwards. */
  close(): void {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.deferred.clear();
    this.handlers.clear();
  }

  private latencyOf(from: string, to: string): number {
    return this.latency.get(key(from, to)) ?? 0;
  }

  private runAs(id: string, fn: () => void): void {
    if (this.paused.has(id)) {
      let q = this.deferred.get(id);
      if (!q) this.deferred.set(id, (q = []));
      q.push(fn);
      return;
    }
    fn();
  }

  private after(ms: number, fn: () => void): NodeJS.Timeout | undefined {
    if (this.closed) return undefined;
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, Math.max(0, ms));
    this.timers.add(t);
    return t;
  }
}
