/**
 * DLedger's on-disk entry and index-record layouts (DLedgerEntryCoder / DLedgerIndexEntry in dledger 0.3.1.2).
 *
 * Entry: magic int32 | size int32 (= 48 + body) | index int64 | term int64 | pos int64 | channel int32 |
 * chainCrc int32 | bodyCrc int32 | bodyLen int32 | body. The two CRC fields exist in the layout but DLedger never
 * computes them, so we write 0 like it does.
 *
 * Index record (32 bytes at `index * 32`): magic int32 | pos int64 | size int32 | index int64 | term int64.
 * @module
 */

import { ProtocolError } from '../../errors.js';

/** Offset of the body inside an entry (DLedgerEntry.BODY_OFFSET); PHYSICALOFFSET of a wrapped message = pos + 48. */
export const ENTRY_HEADER_SIZE = 48;
/** Magic of a normal entry in 0.3.1.2. */
export const ENTRY_MAGIC = 1;
/** Magic of the blank record that pads the end of a data file when the next entry does not fit. */
export const BLANK_MAGIC = -1;
/** Smallest blank a data file must keep room for (magic + length). */
export const MIN_BLANK_LEN = 8;
/** Size of one index-file record. */
export const INDEX_RECORD_SIZE = 32;

/** One decoded DLedger entry. */
export interface DLedgerEntry {
  /** Entry magic (1). */
  magic: number;
  /** Whole entry size: 48 + body length. */
  size: number;
  /** Log index, from 0. */
  index: number;
  /** Term the entry was written in. */
  term: number;
  /** Byte position of the entry's first header byte in the log (same on every replica). */
  pos: number;
  /** Channel field (0 for RocketMQ). */
  channel: number;
  /** Never computed by DLedger; kept for byte fidelity. */
  chainCrc: number;
  /** Never computed by DLedger; kept for byte fidelity. */
  bodyCrc: number;
  /** Entry body (for RocketMQ: one whole commitlog record). A view into the decoded buffer. */
  body: Buffer;
}

/** Fields needed to encode an entry. */
export interface EntryFields {
  /** Log index. */
  index: number;
  /** Term. */
  term: number;
  /** Byte position. */
  pos: number;
  /** Body bytes. */
  body: Buffer;
  /** Channel. @default 0 */
  channel?: number;
  /** Magic. @default 1 */
  magic?: number;
}

/** Writes an int64 as two big-endian words (no BigInt on the hot path). */
export function writeInt64(buf: Buffer, value: number, offset: number): void {
  buf.writeInt32BE(Math.floor(value / 2 ** 32), offset);
  buf.writeUInt32BE(value >>> 0, offset + 4);
}

/** Reads a big-endian int64 as a JS number (safe up to 2^53). */
export function readInt64(buf: Buffer, offset: number): number {
  return buf.readInt32BE(offset) * 2 ** 32 + buf.readUInt32BE(offset + 4);
}

/** Encodes an entry into a fresh buffer (header + body). */
export function encodeEntry(e: EntryFields): Buffer {
  const size = ENTRY_HEADER_SIZE + e.body.length;
  const buf = Buffer.allocUnsafe(size);
  buf.writeInt32BE(e.magic ?? ENTRY_MAGIC, 0);
  buf.writeInt32BE(size, 4);
  writeInt64(buf, e.index, 8);
  writeInt64(buf, e.term, 16);
  writeInt64(buf, e.pos, 24);
  buf.writeInt32BE(e.channel ?? 0, 32);
  buf.writeInt32BE(0, 36); // chainCrc: never computed by DLedger
  buf.writeInt32BE(0, 40); // bodyCrc: never computed by DLedger
  buf.writeInt32BE(e.body.length, 44);
  e.body.copy(buf, ENTRY_HEADER_SIZE);
  return buf;
}

/**
 * Decodes one entry starting at `offset`. The body is a view into `buf`.
 * @throws ProtocolError when the bytes are truncated or inconsistent (bad magic, size/bodyLen mismatch).
 */
export function decodeEntry(buf: Buffer, offset = 0): DLedgerEntry {
  if (offset < 0 || buf.length - offset < ENTRY_HEADER_SIZE) {
    throw new ProtocolError(`dledger entry truncated: ${buf.length - offset} bytes < ${ENTRY_HEADER_SIZE}`);
  }
  const magic = buf.readInt32BE(offset);
  const size = buf.readInt32BE(offset + 4);
  const bodyLen = buf.readInt32BE(offset + 44);
  if (magic !== ENTRY_MAGIC) throw new ProtocolError(`dledger entry has magic ${magic}, expected ${ENTRY_MAGIC}`);
  if (bodyLen < 0 || size !== ENTRY_HEADER_SIZE + bodyLen) {
    throw new ProtocolError(`dledger entry size ${size} does not match body length ${bodyLen}`);
  }
  if (buf.length - offset < size) throw new ProtocolError(`dledger entry truncated: need ${size} bytes`);
  return {
    magic,
    size,
    index: readInt64(buf, offset + 8),
    term: readInt64(buf, offset + 16),
    pos: readInt64(buf, offset + 24),
    channel: buf.readInt32BE(offset + 32),
    chainCrc: buf.readInt32BE(offset + 36),
    bodyCrc: buf.readInt32BE(offset + 40),
    body: buf.subarray(offset + ENTRY_HEADER_SIZE, offset + size),
  };
}

/** Encodes one 32-byte index record. */
export function encodeIndexRecord(r: { pos: number; size: number; index: number; term: number }): Buffer {
  const buf = Buffer.allocUnsafe(INDEX_RECORD_SIZE);
  buf.writeInt32BE(ENTRY_MAGIC, 0);
  writeInt64(buf, r.pos, 4);
  buf.writeInt32BE(r.size, 12);
  writeInt64(buf, r.index, 16);
  writeInt64(buf, r.term, 24);
  return buf;
}

/** Decodes one 32-byte index record at `offset`. */
export function decodeIndexRecord(
  buf: Buffer,
  offset = 0,
): {
  /** Magic of the entry it points at ({@link ENTRY_MAGIC} for a normal entry). */
  magic: number;
  /** Position of the entry in the data file. */
  pos: number;
  /** Entry size in bytes. */
  size: number;
  /** Entry index. */
  index: number;
  /** Term the entry was written in. */
  term: number;
} {
  if (offset < 0 || buf.length - offset < INDEX_RECORD_SIZE) throw new ProtocolError('dledger index record truncated');
  return {
    magic: buf.readInt32BE(offset),
    pos: readInt64(buf, offset + 4),
    size: buf.readInt32BE(offset + 12),
    index: readInt64(buf, offset + 16),
    term: readInt64(buf, offset + 24),
  };
}

/** Two entries "match" the way the leader's COMPARE checks them: index, term, pos, size, magic and channel. */
export function sameEntryHeader(a: DLedgerEntry, b: DLedgerEntry): boolean {
  return (
    a.index === b.index &&
    a.term === b.term &&
    a.pos === b.pos &&
    a.size === b.size &&
    a.magic === b.magic &&
    a.channel === b.channel
  );
}
