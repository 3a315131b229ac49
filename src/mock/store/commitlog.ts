/**
 * The plain (non-DLedger) commitlog: records back to back in fixed-size files named by their start offset
 * (CommitLog.java / MappedFileQueue). A record that does not fit, leaving room for an 8-byte blank header, pads the
 * rest of its file with a blank record (TOTALSIZE = remaining, MAGIC = BLANK_MAGIC_CODE) and goes to the next file.
 * PHYSICALOFFSET of each record is its global start offset. Opening recovers: every record is validated (magic,
 * size, PHYSICALOFFSET, body CRC) and the first invalid byte ends the log — a torn tail is truncated.
 * @module
 */
import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { ValidationError } from '../../errors.js';
import { encodeStoredMessage, type StoredMessageRecord } from '../../message/stored.js';
import { FileQueue, type QueueFile } from './file-queue.js';
import type { PlannedRecord } from './record-encoder.js';
import {
  BLANK_MAGIC_CODE,
  END_FILE_MIN_BLANK_LENGTH,
  MESSAGE_MAGIC_CODE_V1,
  MESSAGE_MAGIC_CODE_V2,
  MIN_RECORD_SIZE,
  parseRecord,
  patchPhysicalOffset,
} from './record.js';

/** Default commitlog file size: 1 GiB, as `mappedFileSizeCommitLog`. Files are not preallocated. */
export const DEFAULT_COMMITLOG_FILE_SIZE = 1024 * 1024 * 1024;

/** Options of {@link CommitLog}. */
export interface CommitLogOptions {
  /** Directory of the commitlog files (`storePathCommitLog`). */
  dir: string;
  /**
   * Size of each file in bytes.
   * @default 1073741824
   */
  mappedFileSize?: number;
  /**
   * Check each record's body CRC while recovering.
   * @default true
   */
  checkCrcOnRecover?: boolean;
}

/** Where an appended record landed. */
export interface AppendResult {
  /** Global offset of the record's first byte (= its PHYSICALOFFSET). */
  physOffset: number;
  /** TOTALSIZE of the record. */
  size: number;
}

/** One record found by {@link CommitLog.scan}. */
export interface ScannedRecord {
  /** Global offset of the record. */
  physOffset: number;
  /** The record's bytes. */
  bytes: Buffer;
}

/** File-backed plain commitlog. */
export class CommitLog {
  private readonly queue: FileQueue;
  /** Bytes dropped by recovery when the log was opened (0 after a clean shutdown). */
  readonly truncatedBytes: number;

  /** Opens `dir` and recovers it. */
  constructor(options: CommitLogOptions) {
    this.queue = new FileQueue(options.dir, options.mappedFileSize ?? DEFAULT_COMMITLOG_FILE_SIZE);
    const before = this.queue.maxOffset;
    this.recover(options.checkCrcOnRecover ?? true);
    this.truncatedBytes = before - this.queue.maxOffset;
  }

  /** Directory of the files. */
  get dir(): string {
    return this.queue.dir;
  }

  /** Size of each file. */
  get mappedFileSize(): number {
    return this.queue.fileSize;
  }

  /** Offset of the first byte still stored. */
  get minOffset(): number {
    return this.queue.minOffset;
  }

  /** Offset just past the last byte written (a padded file counts in full). */
  get maxOffset(): number {
    return this.queue.maxOffset;
  }

  /** Start offsets of the files, ascending. */
  get fileStarts(): number[] {
    return this.queue.files.map((f) => f.start);
  }

  /**
   * Appends one encoded record. Its PHYSICALOFFSET is patched (in place) to where it lands; rolls to a new file
   * with a blank pad when it does not fit.
   * @throws ValidationError when the record is malformed or can never fit in one file.
   */
  appendRecord(bytes: Buffer): AppendResult {
    const size = bytes.length;
    if (size < MIN_RECORD_SIZE || bytes.readInt32BE(0) !== size) {
      throw new ValidationError(`record TOTALSIZE does not match its ${size} bytes`);
    }
    const f = this.fileFor(size);
    const physOffset = f.start + f.length;
    patchPhysicalOffset(bytes, physOffset);
    this.queue.write(f, f.length, bytes);
    return { physOffset, size };
  }

  /** The file a record of `size` bytes goes into: the last one, or a new one after padding it when it does not fit. */
  private fileFor(size: number): QueueFile {
    const fileSize = this.queue.fileSize;
    if (size + END_FILE_MIN_BLANK_LENGTH > fileSize) {
      throw new ValidationError(`record of ${size} bytes exceeds the ${fileSize}-byte commitlog file`);
    }
    const last = this.queue.last ?? this.queue.createFile(0);
    if (last.length + size + END_FILE_MIN_BLANK_LENGTH <= fileSize) return last;
    this.padFile(last);
    return this.queue.createFile(last.start + fileSize);
  }

  /**
   * Appends a planned record, written straight into the log's write-behind buffer with its PHYSICALOFFSET (no
   * record buffer, no copy); rolls to a new file with a blank pad when it does not fit. (The store's send path.)
   * @throws ValidationError when the record can never fit in one file.
   * @internal
   */
  appendPlanned(rec: PlannedRecord): AppendResult {
    const size = rec.size;
    const f = this.fileFor(size);
    const physOffset = f.start + f.length;
    const room = this.queue.reserve(f, size);
    if (room !== undefined) rec.writeAt(room, 0, physOffset);
    else {
      const bytes = Buffer.allocUnsafe(size);
      rec.writeAt(bytes, 0, physOffset);
      this.queue.write(f, f.length, bytes);
    }
    return { physOffset, size };
  }

  /**
   * Encodes `input` in the stored layout (STORETIMESTAMP defaults to now) and appends it; PHYSICALOFFSET is where
   * it lands.
   * @throws ValidationError for values the layout cannot hold, or a record larger than a file.
   */
  append(input: Omit<StoredMessageRecord, 'commitLogOffset' | 'storeTimestamp'> & { storeTimestamp?: number }): AppendResult & {
    /** STORETIMESTAMP written into the record. */
    storeTimestamp: number;
  } {
    const storeTimestamp = input.storeTimestamp ?? Date.now();
    const bytes = encodeStoredMessage({ ...input, commitLogOffset: 0, storeTimestamp });
    return { ...this.appendRecord(bytes), storeTimestamp };
  }

  /** Reads the record at `physOffset`; undefined when there is none (blank, unwritten, out of range). */
  read(physOffset: number): Buffer | undefined {
    if (!Number.isSafeInteger(physOffset) || physOffset < this.minOffset || physOffset >= this.maxOffset) {
      return undefined;
    }
    const head = this.queue.read(physOffset, 8);
    if (head === undefined) return undefined;
    const magic = head.readInt32BE(4);
    if (magic !== MESSAGE_MAGIC_CODE_V1 && magic !== MESSAGE_MAGIC_CODE_V2) return undefined;
    const size = head.readInt32BE(0);
    if (size < MIN_RECORD_SIZE) return undefined;
    return this.queue.read(physOffset, size);
  }

  /**
   * Raw bytes from `offset` to the end of its file, at most `maxBytes` (what an HA master ships to a slave).
   * Empty at the end of the log.
   */
  readRaw(offset: number, maxBytes = 1024 * 1024): Buffer {
    const f = this.queue.fileFor(offset);
    if (f === undefined || offset >= f.start + f.length) return Buffer.alloc(0);
    return this.queue.read(offset, Math.min(maxBytes, f.start + f.length - offset)) ?? Buffer.alloc(0);
  }

  /**
   * Writes bytes copied from a master at exactly the same offsets (HA replication), creating files on the grid.
   * @throws ValidationError unless `offset` equals {@link maxOffset}.
   */
  appendRaw(offset: number, bytes: Buffer): void {
    if (offset !== this.maxOffset) {
      throw new ValidationError(`raw append at ${offset} but the commitlog ends at ${this.maxOffset}`);
    }
    const fileSize = this.queue.fileSize;
    let done = 0;
    while (done < bytes.length) {
      let f = this.queue.last;
      if (f === undefined || f.length === fileSize) f = this.queue.createFile(f === undefined ? 0 : f.start + fileSize);
      const n = Math.min(bytes.length - done, fileSize - f.length);
      this.queue.write(f, f.length, bytes.subarray(done, done + n));
      done += n;
    }
  }

  /**
   * Seals the last file with a blank record so the next write starts on a file boundary (what DLedgerCommitLog does
   * to the legacy log on the first DLedger start). Returns that boundary, or 0 when there are no files.
   */
  padLastFile(): number {
    const f = this.queue.last;
    if (f === undefined) return 0;
    this.padFile(f);
    return f.start + this.queue.fileSize;
  }

  /** Records from `fromOffset` (a record start or file start) to the end, skipping blank pads. */
  *scan(fromOffset = this.minOffset): Generator<ScannedRecord> {
    let off = Math.max(fromOffset, this.minOffset);
    const fileSize = this.queue.fileSize;
    while (off < this.maxOffset) {
      const head = this.queue.read(off, 8);
      if (head === undefined) return;
      if (head.readInt32BE(4) === BLANK_MAGIC_CODE) {
        off = (Math.floor(off / fileSize) + 1) * fileSize;
        continue;
      }
      const bytes = this.read(off);
      if (bytes === undefined) return;
      yield { physOffset: off, bytes };
      off += bytes.length;
    }
  }

  /**
   * Fingerprint of the stored bytes: `min-max-sha1`. Replicas whose legacy logs match report the same digest
   * (the official upgrade guide compares md5sums of the files).
   */
  digest(): string {
    const h = createHash('sha1');
    const chunk = 1024 * 1024;
    for (const f of this.queue.files) {
      for (let pos = 0; pos < f.length; pos += chunk) {
        const b = this.queue.read(f.start + pos, Math.min(chunk, f.length - pos));
        if (b !== undefined) h.update(b);
      }
    }
    return `${this.minOffset}-${this.maxOffset}-${h.digest('hex')}`;
  }

  /** Closes every file. */
  close(): void {
    this.queue.close();
  }

  /** Path of the file holding `offset` (for tests and tools). */
  pathOf(offset: number): string | undefined {
    const f = this.queue.fileFor(offset);
    return f?.path;
  }

  /** Writes the blank header at the end of `f`'s data and zero-extends it to the full file size. */
  private padFile(f: QueueFile): void {
    const fileSize = this.queue.fileSize;
    const remaining = fileSize - f.length;
    if (remaining <= 0) return;
    if (remaining >= END_FILE_MIN_BLANK_LENGTH) {
      const blank = Buffer.alloc(8);
      blank.writeInt32BE(remaining, 0);
      blank.writeInt32BE(BLANK_MAGIC_CODE, 4);
      this.queue.write(f, f.length, blank);
    }
    this.queue.setLength(f, fileSize);
  }

  /** Walks every file and truncates at the first byte that is not a valid record or a blank pad. */
  private recover(checkCrc: boolean): void {
    const fileSize = this.queue.fileSize;
    const files = this.queue.files;
    for (let i = 0; i < files.length; i++) {
      const f = files[i];
      // Files must be contiguous: a gap means the later files cannot be trusted.
      if (i > 0 && f.start !== files[i - 1].start + fileSize) {
        this.queue.truncateFrom(f.start);
        return;
      }
      let pos = 0;
      let sealed = false;
      while (pos < f.length) {
        const off = f.start + pos;
        const head = this.queue.read(off, 8);
        if (head === undefined) break;
        const size = head.readInt32BE(0);
        const magic = head.readInt32BE(4);
        if (magic === BLANK_MAGIC_CODE && size === fileSize - pos) {
          sealed = true;
          break;
        }
        if (size < MIN_RECORD_SIZE || pos + size + END_FILE_MIN_BLANK_LENGTH > fileSize || pos + size > f.length) break;
        const bytes = this.queue.read(off, size);
        if (bytes === undefined || !validRecord(bytes, off, checkCrc)) break;
        pos += size;
      }
      if (sealed) {
        if (f.length !== fileSize) this.queue.setLength(f, fileSize);
        continue;
      }
      // The log ends inside this file: drop whatever follows the last good record, and every later file.
      this.queue.truncateFrom(f.start + pos);
      return;
    }
  }
}

function validRecord(bytes: Buffer, off: number, checkCrc: boolean): boolean {
  try {
    const v = parseRecord(bytes, 0);
    if (v.physOffset !== off) return false;
    return !checkCrc || ((crc32(v.body) & 0x7fffffff) | 0) === v.bodyCrc;
  } catch {
    return false;
  }
}
