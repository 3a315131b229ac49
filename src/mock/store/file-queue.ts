/**
 * A directory of fixed-size files named by the 20-digit zero-padded offset of their first byte, as RocketMQ's
 * `MappedFileQueue` lays out the commitlog and consume queues. The mock uses plain positional `node:fs` calls instead
 * of mmap: a file is only as long as what was written to it, except that a finished commitlog file is extended to the
 * full size (see `CommitLog`). Offsets are global across the queue.
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
  /** Bytes written so far (the file's length on disk). */
  length: number;
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
      const fd = openSync(path, 'r+');
      this.files.push({ start, path, fd, length: fstatSync(fd).size });
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
    const path = join(this.dir, offsetToFileName(start));
    const fd = openSync(path, existsSync(path) ? 'r+' : 'w+');
    const f: QueueFile = { start, path, fd, length: fstatSync(fd).size };
    this.files.push(f);
    return f;
  }

  /** Reads `len` bytes at global offset `offset` inside one file; undefined if they are not all written. */
  read(offset: number, len: number): Buffer | undefined {
    const f = this.fileFor(offset);
    if (f === undefined) return undefined;
    const pos = offset - f.start;
    if (len < 0 || pos + len > f.length) return undefined;
    const buf = Buffer.allocUnsafe(len);
    let done = 0;
    while (done < len) {
      const n = readSync(f.fd, buf, done, len - done, pos + done);
      if (n <= 0) return undefined;
      done += n;
    }
    return buf;
  }

  /** Writes `bytes` at file-relative position `pos` of `f`, growing its length. */
  write(f: QueueFile, pos: number, bytes: Uint8Array): void {
    let done = 0;
    while (done < bytes.length) done += writeSync(f.fd, bytes, done, bytes.length - done, pos + done);
    f.length = Math.max(f.length, pos + bytes.length);
  }

  /** Sets the length of `f` (truncating or zero-extending). */
  setLength(f: QueueFile, length: number): void {
    ftruncateSync(f.fd, length);
    f.length = length;
  }

  /** Drops every byte at or after global offset `offset`: truncates one file, deletes the later ones. */
  truncateFrom(offset: number): void {
    while (this.files.length > 0) {
      const f = this.last!;
      if (f.start >= offset) {
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

  /** Closes every descriptor. Safe to call twice. */
  close(): void {
    for (const f of this.files.splice(0)) closeSync(f.fd);
  }
}
