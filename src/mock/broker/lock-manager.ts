/**
 * Queue locks for orderly consumers (Java `RebalanceLockManager`): a queue is locked by one client of a group for
 * 60 s (scaled); the holder may renew it, others get it only once it expired.
 * @module
 */

/** A message queue as carried in lock bodies. */
export interface LockQueue {
  /** Topic. */
  topic: string;
  /** Broker group name. */
  brokerName: string;
  /** Queue id. */
  queueId: number;
}

interface LockEntry {
  clientId: string;
  lastUpdate: number;
}

const keyOf = (q: LockQueue): string => `${q.topic}\u0001${q.brokerName}\u0001${q.queueId}`;

/** Locks of one broker. */
export class RebalanceLockManager {
  private readonly groups = new Map<string, Map<string, LockEntry>>();

  /** @param expiryMs - lock lifetime (60 s real) */
  constructor(private readonly expiryMs: number) {}

  /** Locks what it can for `clientId`; returns the queues now held by it. */
  tryLockBatch(group: string, queues: readonly LockQueue[], clientId: string, now: number): LockQueue[] {
    let table = this.groups.get(group);
    if (!table) this.groups.set(group, (table = new Map()));
    const ok: LockQueue[] = [];
    for (const q of queues) {
      const k = keyOf(q);
      const e = table.get(k);
      if (!e || e.clientId === clientId || now - e.lastUpdate > this.expiryMs) {
        table.set(k, { clientId, lastUpdate: now });
        ok.push(q);
      }
    }
    return ok;
  }

  /** Releases queues held by `clientId`. */
  unlockBatch(group: string, queues: readonly LockQueue[], clientId: string): void {
    const table = this.groups.get(group);
    if (!table) return;
    for (const q of queues) {
      const k = keyOf(q);
      if (table.get(k)?.clientId === clientId) table.delete(k);
    }
  }

  /** Whether `clientId` holds a live lock on `q`. */
  isLockedBy(group: string, q: LockQueue, clientId: string, now: number): boolean {
    const e = this.groups.get(group)?.get(keyOf(q));
    return e !== undefined && e.clientId === clientId && now - e.lastUpdate <= this.expiryMs;
  }
}
