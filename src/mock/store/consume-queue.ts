/**
 * One consume queue (ConsumeQueue.java): the per topic/queueId index into the commitlog, one 20-byte unit per
 * queue offset — physical offset int64, size int32, tagsCode int64 — in files under
 * `<storePathRootDir>/consumequeue/<topic>/<queueId>/` named by their start byte offset. Recovery trims a torn unit;
 * the owning store truncates units that point past the commitlog.
 * @module
 */
import { ProtocolError, ValidationError } from '../../errors.js';
import { FileQueue } from './file-queue.js';
import { readLong, writeLong } from './record.js';

/** Size of one consume-queue unit. */
export const CQ_UNIT_SIZE = 20;
/** Default file size: 300 000 units, as `mappedFileSizeConsumeQueue`. */
export const DEFAULT_CQ_FILE_SIZE = 300_000 * CQ_UNIT_SIZE;
/** The unit being written by {@link ConsumeQueue.put} (no allocation per unit). */
const UNIT_SCRATCH = Buffer.alloc(CQ_UNIT_SIZE);
/** Size written into the units that fill a file before its first real unit (ConsumeQueue#fillPreBlank). */
const BLANK_UNIT_SIZE = 0x7fffffff;

/** One consume-queue unit. */
export interface CqUnit {
  /** Commitlog offset of the record. */
  physOffset: number;
  /** Record size in bytes. */
  size: number;
  /** Java hashCode of TAGS (0 without tags), or the delivery time for parked delayed messages. */
  tagsCode: number;
}

/**
 * Decodes unit `i` of a {@link ConsumeQueue.readUnits} buffer.
 * @param units - the buffer
 * @param i - unit index
 */
export function unitAt(units: Buffer, i: number): CqUnit {
  const p = i * CQ_UNIT_SIZE;
  return { physOffset: readLong(units, p), size: units.readInt32BE(p + 8), tagsCode: readLong(units, p + 12) };
}

/** Which offset {@link ConsumeQueue.searchOffsetByTimestamp} returns when no unit has exactly the time. */
export type BoundaryType = 'lower' | 'upper';

/** Options of {@link ConsumeQueue}. */
export interface ConsumeQueueOptions {
  /** Directory of this queue's files: `<root>/consumequeue/<topic>/<queueId>`. */
  dir: string;
  /** Topic name. */
  topic: string;
  /** Queue id. */
  queueId: number;
  /**
   * File size in bytes; must be a multiple of 20.
   * @default 6000000
   */
  mappedFileSize?: number;
}

/** File-backed consume queue. */
export class ConsumeQueue {
  /** Topic name. */
  readonly topic: string;
  /** Queue id. */
  readonly queueId: number;
  private readonly queue: FileQueue;
  private minLogic = 0;
  private maxPhys = 0;

  /** Opens and recovers the queue's files. */
  constructor(options: ConsumeQueueOptions) {
    const size = options.mappedFileSize ?? DEFAULT_CQ_FILE_SIZE;
    if (size % CQ_UNIT_SIZE !== 0) throw new ValidationError(`consume queue file size ${size} is not a multiple of 20`);
    this.topic = options.topic;
    this.queueId = options.queueId;
    this.queue = new FileQueue(options.dir, size);
    this.recover();
  }

  /** First queue offset held. */
  get minOffset(): number {
    return Math.min(this.minLogic, this.queue.maxOffset) / CQ_UNIT_SIZE;
  }

  /** Queue offset the next unit gets (one past the last). */
  get maxOffset(): number {
    return this.queue.maxOffset / CQ_UNIT_SIZE;
  }

  /** End (offset + size) of the last record referenced; 0 when empty. */
  get maxPhysicOffset(): number {
    return this.maxPhys;
  }

  /** The unit at `queueOffset`, if held. */
  get(queueOffset: number): CqUnit | undefined {
    if (!Number.isSafeInteger(queueOffset) || queueOffset < this.minOffset || queueOffset >= this.maxOffset) {
      return undefined;
    }
    const b = this.queue.read(queueOffset * CQ_UNIT_SIZE, CQ_UNIT_SIZE);
    if (b === undefined) return undefined;
    return { physOffset: readLong(b, 0), size: b.readInt32BE(8), tagsCode: readLong(b, 12) };
  }

  /**
   * Up to `count` units from `queueOffset` in one read (they stop at the end of the queue or of the file holding
   * `queueOffset`): the pull path's way to walk the queue without one syscall per unit. Decode unit `i` with
   * {@link unitAt}. Empty when `queueOffset` is out of range.
   */
  readUnits(queueOffset: number, count: number): Buffer {
    if (!Number.isSafeInteger(queueOffset) || queueOffset < this.minOffset || queueOffset >= this.maxOffset || count < 1) {
      return Buffer.alloc(0);
    }
    const pos = queueOffset * CQ_UNIT_SIZE;
    const fileEnd = (Math.floor(pos / this.queue.fileSize) + 1) * this.queue.fileSize;
    const n = Math.min(count, this.maxOffset - queueOffset, (fileEnd - pos) / CQ_UNIT_SIZE);
    return this.queue.read(pos, n * CQ_UNIT_SIZE) ?? Buffer.alloc(0);
  }

  /**
   * Writes the unit for `queueOffset`. A unit the queue already has (offset below {@link maxOffset}) is skipped, so
   * re-dispatching after a restart is harmless. Returns whether a unit was written.
   * @throws ProtocolError when `queueOffset` would leave a gap in a non-empty queue.
   */
  put(queueOffset: number, unit: CqUnit): boolean {
    if (queueOffset < this.maxOffset) return false;
    if (queueOffset > this.maxOffset) {
      if (this.queue.files.length > 0) {
        throw new ProtocolError(
          `consume queue ${this.topic}-${this.queueId}: offset ${queueOffset} leaves a gap after ${this.maxOffset}`,
        );
      }
      this.fillPreBlank(queueOffset);
    }
    // One scratch unit for every put: FileQueue.write copies it (or writes it through) before returning.
    const b = UNIT_SCRATCH;
    writeLong(b, 0, unit.physOffset);
    b.writeInt32BE(unit.size, 8);
    // tagsCode may be negative (a Java hashCode): int64 two's complement, which writeLong's word split gives for
    // any safe integer; anything else takes the BigInt conversion (and its error).
    if (Number.isSafeInteger(unit.tagsCode)) writeLong(b, 12, unit.tagsCode);
    else b.writeBigInt64BE(BigInt(unit.tagsCode), 12);
    let f = this.queue.last;
    if (f === undefined || f.length === this.queue.fileSize) {
      f = this.queue.createFile(f === undefined ? 0 : f.start + this.queue.fileSize);
    }
    this.queue.write(f, f.length, b);
    this.maxPhys = Math.max(this.maxPhys, unit.physOffset + unit.size);
    return true;
  }

  /** Drops every unit whose record starts at or after `physOffset` (the commitlog was truncated there). */
  truncateByPhysOffset(physOffset: number): void {
    let hi = this.maxOffset;
    while (hi > this.minOffset) {
      const u = this.get(hi - 1);
      if (u === undefined || u.physOffset < physOffset) break;
      hi--;
    }
    if (hi < this.maxOffset) {
      this.queue.truncateFrom(hi * CQ_UNIT_SIZE);
      this.refreshMaxPhys();
      if (this.queue.files.length === 0) this.minLogic = 0;
    }
  }

  /**
   * Binary search by store time (ConsumeQueue#getOffsetInQueueByTime). `timeOf` reads a record's STORETIMESTAMP.
   * 'lower' gives the first offset stored at or after `timestamp`, 'upper' the last stored at or before it; out of
   * range, the min or max offset.
   */
  searchOffsetByTimestamp(
    timestamp: number,
    timeOf: (physOffset: number) => number | undefined,
    boundary: BoundaryType = 'lower',
  ): number {
    let lo = this.minOffset;
    let hi = this.maxOffset - 1;
    if (hi < lo) return this.minOffset;
    const at = (q: number): number => {
      const u = this.get(q);
      return (u === undefined ? undefined : timeOf(u.physOffset)) ?? Number.NEGATIVE_INFINITY;
    };
    if (boundary === 'lower') {
      // Smallest q with time >= timestamp; maxOffset when none.
      let ans = this.maxOffset;
      while (lo <= hi) {
        const mid = Math.floor((lo + hi) / 2);
        if (at(mid) >= timestamp) {
          ans = mid;
          hi = mid - 1;
        } else lo = mid + 1;
      }
      return ans;
    }
    let ans = this.minOffset;
    while (lo <= hi) {
      const mid = Math.floor((lo + hi) / 2);
      if (at(mid) <= timestamp) {
        ans = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return ans;
  }

  /** Closes the files. */
  close(): void {
    this.queue.close();
  }

  /** Deletes the files (used when a topic is deleted). */
  destroy(): void {
    this.queue.destroy();
    this.minLogic = 0;
    this.maxPhys = 0;
  }

  private fillPreBlank(queueOffset: number): void {
    const logic = queueOffset * CQ_UNIT_SIZE;
    const start = Math.floor(logic / this.queue.fileSize) * this.queue.fileSize;
    const f = this.queue.createFile(start);
    const blanks = Buffer.alloc(logic - start);
    for (let p = 0; p < blanks.length; p += CQ_UNIT_SIZE) blanks.writeInt32BE(BLANK_UNIT_SIZE, p + 8);
    this.queue.write(f, 0, blanks);
    this.minLogic = logic;
  }

  private recover(): void {
    const files = this.queue.files;
    for (let i = 0; i < files.length; i++) {
      const f = files[i];
      const contiguous = i === 0 || f.start === files[i - 1].start + this.queue.fileSize;
      if (!contiguous) {
        this.queue.truncateFrom(f.start);
        break;
      }
      const whole = f.length - (f.length % CQ_UNIT_SIZE);
      if (whole < this.queue.fileSize) {
        // The queue ends in this file: trim a torn unit and forget anything after it.
        this.queue.truncateFrom(f.start + whole);
        break;
      }
    }
    const first = this.queue.files[0];
    this.minLogic = first?.start ?? 0;
    if (first !== undefined) {
      // Skip the pre-blank units of a queue that did not start at offset 0.
      while (this.minLogic < this.queue.maxOffset) {
        const b = this.queue.read(this.minLogic, CQ_UNIT_SIZE);
        if (b === undefined || b.readInt32BE(8) !== BLANK_UNIT_SIZE) break;
        this.minLogic += CQ_UNIT_SIZE;
      }
    }
    this.refreshMaxPhys();
  }

  private refreshMaxPhys(): void {
    const last = this.maxOffset - 1;
    const u = last >= this.minOffset ? this.get(last) : undefined;
    this.maxPhys = u === undefined ? 0 : u.physOffset + u.size;
  }
}
