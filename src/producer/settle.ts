/**
 * Small helpers of the producer's send bookkeeping: the record of a send holding a `maxInflight` slot, turning
 * whatever a send rejected with into a typed error, and a bounded wait for shutdown.
 * @module
 */

import { AbortError, ClientStateError, RocketMQError } from '../errors.js';

/**
 * A send holding or awaiting a `maxInflight` slot.
 * @internal
 */
export interface InflightSend {
  /** Fails the caller-facing promise (shutdown). */
  reject: (err: unknown) => void;
  /** The send holds a slot, to give back when it settles. */
  holds: boolean;
  /** The caller-facing promise has settled. */
  done: boolean;
}

/** Does nothing (the placeholder reject of an {@link InflightSend}). */
export function noop(): void {}

/** Turns whatever an abort rejected with into a typed error. */
export function normalizeAbort(err: unknown, signal: AbortSignal | undefined): RocketMQError {
  if (err instanceof RocketMQError) return err;
  if (signal?.aborted && signal.reason instanceof RocketMQError) return signal.reason;
  if (signal?.aborted || (err instanceof Error && err.name === 'AbortError')) return new AbortError(undefined, { cause: err });
  return new ClientStateError(err instanceof Error ? err.message : String(err), { cause: err });
}

/** Waits for `p` at most `ms` (its outcome ignored). */
export async function waitOrTimeout(p: Promise<unknown>, ms: number): Promise<void> {
  let t: NodeJS.Timeout | undefined;
  await Promise.race([p, new Promise<void>((r) => (t = setTimeout(r, ms)))]);
  if (t) clearTimeout(t);
}
