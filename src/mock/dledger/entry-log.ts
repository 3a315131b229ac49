/**
 * `DLedgerLog`: the file-backed entry log of one replica, laid out like DLedgerMmapFileStore.
 *
 * `<baseDir>/dledger-<selfId>/data/<20-digit start pos>` hold entries back to back; when the next entry (plus room for
 * an 8-byte blank) does not fit, the rest of the file is padded with a blank record (magic -1, remaining length) and a
 * new file starts at the next `mappedFileSize` boundary. `index/00000000000000000000` holds a 32-byte record per
 * entry at `index * 32`. Plain synchronous file I/O stands in for mmap: the mock is in-process and deterministic
 * ordering matters more than throughput. On open the data files are scanned, a torn tail is cut off, and the index
 * file is rewritten from the data (DLedger re-checks the last 3 files; rebuilding everything is simpler and stricter).
 * @module
 */

import * as fs from 'node:fs';
import * as path from 'node:path';
import { ValidationError } from '../../errors.js';
import {
  BLANK_MAGIC,
  ENTRY_HEADER_SIZE,
  ENTRY_MAGIC,
  INDEX_RECORD_SIZE,
  MIN_BLANK_LEN,
  decodeEntry,
  encodeEntry,
  encodeIndexRecord,
  readInt64,
  type DLedgerEntry,
} from './entry-codec.js';

/** DLedger's default data file size (1 GiB); files are created sparse, so the default costs no disk. */
export const DEFAULT_MAPPED_FILE_SIZE = 1024 * 1024 * 1024;

/** Options of {@link DLedgerLog.open}. */
export interface DLedgerLogOptions {
  /** Store root; the log lives in `<baseDir>/dledger-<selfId>/`. */
  baseDir: string;
  /** Replica id, e.g. `n0`. */
  selfId: string;
  /** Size of one data file. @default 1073741824 (1 GiB) */
  mappedFileSize?: number;
  /** Position of the first data file when the log is created (the upgrade "divide" offset). Ignored when data exists. @default 0 */
  startPos?: number;
}

/** Where an appended entry landed. */
export interface AppendedEntry {
  /** Log index. */
  index: number;
  /** Byte position of the entry header. */
  pos: number;
}

interface DataFile {
  start: number;
  fd: number;
  /** Bytes of valid data written in this file (excludes a trailing blank). */
  wrote: number;
  /** True once a blank pads the file. */
  full: boolean;
}

interface IndexItem {
  pos: number;
  size: number;
  term: number;
}

const fileName = (start: number): string => String(start).padStart(20, '0');

/** The entry log of one DLedger replica. */
export class DLedgerLog {
  /** Directory `<baseDir>/dledger-<selfId>`. */
  readonly dir: string;
  /** Size of one data file. */
  readonly mappedFileSize: number;
  private readonly dataDir: string;
  private files: DataFile[] = [];
  private items: IndexItem[] = [];
  private baseIndex = 0;
  private indexFd: number;
  private closed = false;

  private constructor(opts: Required<DLedgerLogOptions>) {
    this.dir = path.join(opts.baseDir, `dledger-${opts.selfId}`);
    this.mappedFileSize = opts.mappedFileSize;
    this.dataDir = path.join(this.dir, 'data');
    fs.mkdirSync(this.dataDir, { recursive: true });
    fs.mkdirSync(path.join(this.dir, 'index'), { recursive: true });
    const indexPath = path.join(this.dir, 'index', fileName(0));
    this.indexFd = fs.openSync(indexPath, fs.existsSync(indexPath) ? 'r+' : 'w+');
    this.recover(opts.startPos);
  }

  /**
   * Opens (creating if needed) the log and recovers it from disk.
   * @throws ValidationError on a bad option.
   */
  static open(opts: DLedgerLogOptions): DLedgerLog {
    const mappedFileSize = opts.mappedFileSize ?? DEFAULT_MAPPED_FILE_SIZE;
    const startPos = opts.startPos ?? 0;
    if (!Number.isSafeInteger(mappedFileSize) || mappedFileSize < ENTRY_HEADER_SIZE + MIN_BLANK_LEN) {
      throw new ValidationError(`mappedFileSize must be an integer >= ${ENTRY_HEADER_SIZE + MIN_BLANK_LEN}`);
    }
    if (!Number.isSafeInteger(startPos) || startPos < 0) throw new ValidationError('startPos must be a non-negative integer');
    if (!/^[A-Za-z0-9_-]+$/.test(opts.selfId)) throw new ValidationError(`bad DLedger selfId '${opts.selfId}'`);
    return new DLedgerLog({ baseDir: opts.baseDir, selfId: opts.selfId, mappedFileSize, startPos });
  }

  /** Index of the first entry, -1 when the log is empty. */
  get beginIndex(): number {
    return this.items.length === 0 ? -1 : this.baseIndex;
  }
  /** Index of the last entry, -1 when the log is empty. */
  get endIndex(): number {
    return this.baseIndex + this.items.length - 1;
  }
  /** Term of the last entry, -1 when the log is empty. */
  get endTerm(): number {
    return this.items.length === 0 ? -1 : this.items[this.items.length - 1].term;
  }
  /** Position just after the last entry (the first file's start when empty). */
  get endPos(): number {
    const last = this.items[this.items.length - 1];
    return last ? last.pos + last.size : this.files[0].start;
  }
  /** Start position of the first data file (the upgrade divide, or 0). */
  get startPos(): number {
    return this.files[0].start;
  }

  /** Header fields of entry `index` without reading the file, or undefined. */
  meta(index: number):
    | {
        /** Entry index. */
        index: number;
        /** Position in the data file. */
        pos: number;
        /** Entry size in bytes. */
        size: number;
        /** Term the entry was written in. */
        term: number;
      }
    | undefined {
    const it = this.items[index - this.baseIndex];
    return it && index >= this.baseIndex ? { index, ...it } : undefined;
  }

  /** Reads entry `index` from disk, or undefined when it is not in the log. */
  get(index: number): DLedgerEntry | undefined {
    const it = Number.isSafeInteger(index) && index >= this.baseIndex ? this.items[index - this.baseIndex] : undefined;
    if (!it) return undefined;
    return decodeEntry(this.readAt(it.pos, it.size));
  }

  /** Raw bytes (header + body) of entry `index`, as replicated on the wire. */
  getRaw(index: number): Buffer | undefined {
    const it = Number.isSafeInteger(index) && index >= this.baseIndex ? this.items[index - this.baseIndex] : undefined;
    return it ? this.readAt(it.pos, it.size) : undefined;
  }

  /** Reads the entry whose header starts exactly at `pos`, or undefined. */
  getByPos(pos: number): DLedgerEntry | undefined {
    let lo = 0;
    let hi = this.items.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const p = this.items[mid].pos;
      if (p === pos) return this.get(this.baseIndex + mid);
      if (p < pos) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
  }

  /**
   * Leader write: appends `body` at `endIndex + 1` with `term`. `beforeWrite(pos)` runs once the final position is
   * known (after a possible file roll) and may patch `body` in place (RocketMQ writes PHYSICALOFFSET = pos + 48).
   */
  append(term: number, body: Buffer, beforeWrite?: (pos: number) => void): AppendedEntry {
    const size = ENTRY_HEADER_SIZE + body.length;
    const pos = this.positionFor(size);
    beforeWrite?.(pos);
    const index = this.endIndex + 1;
    this.write(encodeEntry({ index, term, pos, body }), { index, term, pos });
    return { index, pos };
  }

  /**
   * Follower write of a replicated entry (raw bytes, header + body). It must be the next index and land at exactly
   * its `pos` after any roll the follower would do itself; otherwise nothing is written.
   * @throws ValidationError with `context.remark = 'INCONSISTENT_STATE'` when index or position disagree.
   */
  appendAt(raw: Buffer): AppendedEntry {
    const e = decodeEntry(raw);
    if (e.index !== this.endIndex + 1) {
      throw inconsistent(`entry index ${e.index} is not the next index ${this.endIndex + 1}`);
    }
    const pos = this.positionFor(e.size, true);
    if (pos !== e.pos) throw inconsistent(`entry ${e.index} has pos ${e.pos} but would land at ${pos}`);
    this.positionFor(e.size);
    this.write(raw.subarray(0, e.size), e);
    return { index: e.index, pos };
  }

  /**
   * Follower TRUNCATE: drops everything after `raw`'s index and (re)writes that entry at its position. When the
   * entry's position is not reachable in the current files (a wiped or differently-based replica), the log is
   * reset to start at that position, as DLedger's store does.
   */
  truncateAndWrite(raw: Buffer): AppendedEntry {
    const e = decodeEntry(raw);
    if (e.index >= this.baseIndex && e.index <= this.endIndex + 1) {
      this.truncateAfter(e.index - 1);
      if (this.positionFor(e.size, true) === e.pos) return this.appendAt(raw);
    }
    this.resetTo(e.pos, e.index);
    return this.appendAt(raw);
  }

  /** Removes every entry after `index` (all of them for `index < beginIndex`). Returns how many were removed. */
  truncateAfter(index: number): number {
    if (index >= this.endIndex) return 0;
    const keep = Math.max(0, index - this.baseIndex + 1);
    const removed = this.items.length - keep;
    this.items.length = keep;
    const end = this.endPos;
    const fi = keep === 0 ? 0 : this.fileIndexFor(this.items[keep - 1].pos);
    for (const f of this.files.splice(fi + 1)) {
      fs.closeSync(f.fd);
      fs.rmSync(path.join(this.dataDir, fileName(f.start)), { force: true });
    }
    const f = this.files[fi];
    f.wrote = end - f.start;
    f.full = false;
    fs.ftruncateSync(f.fd, f.wrote);
    fs.ftruncateSync(this.indexFd, (this.endIndex + 1) * INDEX_RECORD_SIZE);
    return removed;
  }

  /** Closes file handles. Data stays on disk. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const f of this.files) fs.closeSync(f.fd);
    fs.closeSync(this.indexFd);
    this.files = [];
  }

  /** Whether {@link close} ran. */
  get isClosed(): boolean {
    return this.closed;
  }

  /** Where an entry of `size` bytes goes next; rolls (pads) the current file unless `dryRun`. */
  private positionFor(size: number, dryRun = false): number {
    if (size + MIN_BLANK_LEN > this.mappedFileSize) {
      throw new ValidationError(`dledger entry of ${size} bytes does not fit a ${this.mappedFileSize}-byte file`);
    }
    const cur = this.files[this.files.length - 1];
    if (!cur.full && cur.wrote + size + MIN_BLANK_LEN <= this.mappedFileSize) return cur.start + cur.wrote;
    const next = cur.start + this.mappedFileSize;
    if (dryRun) return next;
    if (!cur.full) {
      const blank = Buffer.alloc(8);
      blank.writeInt32BE(BLANK_MAGIC, 0);
      blank.writeInt32BE(this.mappedFileSize - cur.wrote, 4);
      fs.writeSync(cur.fd, blank, 0, 8, cur.wrote);
      fs.ftruncateSync(cur.fd, this.mappedFileSize); // the pad covers the rest of the file (sparse)
      cur.full = true;
    }
    this.files.push(this.createFile(next));
    return next;
  }

  private write(raw: Buffer, e: { index: number; term: number; pos: number }): void {
    if (this.closed) throw new ValidationError('dledger log is closed');
    const f = this.files[this.files.length - 1];
    fs.writeSync(f.fd, raw, 0, raw.length, e.pos - f.start);
    f.wrote = e.pos - f.start + raw.length;
    this.items.push({ pos: e.pos, size: raw.length, term: e.term });
    fs.writeSync(this.indexFd, encodeIndexRecord({ ...e, size: raw.length }), 0, INDEX_RECORD_SIZE, e.index * INDEX_RECORD_SIZE);
  }

  private readAt(pos: number, size: number): Buffer {
    const f = this.files[this.fileIndexFor(pos)];
    const buf = Buffer.allocUnsafe(size);
    fs.readSync(f.fd, buf, 0, size, pos - f.start);
    return buf;
  }

  /** Index in `files` of the file holding `pos` (largest start <= pos). */
  private fileIndexFor(pos: number): number {
    let i = this.files.length - 1;
    while (i > 0 && this.files[i].start > pos) i--;
    return i;
  }

  private createFile(start: number): DataFile {
    const fd = fs.openSync(path.join(this.dataDir, fileName(start)), 'w+');
    return { start, fd, wrote: 0, full: false };
  }

  private resetTo(pos: number, index: number): void {
    for (const f of this.files) {
      fs.closeSync(f.fd);
      fs.rmSync(path.join(this.dataDir, fileName(f.start)), { force: true });
    }
    this.files = [this.createFile(pos)];
    this.items = [];
    this.baseIndex = index;
    fs.ftruncateSync(this.indexFd, 0);
  }

  /** Scans the data files, drops a torn tail and rewrites the index file from what survived. */
  private recover(startPos: number): void {
    const names = fs
      .readdirSync(this.dataDir)
      .filter((n) => /^\d{20}$/.test(n))
      .sort();
    if (names.length === 0) {
      this.files = [this.createFile(startPos)];
      fs.ftruncateSync(this.indexFd, 0);
      return;
    }
    const header = Buffer.allocUnsafe(ENTRY_HEADER_SIZE);
    let torn = false;
    for (let n = 0; n < names.length; n++) {
      const start = Number(names[n]);
      const full = path.join(this.dataDir, names[n]);
      if (torn || (n > 0 && start !== this.files[n - 1].start + this.mappedFileSize) || (n > 0 && !this.files[n - 1].full)) {
        torn = true;
        fs.rmSync(full, { force: true });
        continue;
      }
      const fd = fs.openSync(full, 'r+');
      const len = fs.fstatSync(fd).size;
      const file: DataFile = { start, fd, wrote: 0, full: false };
      this.files.push(file);
      let off = 0;
      while (off + 8 <= len) {
        fs.readSync(fd, header, 0, Math.min(ENTRY_HEADER_SIZE, len - off), off);
        const magic = header.readInt32BE(0);
        const size = header.readInt32BE(4);
        if (magic === BLANK_MAGIC && size === this.mappedFileSize - off) {
          file.full = true;
          break;
        }
        const expectIndex = this.items.length === 0 ? -1 : this.endIndex + 1;
        if (
          magic !== ENTRY_MAGIC ||
          off + ENTRY_HEADER_SIZE > len ||
          size < ENTRY_HEADER_SIZE ||
          off + size > len ||
          header.readInt32BE(44) !== size - ENTRY_HEADER_SIZE ||
          readInt64(header, 24) !== start + off ||
          (expectIndex >= 0 && readInt64(header, 8) !== expectIndex)
        ) {
          break; // torn or garbage tail
        }
        if (this.items.length === 0) this.baseIndex = readInt64(header, 8);
        this.items.push({ pos: start + off, size, term: readInt64(header, 16) });
        off += size;
      }
      file.wrote = off;
      if (!file.full) {
        fs.ftruncateSync(fd, off);
        torn = true; // anything after a non-full file is not reachable
      }
    }
    // Rewrite the index from the data so both agree.
    fs.ftruncateSync(this.indexFd, 0);
    if (this.items.length > 0) {
      const buf = Buffer.allocUnsafe(this.items.length * INDEX_RECORD_SIZE);
      this.items.forEach((it, i) => encodeIndexRecord({ ...it, index: this.baseIndex + i }).copy(buf, i * INDEX_RECORD_SIZE));
      fs.writeSync(this.indexFd, buf, 0, buf.length, this.baseIndex * INDEX_RECORD_SIZE);
    }
  }
}

function inconsistent(message: string): ValidationError {
  return new ValidationError(`INCONSISTENT_STATE: ${message}`, { context: { remark: 'INCONSISTENT_STATE' } });
}

/** True when `err` is the INCONSISTENT_STATE rejection thrown by {@link DLedgerLog.appendAt}. */
export function isInconsistentState(err: unknown): boolean {
  return err instanceof ValidationError && err.context.remark === 'INCONSISTENT_STATE';
}
