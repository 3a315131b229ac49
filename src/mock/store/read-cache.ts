/**
 * The pull path's commitlog read cache (the mock's stand-in for the page cache a real broker reads through mmap).
 *
 * A drain of a topic with several queues reads the same commitlog region once per queue, one record at a time: two
 * `readSync` calls per message. Here a miss reads one aligned window ({@link WINDOW_BYTES}, within its file) and
 * later records — of this queue and of the sibling queues interleaved with it — come out of that window as
 * views. Only a few windows are kept (LRU).
 *
 * Staleness: appends never change bytes already read, and a window never claims bytes past its end, so new records
 * just miss. A truncation that rewrote a region (recovery, HA resync) is caught by the caller's check of each record
 * against its consume-queue unit (size, queue id, queue offset); on a mismatch it clears the cache.
 * @module
 */

/** Window size: windows start at multiples of it, so every queue shares the same ones however far apart they are. */
export const WINDOW_BYTES = 256 * 1024;
/** Windows kept (the queues of a topic drifting apart by up to this many windows still share them). */
const MAX_WINDOWS = 16;

/** Reads raw commitlog bytes from an offset (to the end of its file, at most `maxBytes`). */
export type RawReader = (offset: number, maxBytes: number) => Buffer;

/** A small LRU of aligned commitlog windows. */
export class CommitLogReadCache {
  private windows: { start: number; buf: Buffer }[] = [];

  /**
   * @param readRaw - the commitlog's raw range read
   * @param fileSize - the commitlog's file size (windows are aligned inside each file)
   */
  constructor(
    private readonly readRaw: RawReader,
    private readonly fileSize: () => number,
  ) {}

  /**
   * The `size` bytes at `offset` as a view of a cached window, reading the window on a miss (or when it was read
   * before those bytes were written); undefined when the log does not hold them. A record straddling two windows is
   * read on its own.
   * @param offset - physical offset
   * @param size - record size (from the consume-queue unit)
   */
  get(offset: number, size: number): Buffer | undefined {
    const fileStart = offset - (offset % this.fileSize());
    const start = fileStart + Math.floor((offset - fileStart) / WINDOW_BYTES) * WINDOW_BYTES;
    if (offset + size > start + WINDOW_BYTES) {
      const own = this.readRaw(offset, size);
      return own.length >= size ? own : undefined;
    }
    const ws = this.windows;
    let i = 0;
    while (i < ws.length && ws[i].start !== start) i++;
    let w = ws[i];
    if (w === undefined || offset + size > start + w.buf.length) {
      if (w !== undefined) ws.splice(i, 1);
      // readRaw stops at the end of the file, so a window never spans two files.
      const buf = this.readRaw(start, WINDOW_BYTES);
      if (offset + size > start + buf.length) return undefined;
      w = { start, buf };
      ws.unshift(w);
      if (ws.length > MAX_WINDOWS) ws.pop();
    } else if (i > 0) {
      ws.splice(i, 1);
      ws.unshift(w);
    }
    return w.buf.subarray(offset - start, offset - start + size);
  }

  /** Forgets every window. */
  clear(): void {
    this.windows = [];
  }
}
