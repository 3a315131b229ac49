/**
 * Latency fault tolerance: remembers, across sends, which broker groups were slow or failing and keeps them out of
 * queue selection for a while. Follows the Java 5.x `MQFaultStrategy` / `LatencyFaultToleranceImpl` tables
 * (protocol.md §8), but is ON by default in this SDK: a DLedger election makes the old leader fail for ~10 s, and
 * without memory across calls every send would first burn an attempt on it.
 *
 * State is lazy: nothing runs in the background. "Window over" is noticed the next time the broker is looked at
 * (or on {@link LatencyFaultTolerance.sweep}); that is when the `recovered` callback fires.
 * @module
 */

/** Latency thresholds (ms) of the 5.x client: a latency ≥ `LATENCY_MAX[i]` maps to `NOT_AVAILABLE_DURATION[i]`. */
export const LATENCY_MAX: readonly number[] = Object.freeze([50, 100, 550, 1800, 3000, 5000, 15000]);
/** Isolation windows (ms) of the 5.x client, index-aligned with {@link LATENCY_MAX}. */
export const NOT_AVAILABLE_DURATION: readonly number[] = Object.freeze([0, 0, 2000, 5000, 6000, 10000, 30000]);
/** The latency an exception (connect error, timeout, retriable response) counts as: 10 s → 10 s isolation. */
export const ISOLATION_LATENCY_MS = 10_000;

/** Payload of the `isolated` callback. */
export interface BrokerIsolatedEvent {
  /** Broker group name. */
  brokerName: string;
  /** The latency that was recorded (10000 for an exception). */
  latencyMs: number;
  /** How long the broker stays out, in ms. */
  durationMs: number;
  /** Clock time when it becomes available again. */
  untilMs: number;
  /** `isolation` when an exception caused it, `latency` when only slowness did. */
  reason: 'latency' | 'isolation';
}

/** Payload of the `recovered` callback. */
export interface BrokerRecoveredEvent {
  /** Broker group name. */
  brokerName: string;
  /** What re-admitted it. */
  reason: 'success' | 'route-change' | 'window-end' | 'manual';
}

/** Options of {@link LatencyFaultTolerance}. */
export interface LatencyFaultOptions {
  /** Clock in ms. @default Date.now */
  now?: () => number;
  /** Latency thresholds. @default LATENCY_MAX (5.x table) */
  latencyMax?: readonly number[];
  /** Isolation windows, index-aligned with `latencyMax`. @default NOT_AVAILABLE_DURATION (5.x table) */
  notAvailableDuration?: readonly number[];
  /** Latency an exception counts as. @default 10000 */
  isolationLatencyMs?: number;
  /** Called when a broker leaves the available set (the producer re-emits it as `brokerIsolated`). @default none */
  onIsolated?: (event: BrokerIsolatedEvent) => void;
  /** Called when a broker re-enters it (the producer re-emits it as `brokerRecovered`). @default none */
  onRecovered?: (event: BrokerRecoveredEvent) => void;
}

/** What the table knows about one broker group. */
export interface FaultItem {
  /** Broker group name. */
  readonly brokerName: string;
  /** Latency of the last recorded call (the isolation latency for an exception). */
  readonly latencyMs: number;
  /** Clock time from which the broker is available again. */
  readonly availableAtMs: number;
  /** False after an exception until the next success: such a broker is worse than a merely slow one. */
  readonly reachable: boolean;
}

interface MutableItem {
  brokerName: string;
  latencyMs: number;
  availableAtMs: number;
  reachable: boolean;
  /** Whether we announced it as isolated and not yet as recovered. */
  isolated: boolean;
}

/**
 * Maps a latency to its isolation window using the given tables: the window of the largest index whose threshold
 * the latency reaches, 0 below the first threshold.
 * @param latencyMs - the measured latency (or the isolation latency)
 * @param latencyMax - thresholds, ascending
 * @param durations - windows, index-aligned
 */
export function notAvailableDurationFor(
  latencyMs: number,
  latencyMax: readonly number[] = LATENCY_MAX,
  durations: readonly number[] = NOT_AVAILABLE_DURATION,
): number {
  if (!Number.isFinite(latencyMs)) return latencyMs > 0 ? (durations[durations.length - 1] ?? 0) : 0;
  for (let i = latencyMax.length - 1; i >= 0; i--) {
    if (latencyMs >= latencyMax[i]) return durations[i] ?? 0;
  }
  return 0;
}

/** The latency fault table. One instance per producer; it persists across sends. */
export class LatencyFaultTolerance {
  private readonly items = new Map<string, MutableItem>();
  private readonly now: () => number;
  private readonly latencyMax: readonly number[];
  private readonly durations: readonly number[];
  private readonly isolationLatency: number;
  private readonly onIsolated?: (event: BrokerIsolatedEvent) => void;
  private readonly onRecovered?: (event: BrokerRecoveredEvent) => void;

  /** @param options - clock, tables and callbacks */
  constructor(options: LatencyFaultOptions = {}) {
    this.now = options.now ?? Date.now;
    this.latencyMax = options.latencyMax ?? LATENCY_MAX;
    this.durations = options.notAvailableDuration ?? NOT_AVAILABLE_DURATION;
    this.isolationLatency = options.isolationLatencyMs ?? ISOLATION_LATENCY_MS;
    this.onIsolated = options.onIsolated;
    this.onRecovered = options.onRecovered;
  }

  /**
   * Records the outcome of one call to `brokerName`. With `isolation` the latency is replaced by the isolation
   * latency (an exception) and the broker is marked unreachable; without it the call succeeded, so the broker is
   * reachable again and, if the measured latency maps to no window, re-admitted at once.
   * @param brokerName - broker group name
   * @param latencyMs - how long the call took
   * @param isolation - whether the call failed with an exception
   */
  update(brokerName: string, latencyMs: number, isolation: boolean): void {
    const now = this.now();
    const latency = isolation ? this.isolationLatency : Math.max(0, Number.isFinite(latencyMs) ? latencyMs : 0);
    const duration = notAvailableDurationFor(latency, this.latencyMax, this.durations);
    let item = this.items.get(brokerName);
    if (!item) {
      item = { brokerName, latencyMs: latency, availableAtMs: now, reachable: true, isolated: false };
      this.items.set(brokerName, item);
    }
    item.latencyMs = latency;
    item.availableAtMs = now + duration;
    item.reachable = !isolation;
    if (duration > 0) {
      if (!item.isolated) {
        item.isolated = true;
        this.onIsolated?.({
          brokerName,
          latencyMs: latency,
          durationMs: duration,
          untilMs: item.availableAtMs,
          reason: isolation ? 'isolation' : 'latency',
        });
      }
    } else if (item.isolated) {
      item.isolated = false;
      this.onRecovered?.({ brokerName, reason: 'success' });
    }
  }

  /**
   * Whether `brokerName` may be chosen now: unknown brokers are available; known ones once their window is over.
   * Noticing that a window ended fires `recovered` with reason `window-end`.
   * @param brokerName - broker group name
   * @param now - clock time to judge at @default the injected clock
   */
  isAvailable(brokerName: string, now: number = this.now()): boolean {
    const item = this.items.get(brokerName);
    if (!item) return true;
    if (now < item.availableAtMs) return false;
    if (item.isolated) {
      item.isolated = false;
      this.onRecovered?.({ brokerName, reason: 'window-end' });
    }
    return true;
  }

  /**
   * Whether the last recorded call to `brokerName` did not fail with an exception. A slow but reachable broker is a
   * better fallback than one that refused the connection.
   * @param brokerName - broker group name
   */
  isReachable(brokerName: string): boolean {
    return this.items.get(brokerName)?.reachable ?? true;
  }

  /**
   * Re-admits `brokerName` at once (after a success elsewhere, or because the route changed and its master moved).
   * Fires `recovered` if it was isolated.
   * @param brokerName - broker group name
   * @param reason - why @default 'manual'
   */
  recover(brokerName: string, reason: 'success' | 'route-change' | 'manual' = 'manual'): void {
    const item = this.items.get(brokerName);
    if (!item) return;
    this.items.delete(brokerName);
    if (item.isolated) this.onRecovered?.({ brokerName, reason });
  }

  /**
   * Among `candidates`, the one most likely to work: available ones first, then reachable ones, then the one whose
   * window ends soonest, ties broken by lower latency, then by order. Undefined for an empty list.
   * @param candidates - broker group names
   */
  pickLeastBad(candidates: readonly string[]): string | undefined {
    const now = this.now();
    let best: string | undefined;
    let bestKey: [number, number, number, number] | undefined;
    for (const name of candidates) {
      const item = this.items.get(name);
      const key: [number, number, number, number] = item
        ? [this.isAvailable(name, now) ? 0 : 1, item.reachable ? 0 : 1, Math.max(0, item.availableAtMs - now), item.latencyMs]
        : [0, 0, 0, 0];
      if (bestKey === undefined || lessThan(key, bestKey)) {
        best = name;
        bestKey = key;
      }
    }
    return best;
  }

  /** Checks every isolated broker against the clock so `recovered` fires for windows that ended. */
  sweep(): void {
    const now = this.now();
    for (const name of [...this.items.keys()]) this.isAvailable(name, now);
  }

  /** A snapshot of the table (for diagnostics). */
  snapshot(): FaultItem[] {
    return [...this.items.values()].map(({ brokerName, latencyMs, availableAtMs, reachable }) => ({
      brokerName,
      latencyMs,
      availableAtMs,
      reachable,
    }));
  }

  /** Forgets everything, without callbacks. */
  clear(): void {
    this.items.clear();
  }
}

function lessThan(a: readonly number[], b: readonly number[]): boolean {
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) return a[i] < b[i];
  }
  return false;
}
