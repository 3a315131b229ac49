/**
 * The one retry policy of the SDK, as a pure function. The producer (or any caller with a time budget) asks
 * {@link decideRetry} after every failed attempt and applies the decision itself: sleeping, refreshing the route,
 * isolating the broker in the latency fault table. Nothing here touches a socket, a timer or a clock, so every rule
 * is unit-tested as a table.
 *
 * The rules mirror the Java producer's `sendDefaultImpl` (protocol.md §8): retry on connection problems, timeouts and
 * the retriable response codes of `src/protocol/response-codes.ts`, fail at once on anything else, never beyond the
 * total budget or the attempt count. One addition: when *no* broker group can currently take the message (all are
 * isolated), an immediate retry would only hit the same failure, so we wait a jittered, exponentially growing delay.
 * @module
 */

import {
  AbortError,
  BrokerResponseError,
  ClientStateError,
  CompressionError,
  ConnectionClosedError,
  ConnectionError,
  NoNameServerError,
  NoRouteError,
  ProtocolError,
  RequestTimeoutError,
  RocketMQError,
  SendFailedError,
  ValidationError,
} from '../errors.js';

/** Backoff used only when no broker group is available. */
export interface RetryBackoffOptions {
  /** Delay before the first retry, in ms (before jitter). @default 100 */
  baseMs?: number;
  /** Upper bound of the un-jittered delay, in ms. @default 2000 */
  maxMs?: number;
  /** Growth factor per attempt. @default 2 */
  factor?: number;
}

/** Everything {@link decideRetry} needs to know about the attempt that just failed. */
export interface RetryInput {
  /** Number of attempts made so far, including the one that just failed (1 after the first failure). */
  attempt: number;
  /** Milliseconds spent since the whole operation started. */
  elapsedMs: number;
  /** Total time budget of the operation, in ms (the producer's sendMsgTimeout). */
  budgetMs: number;
  /** Maximum number of attempts (1 + retryTimesWhenSendFailed). */
  maxAttempts: number;
  /** The error of the attempt that just failed. */
  error: unknown;
  /** Whether at least one broker group is currently available (not isolated) for the next attempt. */
  anyGroupAvailable: boolean;
  /** Source of randomness in [0, 1) for the jitter. @default Math.random */
  random?: () => number;
  /** Backoff shape when no group is available. */
  backoff?: RetryBackoffOptions;
}

/** Why {@link decideRetry} decided what it decided; stable strings for logs and tests. */
export type RetryReason =
  | 'retriable-response'
  | 'non-retriable-response'
  | 'connection-error'
  | 'timeout'
  | 'protocol-error'
  | 'no-route'
  | 'aborted'
  | 'non-retriable-error'
  | 'unknown-error'
  | 'attempts-exhausted'
  | 'budget-exhausted';

/** The decision: whether to try again, after how long, and which side effects the caller should apply. */
export interface RetryDecision {
  /** Whether to make another attempt. */
  retry: boolean;
  /** How long to wait before it (0 = at once). Always 0 when `retry` is false. */
  delayMs: number;
  /** Whether the caller should refresh the topic route before the next attempt (or in the background). */
  refreshRoute: boolean;
  /** Whether the failed broker should be isolated in the latency fault table (counted as a 10 s latency). */
  isolateBroker: boolean;
  /** Why. When `retry` is false because of limits, the limit is named; otherwise the error's class. */
  reason: RetryReason;
}

/** How an error class behaves, independent of the limits. */
export interface ErrorClassification {
  /** Whether another attempt (usually on another broker) may succeed. */
  retriable: boolean;
  /** Whether the topic route should be refreshed. */
  refreshRoute: boolean;
  /** Whether the broker that failed should be isolated. */
  isolateBroker: boolean;
  /** The error's class as a reason string. */
  reason: RetryReason;
}

/**
 * Classifies an error. Exported for callers that need the side effects without a retry decision (e.g. the last
 * attempt of an async send).
 * @param error - anything thrown by an attempt
 */
export function classifyError(error: unknown): ErrorClassification {
  if (error instanceof BrokerResponseError) {
    // The response-code table decides; a retriable code means "this broker cannot take it now", so avoid it.
    return {
      retriable: error.retriable,
      refreshRoute: error.refreshRoute,
      isolateBroker: error.retriable,
      reason: error.retriable ? 'retriable-response' : 'non-retriable-response',
    };
  }
  if (error instanceof ConnectionError || error instanceof ConnectionClosedError) {
    // The broker may be dead or demoted: its group's master may have moved, so re-read the route.
    return { retriable: true, refreshRoute: true, isolateBroker: true, reason: 'connection-error' };
  }
  if (error instanceof RequestTimeoutError) {
    return { retriable: true, refreshRoute: true, isolateBroker: true, reason: 'timeout' };
  }
  if (error instanceof ProtocolError) {
    // The broker sent bytes we cannot read and the connection was dropped; another broker may be fine.
    return { retriable: true, refreshRoute: false, isolateBroker: true, reason: 'protocol-error' };
  }
  if (error instanceof NoRouteError) {
    // No writable group right now (e.g. mid-election): only a fresh route can help.
    return { retriable: true, refreshRoute: true, isolateBroker: false, reason: 'no-route' };
  }
  if (error instanceof AbortError) {
    return { retriable: false, refreshRoute: false, isolateBroker: false, reason: 'aborted' };
  }
  if (
    error instanceof ValidationError ||
    error instanceof ClientStateError ||
    error instanceof NoNameServerError ||
    error instanceof CompressionError ||
    error instanceof SendFailedError ||
    error instanceof RocketMQError
  ) {
    // Caller mistakes and local state do not change by trying another broker.
    return { retriable: false, refreshRoute: false, isolateBroker: false, reason: 'non-retriable-error' };
  }
  return { retriable: false, refreshRoute: false, isolateBroker: false, reason: 'unknown-error' };
}

/**
 * The jittered delay before retry number `attempt` when no group is available: the un-jittered delay is
 * `min(maxMs, baseMs * factor^(attempt-1))`, and the result is uniformly spread over its upper half
 * ("equal jitter"), so clients that failed together do not retry together, yet each waits at least half.
 * @param attempt - attempts made so far (≥ 1)
 * @param random - source of randomness in [0, 1)
 * @param backoff - shape of the curve
 */
export function backoffDelay(attempt: number, random: () => number, backoff: RetryBackoffOptions = {}): number {
  const base = nonNegative(backoff.baseMs, 100);
  const max = nonNegative(backoff.maxMs, 2000);
  const factor = Math.max(1, nonNegative(backoff.factor, 2));
  const n = Math.max(1, Math.floor(Number.isFinite(attempt) ? attempt : 1));
  const raw = Math.min(max, base * factor ** (n - 1));
  let r = random();
  if (!Number.isFinite(r) || r < 0) r = 0;
  if (r >= 1) r = 0.999999;
  return Math.floor(raw / 2 + (raw / 2) * r);
}

/**
 * Decides whether a failed attempt is retried. Pure: same input, same output (given the same `random`).
 *
 * Order of the rules: the error class decides whether a retry *could* help and which side effects apply (these are
 * reported even when the limits then stop the retry, so the caller still isolates the broker after the last
 * attempt); then the attempt count; then the budget, which must leave room after any delay.
 * @param input - the failed attempt and the limits
 */
export function decideRetry(input: RetryInput): RetryDecision {
  const cls = classifyError(input.error);
  const side = { refreshRoute: cls.refreshRoute, isolateBroker: cls.isolateBroker };
  if (!cls.retriable) return { retry: false, delayMs: 0, ...side, reason: cls.reason };
  if (!(input.attempt < input.maxAttempts)) return { retry: false, delayMs: 0, ...side, reason: 'attempts-exhausted' };
  const remaining = input.budgetMs - input.elapsedMs;
  if (!(remaining > 0)) return { retry: false, delayMs: 0, ...side, reason: 'budget-exhausted' };
  const delayMs = input.anyGroupAvailable ? 0 : backoffDelay(input.attempt, input.random ?? Math.random, input.backoff);
  // Sleeping until (or past) the deadline leaves no time for the attempt itself.
  if (delayMs >= remaining) return { retry: false, delayMs: 0, ...side, reason: 'budget-exhausted' };
  return { retry: true, delayMs, ...side, reason: cls.reason };
}

function nonNegative(v: number | undefined, dflt: number): number {
  return v !== undefined && Number.isFinite(v) && v >= 0 ? v : dflt;
}
