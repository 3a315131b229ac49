/**
 * The pull path's commitlog read cache (the mock's stand-in for the page cache a real broker reads through mmap).
 *
 * A drain of a topic with several queues reads the same commitlog region once per queue, one record at a time: two
 * `readSync` calls per message. Here a miss reads one window (up to {@link WINDOW_BYTES} from the record, within its
 * file) and later records — of this queue and of the sibling queues interleaved with it — come out of that window as
 * views. Only a few windows are kept (LRU).
 *
 * Staleness: appends never change bytes already read, and a window never claims bytes past its end, so new records
 * just miss. A truncation that rewrote a region (recovery, HA resync) is caught by the caller's check of each record
 * against its consume-queue unit (size, queue id, queue offset); on a mismatch it clears the cache.
 * @module
 */

/** Bytes read per miss. */
export const WINDOW_BYTES = 512 * 1024;
/** Windows kept. */
const MAX_WINDOWS = 8;

/** Reads raw commitlog bytes from an offset (to the end of its file, at most `maxBytes`). */
export type RawReader = (offset: number, maxBytes: number) => Buffer;

/** A small LRU of commitlog windows. */
export class CommitLogReadCache {
  private windows: { start: number; buf: Buffer }[] = [];

  /** @param readRaw - the commitlog's raw range read */
  constructor(private readonly readRaw: RawReader) {}

  /**
   * The `size` bytes at `offset` as a view of a cached window, reading a new window on a miss; undefined when the
   * log does not hold them.
   * @param offset - physical offset
   * @param size - record size (from the consume-queue unit)
   */
  get(offset: number, size: number): Buffer | undefined {
    const ws = this.windows;
    for (let i = 0; i < ws.length; i++) {
      const w = ws[i];
      if (offset >= w.start && offset + size <= w.start + w.buf.length) {
        if (i > 0) {
          ws.splice(i, 1);
          ws.unshift(w);
        }
        return w.buf.subarray(offset - w.start, offset - w.start + size);
      }
    }
    const buf = this.readRaw(offset, Math.max(WINDOW_BYTES, size));
    if (buf.length < size) return undefined;
    ws.unshift({ start: offset, buf });
    if (ws.length > MAX_WINDOWS) ws.pop();
    return buf.subarray(0, size);
  }

  /** Forgets every window. */
  clear(): void {
    this.windows = [];
  }
}
