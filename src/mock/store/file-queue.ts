/**
 * A directory of fixed-size files named by the 20-digit zero-padded offset of their first byte, as RocketMQ's
 * `MappedFileQueue` lays out the commitlog and consume queues. The mock uses plain positional `node:fs` calls instead
 * of mmap: a file is only as long as what was written to it, except that a finished commitlog file is extended to the
 * full size (see `CommitLog`). Offsets are global across the queue.
 *
 * Appends are write-behind: bytes appended at a file's end go into a per-file memory buffer and reach the file in
 * ONE positional write per file per event-loop turn (a `setImmediate` flush), instead of one `writeSync` per record
 * and per consume-queue unit — that syscall was a quarter of the mock's CPU per send. Readers never see the
 * difference: {@link FileQueue.read} serves the unflushed tail from memory, so a record is readable (pull, query,
 * view) the moment its append returns, which is what a SEND_OK promises. What is not promised is that it is on disk:
 * the real broker's default ASYNC_FLUSH does not either (an in-process kill goes through `close()`, which flushes).
 * Anything that is not a plain append (a write elsewhere, a truncation, a new file, close) flushes the file first.
 * @module
 */
import { closeSync, existsSync, fstatSync, ftruncateSync, mkdirSync, openSync, readdirSync, readSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { ValidationError } from '../../errors.js';

/** One file of a {@link FileQueue}. */
export interface QueueFile {
  /** Global offset of the file's first byte (its name). */
  readonly start: number;
  /** Absolute path. */
  readonly path: string;
  /** Open read/write descriptor. */
  readonly fd: number;
  /** Bytes written so far (the file's logical length: the tail may still sit in the write-behind buffer). */
  length: number;
}

/** A file with its write-behind state (private to this module). */
interface BufferedFile extends QueueFile {
  /** Bytes already on disk; `length - flushed` bytes wait in `buf`. */
  flushed: number;
  /** Unflushed bytes `[flushed, length)` at `buf[0 .. length - flushed)` (reused across turns); may be undefined when nothing waits. */
  buf: Buffer | undefined;
  /** Set once the descriptor is closed: a late flush must not write to a recycled descriptor. */
  closed: boolean;
}

/** First write-behind buffer of a file; it doubles as needed and is kept for the next turns. */
const MIN_BUFFER = 4 * 1024;
/** A buffer larger than this is dropped after its flush rather than kept (a burst should not pin memory). */
const MAX_RETAINED = 1024 * 1024;
/** Files with unflushed bytes, flushed together at the end of the turn. */
const dirty = new Set<BufferedFile>();
let flushScheduled = false;

function scheduleFlush(f: BufferedFile): void {
  dirty.add(f);
  if (flushScheduled) return;
  flushScheduled = true;
  setImmediate(flushDirty);
}

function flushDirty(): void {
  flushScheduled = false;
  const files = [...dirty];
  dirty.clear();
  for (const f of files) {
    try {
      flushFile(f);
    } catch {
      // A failed background write keeps its bytes in memory (still readable); close() tries once more.
    }
  }
}

/** Writes the file's buffered tail with one positional write. */
function flushFile(f: BufferedFile): void {
  dirty.delete(f);
  const n = f.length - f.flushed;
  if (f.buf === undefined || n <= 0 || f.closed) return;
  writeFully(f.fd, f.buf.subarray(0, n), f.flushed);
  f.flushed = f.length;
  if (f.buf.length > MAX_RETAINED) f.buf = undefined;
}

function writeFully(fd: number, bytes: Uint8Array, pos: number): void {
  let done = 0;
  while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done, pos + done);
}

function openFile(start: number, path: string, fd: number): BufferedFile {
  const size = fstatSync(fd).size;
  return { start, path, fd, length: size, flushed: size, buf: undefined, closed: false };
}

/** Formats an offset as a RocketMQ file name: 20 decimal digits, zero padded. */
export function offsetToFileName(offset: number): string {
  return String(offset).padStart(20, '0');
}

/** Ordered files of one directory, all `fileSize` bytes apart. */
export class FileQueue {
  /** The files, ascending by start offset. */
  readonly files: QueueFile[] = [];

  /**
   * Opens (creating the directory if needed) every file whose name is a 20-digit offset.
   * @param dir - directory holding the files.
   * @param fileSize - fixed size of each file in bytes.
   */
  constructor(
    readonly dir: string,
    readonly fileSize: number,
  ) {
    if (!Number.isSafeInteger(fileSize) || fileSize <= 0) throw new ValidationError(`bad file size ${fileSize}`);
    mkdirSync(dir, { recursive: true });
    const names = readdirSync(dir)
      .filter((n) => /^\d{20}$/.test(n))
      .sort();
    for (const name of names) {
      const start = Number(name);
      // Files that are not on the size grid cannot belong to this queue (wrong fileSize option): refuse rather than
      // read records at the wrong offsets.
      if (start % fileSize !== 0) {
        this.close();
        throw new ValidationError(`${join(dir, name)} does not start on a ${fileSize}-byte boundary`);
      }
      const path = join(dir, name);
      this.files.push(openFile(start, path, openSync(path, 'r+')));
    }
  }

  /** The last (writable) file, if any. */
  get last(): QueueFile | undefined {
    return this.files[this.files.length - 1];
  }

  /** Offset of the first byte of the first file (0 when empty). */
  get minOffset(): number {
    return this.files[0]?.start ?? 0;
  }

  /** Offset just past the last written byte (0 when empty). */
  get maxOffset(): number {
    const last = this.last;
    return last === undefined ? 0 : last.start + last.length;
  }

  /** The file holding global offset `offset`, if any. */
  fileFor(offset: number): QueueFile | undefined {
    if (this.files.length === 0 || offset < this.files[0].start) return undefined;
    // Files are contiguous on the size grid, so the index is arithmetic.
    const idx = Math.floor((offset - this.files[0].start) / this.fileSize);
    const f = this.files[idx];
    return f !== undefined && offset >= f.start && offset < f.start + this.fileSize ? f : undefined;
  }

  /** Creates the file starting at `start` (must be the next grid slot). */
  createFile(start: number): QueueFile {
    // The previous file is finished: put it on disk now, so a finished file is always whole there.
    const prev = this.last;
    if (prev !== undefined) flushFile(prev as BufferedFile);
    const path = join(this.dir, offsetToFileName(start));
    const f = openFile(start, path, openSync(path, existsSync(path) ? 'r+' : 'w+'));
    this.files.push(f);
    return f;
  }

  /** Reads `len` bytes at global offset `offset` inside one file; undefined if they are not all written. */
  read(offset: number, len: number): Buffer | undefined {
    const f = this.fileFor(offset);
    if (f === undefined) return undefined;
    const pos = offset - f.start;
    if (len < 0 || pos + len > f.length) return undefined;
    const bf = f as BufferedFile;
    const buf = Buffer.allocUnsafe(len);
    // The part on disk, then the part still in the write-behind buffer (a copy: that buffer is reused).
    const onDisk = Math.max(0, Math.min(len, bf.flushed - pos));
    let done = 0;
    while (done < onDisk) {
      const n = readSync(f.fd, buf, done, onDisk - done, pos + done);
      if (n <= 0) return undefined;
      done += n;
    }
    if (done < len) {
      if (bf.buf === undefined) return undefined;
      const from = pos + done - bf.flushed;
      bf.buf.copy(buf, done, from, from + (len - done));
    }
    return buf;
  }

  /**
   * Writes `bytes` at file-relative position `pos` of `f`, growing its length. An append at the file's end is
   * buffered (see the module comment); any other write flushes the file and writes through.
   */
  write(f: QueueFile, pos: number, bytes: Uint8Array): void {
    const bf = f as BufferedFile;
    if (pos === bf.length && !bf.closed) {
      this.reserve(bf, bytes.length)?.set(bytes);
      return;
    }
    flushFile(bf);
    writeFully(f.fd, bytes, pos);
    f.length = Math.max(f.length, pos + bytes.length);
    bf.flushed = Math.max(bf.flushed, f.length);
  }

  /**
   * Appends `size` bytes at the end of `f` and returns them as a view into its write-behind buffer, for the caller
   * to fill at once (before anything else reads or writes this queue): a record is then encoded in place instead of
   * into a buffer of its own that is copied here. Undefined (nothing appended) once the file is closed.
   */
  reserve(f: QueueFile, size: number): Buffer | undefined {
    const bf = f as BufferedFile;
    if (bf.closed) return undefined;
    let used = bf.length - bf.flushed;
    if (used > 0 && used + size > MAX_RETAINED) {
      // A turn that appends more than a kept buffer holds (1024 sends in flight answered at once): write what waits
      // now rather than doubling past MAX_RETAINED — the grown buffer would be copied on every doubling and dropped
      // after its flush, so the next such turn would grow (and copy) it all over again.
      flushFile(bf);
      used = 0;
    }
    const need = used + size;
    if (bf.buf === undefined || bf.buf.length < need) {
      const grown = Buffer.allocUnsafe(Math.max(MIN_BUFFER, need, (bf.buf?.length ?? 0) * 2));
      bf.buf?.copy(grown, 0, 0, used);
      bf.buf = grown;
    }
    bf.length += size;
    scheduleFlush(bf);
    return bf.buf.subarray(used, need);
  }

  /** Writes every buffered append of this queue to its files now. */
  flush(): void {
    for (const f of this.files) flushFile(f as BufferedFile);
  }

  /** Sets the length of `f` (truncating or zero-extending). */
  setLength(f: QueueFile, length: number): void {
    flushFile(f as BufferedFile);
    ftruncateSync(f.fd, length);
    f.length = length;
    (f as BufferedFile).flushed = length;
  }

  /** Drops every byte at or after global offset `offset`: truncates one file, deletes the later ones. */
  truncateFrom(offset: number): void {
    while (this.files.length > 0) {
      const f = this.last!;
      if (f.start >= offset) {
        dirty.delete(f as BufferedFile);
        (f as BufferedFile).closed = true;
        closeSync(f.fd);
        unlinkSync(f.path);
        this.files.pop();
        continue;
      }
      if (f.start + f.length > offset) this.setLength(f, offset - f.start);
      break;
    }
  }

  /** Deletes every file and the directory's contents that this queue owns. */
  destroy(): void {
    this.truncateFrom(-1);
  }

  /** Flushes the buffered appends and closes every descriptor. Safe to call twice. */
  close(): void {
    for (const f of this.files.splice(0) as BufferedFile[]) {
      try {
        flushFile(f);
      } catch {
        // Nothing more can be done with the bytes of a file that cannot be written; close it anyway.
      }
      dirty.delete(f);
      f.closed = true;
      closeSync(f.fd);
    }
  }
}
