/**
 * An openchaos-style checker, pure (no I/O): the soak feeds it what producers were told, what consumers saw and
 * what the cluster holds at the end, plus the fault log; {@link ChaosChecker.report} says what went wrong.
 *
 * - lost: acknowledged (SEND_OK) but not in the final scan. Must be 0.
 * - duplicated: stored more than once (a retry after a send whose answer was lost). Allowed, counted.
 * - unacknowledged but stored: never acknowledged, yet stored (the client gave up on an attempt that landed).
 * - RTO per fault: time from the fault to the first acknowledged send on the same broker group afterwards.
 */

/** One injected fault. */
export interface FaultRecord {
  /** ms since the soak started. */
  at: number;
  /** What was done, e.g. `kill-leader`. */
  kind: string;
  /** Broker group. */
  brokerName: string;
  /** Replica(s) involved, e.g. `n1` or `n0->n2`. */
  target: string;
}

/** A fault and its recovery time. */
export interface FaultRto extends FaultRecord {
  /** ms to the next acknowledged send on that group; undefined when none followed. */
  rtoMs: number | undefined;
}

/** The checker's verdict. */
export interface ChaosReport {
  /** Distinct messages the producers tried to send. */
  sent: number;
  /** Distinct messages acknowledged with SEND_OK. */
  acknowledged: number;
  /** Acknowledged messages missing from the final scan. */
  lost: string[];
  /** Messages stored more than once (key → copies). */
  duplicated: Array<{ key: string; copies: number }>;
  /** Stored messages never acknowledged. */
  unacknowledgedStored: string[];
  /** Send attempts that failed (each attempt counts). */
  failedSends: number;
  /** Distinct messages a consumer received during the run. */
  consumed: number;
  /** Stored keys the producers never sent (corruption or a bug in the soak). */
  unknownStored: string[];
  /** Each fault with its RTO. */
  faults: FaultRto[];
}

/** Collects observations; call {@link ChaosChecker.report} at the end. */
export class ChaosChecker {
  private readonly sent = new Set<string>();
  private readonly acked = new Map<string, { at: number; brokerName: string }>();
  private readonly stored = new Map<string, number>();
  private readonly consumed = new Set<string>();
  private readonly faults: FaultRecord[] = [];
  private readonly acksByGroup = new Map<string, number[]>();
  private failures = 0;

  /** A producer is about to send `key` (first attempt). */
  sendStarted(key: string): void {
    this.sent.add(key);
  }

  /**
   * `key` was acknowledged by `brokerName` at `at` ms.
   * @param key - message key
   * @param brokerName - group that acknowledged it
   * @param at - ms since start
   */
  acknowledged(key: string, brokerName: string, at: number): void {
    if (!this.acked.has(key)) this.acked.set(key, { at, brokerName });
    let list = this.acksByGroup.get(brokerName);
    if (!list) this.acksByGroup.set(brokerName, (list = []));
    list.push(at);
  }

  /** One send attempt failed (error, timeout or a non-SEND_OK status). */
  sendFailed(): void {
    this.failures++;
  }

  /** A consumer received `key`. */
  consumedKey(key: string): void {
    this.consumed.add(key);
  }

  /** The final scan found `key` (call once per stored copy). */
  storedKey(key: string): void {
    this.stored.set(key, (this.stored.get(key) ?? 0) + 1);
  }

  /** Forgets every stored copy (before a rescan). */
  clearStored(): void {
    this.stored.clear();
  }

  /** A fault was injected. */
  fault(record: FaultRecord): void {
    this.faults.push({ ...record });
  }

  /** The verdict. */
  report(): ChaosReport {
    const lost = [...this.acked.keys()].filter((k) => !this.stored.has(k)).sort();
    const duplicated = [...this.stored].filter(([, n]) => n > 1).map(([key, copies]) => ({ key, copies })).sort((a, b) => (a.key < b.key ? -1 : 1));
    const unacknowledgedStored = [...this.stored.keys()].filter((k) => this.sent.has(k) && !this.acked.has(k)).sort();
    const unknownStored = [...this.stored.keys()].filter((k) => !this.sent.has(k)).sort();
    for (const list of this.acksByGroup.values()) list.sort((a, b) => a - b);
    const faults = this.faults.map((f) => ({ ...f, rtoMs: this.firstAckAfter(f.brokerName, f.at) }));
    return {
      sent: this.sent.size,
      acknowledged: this.acked.size,
      lost,
      duplicated,
      unacknowledgedStored,
      failedSends: this.failures,
      consumed: this.consumed.size,
      unknownStored,
      faults,
    };
  }

  private firstAckAfter(brokerName: string, at: number): number | undefined {
    const list = this.acksByGroup.get(brokerName) ?? [];
    // Binary search for the first ack at or after the fault.
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid]! < at) lo = mid + 1;
      else hi = mid;
    }
    return lo < list.length ? list[lo]! - at : undefined;
  }
}

/**
 * Renders a report as text (what `npm run chaos` prints).
 * @param r - the report
 * @param maxList - how many keys to show per list
 */
export function formatReport(r: ChaosReport, maxList = 10): string {
  const show = (xs: readonly string[]): string => (xs.length === 0 ? '' : ` [${xs.slice(0, maxList).join(', ')}${xs.length > maxList ? ', …' : ''}]`);
  const rtos = r.faults.map((f) => f.rtoMs).filter((x): x is number => x !== undefined).sort((a, b) => a - b);
  const pct = (p: number): string => (rtos.length === 0 ? '-' : String(rtos[Math.min(rtos.length - 1, Math.floor(p * rtos.length))]));
  return [
    `sent ${r.sent}, acknowledged ${r.acknowledged}, consumed ${r.consumed}, failed send attempts ${r.failedSends}`,
    `LOST ${r.lost.length}${show(r.lost)}`,
    `duplicated ${r.duplicated.length}${show(r.duplicated.map((d) => `${d.key}x${d.copies}`))}`,
    `unacknowledged but stored ${r.unacknowledgedStored.length}${show(r.unacknowledgedStored)}`,
    `stored but never sent ${r.unknownStored.length}${show(r.unknownStored)}`,
    `faults ${r.faults.length}; RTO ms p50 ${pct(0.5)} p90 ${pct(0.9)} max ${rtos.length ? rtos[rtos.length - 1] : '-'}`,
  ].join('\n');
}
