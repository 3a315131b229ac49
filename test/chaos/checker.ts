/**
 * An openchaos-style checker, pure (no I/O): the soak feeds it what producers were told, what consumers saw and
 * what the cluster holds at the end, plus the fault log; {@link ChaosChecker.report} says what went wrong.
 *
 * - lost: acknowledged (SEND_OK) but not in the final scan. Must be 0.
 * - duplicated: stored more than once (a retry after a send whose answer was lost). Allowed, counted.
 * - unacknowledged but stored: never acknowledged, yet stored (the client gave up on an attempt that landed).
 * - undelivered: acknowledged but never handed to the consumer's listener by the end of the drain. Must be 0 (a
 *   consumer-side loss: a skipped offset, a queue nobody pulled after a rebalance).
 * - delivery duplicates: extra listener deliveries of one msgId (redelivery after a failover or rebalance). Allowed.
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
  /** Acknowledged messages the consumer never received (consumer loss). Must be empty. */
  undelivered: string[];
  /** Listener deliveries beyond the first, counted by msgId. */
  deliveryDuplicates: number;
  /** Distinct msgIds delivered more than once. */
  duplicatedDeliveries: Array<{ msgId: string; key: string; deliveries: number }>;
  /** Acknowledged sends whose SendResult.msgId differs from the msgId the consumer saw for that key. */
  msgIdMismatches: string[];
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
  /** msgId → key and listener deliveries of that msgId. */
  private readonly deliveries = new Map<string, { key: string; n: number }>();
  /** key → msgId the producer was told (SendResult.msgId). */
  private readonly ackedMsgId = new Map<string, string>();
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
   * @param msgId - SendResult.msgId (the UNIQ_KEY consumers see) @default none
   */
  acknowledged(key: string, brokerName: string, at: number, msgId?: string): void {
    if (!this.acked.has(key)) this.acked.set(key, { at, brokerName });
    if (msgId !== undefined && !this.ackedMsgId.has(key)) this.ackedMsgId.set(key, msgId);
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

  /**
   * The consumer's listener was handed a message (call once per delivery).
   * @param msgId - the delivered message's msgId (UNIQ_KEY)
   * @param key - the producer's key carried by the message
   */
  delivered(msgId: string, key: string): void {
    this.consumedKey(key);
    const d = this.deliveries.get(msgId);
    if (d) d.n++;
    else this.deliveries.set(msgId, { key, n: 1 });
  }

  /** Acknowledged keys not delivered yet (what a drain waits on). */
  undeliveredCount(): number {
    let n = 0;
    for (const k of this.acked.keys()) if (!this.consumed.has(k)) n++;
    return n;
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
    const undelivered = [...this.acked.keys()].filter((k) => !this.consumed.has(k)).sort();
    const dupDeliveries = [...this.deliveries].filter(([, d]) => d.n > 1).map(([msgId, d]) => ({ msgId, key: d.key, deliveries: d.n }));
    dupDeliveries.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    // A key delivered under another msgId than its SendResult said: the producer reported the wrong id.
    const seenIds = new Map<string, Set<string>>();
    for (const [msgId, d] of this.deliveries) {
      let ids = seenIds.get(d.key);
      if (!ids) seenIds.set(d.key, (ids = new Set()));
      ids.add(msgId);
    }
    const msgIdMismatches = [...this.ackedMsgId].filter(([k, id]) => seenIds.has(k) && !seenIds.get(k)!.has(id)).map(([k]) => k).sort();
    return {
      sent: this.sent.size,
      acknowledged: this.acked.size,
      lost,
      duplicated,
      unacknowledgedStored,
      failedSends: this.failures,
      consumed: this.consumed.size,
      undelivered,
      deliveryDuplicates: dupDeliveries.reduce((n, d) => n + d.deliveries - 1, 0),
      duplicatedDeliveries: dupDeliveries,
      msgIdMismatches,
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
    `UNDELIVERED (acknowledged, never consumed) ${r.undelivered.length}${show(r.undelivered)}`,
    `delivery duplicates ${r.deliveryDuplicates} over ${r.duplicatedDeliveries.length} msgIds${show(r.duplicatedDeliveries.map((d) => `${d.key}x${d.deliveries}`))}`,
    `msgId mismatches (SendResult.msgId never delivered for its key) ${r.msgIdMismatches.length}${show(r.msgIdMismatches)}`,
    `stored duplicates ${r.duplicated.length}${show(r.duplicated.map((d) => `${d.key}x${d.copies}`))}`,
    `unacknowledged but stored ${r.unacknowledgedStored.length}${show(r.unacknowledgedStored)}`,
    `stored but never sent ${r.unknownStored.length}${show(r.unknownStored)}`,
    `faults ${r.faults.length}; RTO ms p50 ${pct(0.5)} p90 ${pct(0.9)} max ${rtos.length ? rtos[rtos.length - 1] : '-'}`,
  ].join('\n');
}
