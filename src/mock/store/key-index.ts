/**
 * The message key index (IndexService / IndexFile): `topic#key` → physical offsets, for both business keys (KEYS,
 * space separated) and the unique key (UNIQ_KEY), which the real broker puts in the same hash index.
 *
 * Choice: memory only. The store rebuilds it on every open by re-dispatching the commitlog(s), legacy records
 * included, so there is no index file format to keep in step; lookups are exact (no hash collisions to filter).
 *
 * Adds are queued (plain arrays, no hashing) and folded into the table before anything reads it (`query`, `size`,
 * `truncateFrom`): the real broker builds its index on the reput thread, off the send path, and so does this one —
 * a burst of sends costs an array push per key, and the first query after it pays for the table inserts. Every
 * query sees every entry added before it, so answers are unchanged.
 * @module
 */

/** What an index entry was built from. */
export type IndexKind = 'key' | 'uniq';

/** One indexed occurrence. */
export interface IndexEntry {
  /** Commitlog offset of the record. */
  physOffset: number;
  /** Its STORETIMESTAMP (ms). */
  storeTimestamp: number;
  /** Built from KEYS or from UNIQ_KEY. */
  kind: IndexKind;
}

/** In-memory key and unique-key index. */
export class KeyIndex {
  /**
   * topic → key → entries in commitlog order. Two levels, so an add builds no `topic#key` string to hash; a key seen
   * once (every UNIQ_KEY) holds its entry itself, a list only from the second entry on.
   */
  private readonly table = new Map<string, Map<string, IndexEntry | IndexEntry[]>>();
  private count = 0;
  /** Adds not yet in `table`, in call order (parallel arrays: no object per entry). */
  private readonly pendingTopic: string[] = [];
  private readonly pendingKey: string[] = [];
  private readonly pendingPhys: number[] = [];
  private readonly pendingTime: number[] = [];
  private readonly pendingKind: IndexKind[] = [];

  /** Number of entries. */
  get size(): number {
    this.drain();
    return this.count;
  }

  /** Adds one entry. Re-adding an entry already present (same record, same kind) is a no-op. */
  add(topic: string, key: string, physOffset: number, storeTimestamp: number, kind: IndexKind): void {
    if (key === '') return;
    this.pendingTopic.push(topic);
    this.pendingKey.push(key);
    this.pendingPhys.push(physOffset);
    this.pendingTime.push(storeTimestamp);
    this.pendingKind.push(kind);
  }

  /** Folds the queued adds into the table, in the order they were made. */
  private drain(): void {
    const n = this.pendingKey.length;
    if (n === 0) return;
    for (let i = 0; i < n; i++) this.insert(this.pendingTopic[i], this.pendingKey[i], this.pendingPhys[i], this.pendingTime[i], this.pendingKind[i]);
    for (const a of [this.pendingTopic, this.pendingKey, this.pendingPhys, this.pendingTime, this.pendingKind]) a.length = 0;
  }

  private insert(topic: string, key: string, physOffset: number, storeTimestamp: number, kind: IndexKind): void {
    let keys = this.table.get(topic);
    if (keys === undefined) {
      keys = new Map();
      this.table.set(topic, keys);
    }
    const found = keys.get(key);
    if (found === undefined) {
      // The common case (a fresh UNIQ_KEY): one entry, no duplicate to look for.
      keys.set(key, { physOffset, storeTimestamp, kind });
      this.count++;
      return;
    }
    let list: IndexEntry[];
    if (Array.isArray(found)) list = found;
    else {
      list = [found];
      keys.set(key, list);
    }
    // Dispatch runs in commitlog order, so duplicates can only sit at the tail.
    for (let i = list.length - 1; i >= 0 && list[i].physOffset >= physOffset; i--) {
      if (list[i].physOffset === physOffset && list[i].kind === kind) return;
    }
    const entry: IndexEntry = { physOffset, storeTimestamp, kind };
    if (list.length === 0 || list[list.length - 1].physOffset < physOffset) list.push(entry);
    else {
      const at = list.findIndex((e) => e.physOffset > physOffset);
      list.splice(at < 0 ? list.length : at, 0, entry);
    }
    this.count++;
  }

  /**
   * Physical offsets stored under `topic#key` with `begin <= storeTimestamp <= end`, newest first, at most `maxNum`
   * (IndexService#queryOffset walks newest to oldest). `kind` restricts to one kind of entry.
   */
  query(topic: string, key: string, maxNum: number, begin: number, end: number, kind?: IndexKind): number[] {
    this.drain();
    const found = this.table.get(topic)?.get(key);
    const out: number[] = [];
    if (found === undefined) return out;
    const list = Array.isArray(found) ? found : [found];
    for (let i = list.length - 1; i >= 0 && out.length < maxNum; i--) {
      const e = list[i];
      if (e.storeTimestamp < begin || e.storeTimestamp > end) continue;
      if (kind !== undefined && e.kind !== kind) continue;
      if (out[out.length - 1] !== e.physOffset) out.push(e.physOffset);
    }
    return out;
  }

  /** Drops every entry at or after `physOffset` (the log was truncated there). */
  truncateFrom(physOffset: number): void {
    this.drain();
    for (const [topic, keys] of this.table) {
      for (const [k, found] of keys) {
        const list = Array.isArray(found) ? found : [found];
        let n = list.length;
        while (n > 0 && list[n - 1].physOffset >= physOffset) n--;
        this.count -= list.length - n;
        if (n === 0) keys.delete(k);
        else if (n < list.length) keys.set(k, list.slice(0, n));
      }
      if (keys.size === 0) this.table.delete(topic);
    }
  }

  /** Drops everything. */
  clear(): void {
    for (const a of [this.pendingTopic, this.pendingKey, this.pendingPhys, this.pendingTime, this.pendingKind]) a.length = 0;
    this.table.clear();
    this.count = 0;
  }
}
