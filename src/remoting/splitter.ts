/**
 * Streaming frame splitter: turns arbitrary TCP chunks into whole frames.
 *
 * Equivalent to Java's `LengthFieldBasedFrameDecoder(maxFrameLength, 0, 4, 0, 4)` plus an early sanity check of
 * the header-length word, so a garbage stream is rejected after 8 bytes instead of after 16 MiB.
 * @module
 */
import { ProtocolError } from '../errors.js';

/** Java's default `com.rocketmq.remoting.frameMaxLength`: 16 MiB. */
export const DEFAULT_MAX_FRAME_SIZE = 16 * 1024 * 1024;

/** Options for {@link FrameSplitter}. */
export interface FrameSplitterOptions {
  /** Largest accepted frame in bytes, counting the 4-byte length prefix (as Java does). @default 16777216 */
  maxFrameSize?: number;
}

/**
 * Pure state machine: `push(chunk)` returns the complete frames it can cut, each **without** the 4-byte length
 * prefix (ready for `decodeFrame`). Frames are views of the pushed chunks whenever a frame lies inside one chunk;
 * only frames spanning chunks are copied — once, when their last byte arrives, and only their own bytes (pieces are
 * kept as a list until then, so large frames cost O(n) and the frames after them stay views).
 *
 * After a {@link ProtocolError} the splitter is poisoned: the stream position is lost, so every later push throws.
 */
export class FrameSplitter {
  /** Largest accepted frame, length prefix included. */
  readonly maxFrameSize: number;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** Bytes (of the pending frame, length prefix included) needed before parsing can make progress again. */
  private needed = 4;
  /** The frame {@link finishPending} just completed. */
  private completed: Buffer | undefined;
  private failure: ProtocolError | undefined;

  constructor(options: FrameSplitterOptions = {}) {
    this.maxFrameSize = options.maxFrameSize ?? DEFAULT_MAX_FRAME_SIZE;
  }

  /** Bytes buffered that do not yet form a whole frame. */
  get buffered(): number {
    return this.pendingBytes;
  }

  /**
   * Feeds one chunk; returns the frames completed by it (possibly none, possibly many).
   * @throws ProtocolError on a length below 4, a frame over {@link maxFrameSize}, or a header length that does
   * not fit in the frame.
   */
  push(chunk: Uint8Array): Buffer[] {
    if (this.failure) throw this.failure;
    if (chunk.length === 0) return [];
    const buf: Buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
    const end = buf.length;
    const frames: Buffer[] = [];
    let off = 0;
    if (this.pendingBytes > 0) {
      if (this.pendingBytes + end < this.needed) {
        // Still short of the frame (the usual case for a large one): just remember the piece, copy nothing.
        this.pending.push(buf);
        this.pendingBytes += end;
        return frames;
      }
      off = this.finishPending(buf);
      if (this.pendingBytes > 0) return frames;
      frames.push(this.completed as Buffer);
      this.completed = undefined;
    }
    for (;;) {
      const rest = end - off;
      if (rest < 4) {
        this.needed = 4;
        break;
      }
      const total = buf.readInt32BE(off);
      this.checkTotal(total);
      if (rest < 8) {
        // Wait for the header-length word too, so it is checked before a large body is buffered.
        this.needed = 8;
        break;
      }
      this.checkHeader(total, buf.readUInt32BE(off + 4));
      if (rest < 4 + total) {
        this.needed = 4 + total;
        break;
      }
      frames.push(buf.subarray(off + 4, off + 4 + total));
      off += 4 + total;
    }
    if (off < end) {
      this.pending = [buf.subarray(off)];
      this.pendingBytes = end - off;
    }
    return frames;
  }

  /**
   * Completes the pending frame from the head of `buf`, taking only the bytes that frame still needs: the frames
   * after it in `buf` stay views (copying the whole chunk would copy every byte of a stream of large frames).
   * Leaves the finished frame in {@link completed}, or more pending bytes when `buf` ran out first.
   * @returns bytes of `buf` used
   */
  private finishPending(buf: Buffer): number {
    let off = 0;
    if (this.needed <= 8) {
      // Length words first: gather at most 8 bytes (tiny copy) so they can be read and checked.
      const take = Math.min(8 - this.pendingBytes, buf.length);
      this.pending.push(buf.subarray(0, take));
      this.pendingBytes += take;
      off = take;
      const head = Buffer.concat(this.pending, this.pendingBytes);
      this.pending = [head];
      if (this.pendingBytes < 4) return off;
      const total = head.readInt32BE(0);
      this.checkTotal(total);
      if (this.pendingBytes < 8) {
        this.needed = 8;
        return off;
      }
      this.checkHeader(total, head.readUInt32BE(4));
      this.needed = 4 + total;
    }
    const take = Math.min(this.needed - this.pendingBytes, buf.length - off);
    this.pending.push(buf.subarray(off, off + take));
    this.pendingBytes += take;
    off += take;
    if (this.pendingBytes < this.needed) return off;
    // The one copy of a frame that spanned chunks, exactly its own bytes.
    this.completed = Buffer.concat(this.pending, this.pendingBytes).subarray(4);
    this.pending = [];
    this.pendingBytes = 0;
    this.needed = 4;
    return off;
  }

  private checkTotal(total: number): void {
    if (total < 4) this.fail(`frame length ${total} is below the 4-byte minimum`);
    if (total > this.maxFrameSize - 4) this.fail(`frame of ${total + 4} bytes exceeds the ${this.maxFrameSize}-byte maximum`);
  }

  private checkHeader(total: number, word: number): void {
    const headerLen = word & 0xffffff;
    if (headerLen > total - 4) this.fail(`header length ${headerLen} does not fit in a frame of length ${total}`);
  }

  private fail(message: string): never {
    this.failure = new ProtocolError(message);
    this.pending = [];
    this.pendingBytes = 0;
    throw this.failure;
  }
}
