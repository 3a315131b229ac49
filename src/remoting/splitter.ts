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
 * only frames spanning chunks are copied (once, when the last byte arrives, so large frames cost O(n)).
 *
 * After a {@link ProtocolError} the splitter is poisoned: the stream position is lost, so every later push throws.
 */
export class FrameSplitter {
  /** Largest accepted frame, length prefix included. */
  readonly maxFrameSize: number;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** Bytes needed before parsing can make progress again. */
  private needed = 4;
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
    let buf: Buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
    if (this.pendingBytes > 0) {
      this.pending.push(buf);
      this.pendingBytes += buf.length;
      if (this.pendingBytes < this.needed) return [];
      buf = Buffer.concat(this.pending, this.pendingBytes);
      this.pending = [];
      this.pendingBytes = 0;
    }
    const frames: Buffer[] = [];
    let off = 0;
    const end = buf.length;
    for (;;) {
      const rest = end - off;
      if (rest < 4) {
        this.needed = 4;
        break;
      }
      const total = buf.readInt32BE(off);
      if (total < 4) this.fail(`frame length ${total} is below the 4-byte minimum`);
      if (total > this.maxFrameSize - 4) this.fail(`frame of ${total + 4} bytes exceeds the ${this.maxFrameSize}-byte maximum`);
      if (rest < 8) {
        // Wait for the header-length word too, so it is checked before a large body is buffered.
        this.needed = 8;
        break;
      }
      const headerLen = buf.readUInt32BE(off + 4) & 0xffffff;
      if (headerLen > total - 4) this.fail(`header length ${headerLen} does not fit in a frame of length ${total}`);
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

  private fail(message: string): never {
    this.failure = new ProtocolError(message);
    this.pending = [];
    this.pendingBytes = 0;
    throw this.failure;
  }
}
