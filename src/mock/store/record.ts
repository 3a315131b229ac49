/**
 * What the store needs to know about one stored record (protocol.md §6, MessageDecoder#decode): a zero-copy view
 * of the fixed fields plus topic and raw properties, the PHYSICALOFFSET patch used by the DLedger seam, and the
 * consume-queue `tagsCode`. Full decoding into `MessageExt` is `src/message`'s job; the store only dispatches.
 * @module
 */
import { ProtocolError } from '../../errors.js';
import { BLANK_MAGIC_CODE, MESSAGE_MAGIC_CODE_V1, MESSAGE_MAGIC_CODE_V2 } from '../../message/constants.js';

export { BLANK_MAGIC_CODE, MESSAGE_MAGIC_CODE_V1, MESSAGE_MAGIC_CODE_V2 };
/** A record must leave room for a blank header (TOTALSIZE + MAGIC) behind it in its file (CommitLog). */
export const END_FILE_MIN_BLANK_LENGTH = 8;
/** Byte offset of QUEUEOFFSET inside a record. */
export const QUEUE_OFFSET_POSITION = 20;
/** Byte offset of PHYSICALOFFSET inside a record. */
export const PHYSICAL_OFFSET_POSITION = 28;
/** Byte offset of STORETIMESTAMP inside a record with an IPv4 born host. */
const SYSFLAG_POSITION = 36;
const BORNHOST_V6 = 0x10;
const STOREHOST_V6 = 0x20;
/** Smallest possible record: IPv4 hosts, empty body, one-byte topic length, empty topic and properties. */
export const MIN_RECORD_SIZE = 4 + 4 + 4 + 4 + 4 + 8 + 8 + 4 + 8 + 8 + 8 + 8 + 4 + 8 + 4 + 1 + 2;

/** Transaction type bits of SYSFLAG (MessageSysFlag). */
export const TransactionType = {
  /** Not transactional. */
  NOT_TYPE: 0,
  /** Half message, not yet visible to consumers. */
  PREPARED: 0x4,
  /** Commit of a half message. */
  COMMIT: 0x8,
  /** Rollback of a half message. */
  ROLLBACK: 0xc,
} as const;

/** Fields of one record the store dispatches on. `body` and `properties` bytes are views into the input. */
export interface RecordView {
  /** TOTALSIZE. */
  totalSize: number;
  /** MAGICCODE (V1 or V2). */
  magic: number;
  /** BODYCRC as stored. */
  bodyCrc: number;
  /** QUEUEID. */
  queueId: number;
  /** QUEUEOFFSET. */
  queueOffset: number;
  /** PHYSICALOFFSET. */
  physOffset: number;
  /** SYSFLAG. */
  sysFlag: number;
  /** BORNTIMESTAMP (ms). */
  bornTimestamp: number;
  /** STORETIMESTAMP (ms). */
  storeTimestamp: number;
  /** Raw STOREHOST bytes (ip + port), as used in the offset message id. */
  storeHost: Buffer;
  /** BODY (view). */
  body: Buffer;
  /** TOPIC. */
  topic: string;
  /** PROPERTIES as the raw `name\x01value\x02` string. */
  properties: string;
}

/** Reads an int64 as a JS number (safe to 2^53), without BigInt. */
export function readLong(buf: Buffer, off: number): number {
  return buf.readInt32BE(off) * 2 ** 32 + buf.readUInt32BE(off + 4);
}

/** Writes a safe integer as an int64 (a negative one in two's complement: the word split is exact for any safe integer). */
export function writeLong(buf: Buffer, off: number, value: number): void {
  buf.writeUInt32BE(Math.floor(value / 2 ** 32) >>> 0, off);
  buf.writeUInt32BE(value >>> 0, off + 4);
}

/**
 * Parses the record starting at `off`. Throws {@link ProtocolError} when the bytes are truncated or inconsistent
 * (bad magic, lengths running past TOTALSIZE), so recovery can tell a torn tail from a record.
 */
export function parseRecord(buf: Buffer, off = 0): RecordView {
  if (off < 0 || off + MIN_RECORD_SIZE > buf.length) throw new ProtocolError(`record at ${off} is truncated`);
  const totalSize = buf.readInt32BE(off);
  const magic = buf.readInt32BE(off + 4);
  if (magic !== MESSAGE_MAGIC_CODE_V1 && magic !== MESSAGE_MAGIC_CODE_V2) {
    throw new ProtocolError(`record at ${off} has magic ${magic}`);
  }
  if (totalSize < MIN_RECORD_SIZE || off + totalSize > buf.length) {
    throw new ProtocolError(`record at ${off} has bad TOTALSIZE ${totalSize}`);
  }
  const end = off + totalSize;
  const sysFlag = buf.readInt32BE(off + SYSFLAG_POSITION);
  let p = off + 48 + ((sysFlag & BORNHOST_V6) !== 0 ? 20 : 8);
  const storeTimestamp = readLong(buf, p);
  p += 8;
  const storeHostLen = (sysFlag & STOREHOST_V6) !== 0 ? 20 : 8;
  const storeHost = buf.subarray(p, p + storeHostLen);
  p += storeHostLen + 4 + 8;
  const need = (n: number): void => {
    if (n < 0 || p + n > end) throw new ProtocolError(`record at ${off} overruns its TOTALSIZE`);
  };
  need(4);
  const bodyLen = buf.readInt32BE(p);
  p += 4;
  need(bodyLen);
  const body = buf.subarray(p, p + bodyLen);
  p += bodyLen;
  const v2 = magic === MESSAGE_MAGIC_CODE_V2;
  need(v2 ? 2 : 1);
  const topicLen = v2 ? buf.readInt16BE(p) : buf.readInt8(p);
  p += v2 ? 2 : 1;
  need(topicLen);
  const topic = buf.toString('utf8', p, p + topicLen);
  p += topicLen;
  need(2);
  const propsLen = buf.readInt16BE(p);
  p += 2;
  need(propsLen);
  const properties = buf.toString('utf8', p, p + propsLen);
  return {
    totalSize,
    magic,
    bodyCrc: buf.readInt32BE(off + 8),
    queueId: buf.readInt32BE(off + 12),
    queueOffset: readLong(buf, off + QUEUE_OFFSET_POSITION),
    physOffset: readLong(buf, off + PHYSICAL_OFFSET_POSITION),
    sysFlag,
    bornTimestamp: readLong(buf, off + 40),
    storeTimestamp,
    storeHost,
    body,
    topic,
    properties,
  };
}

/**
 * Writes `physOffset` into PHYSICALOFFSET (byte 28) of the record at the start of `bytes`, in place. The DLedger
 * layer calls this with `entryPos + 48` before it writes the entry (DLedgerCommitLog's append hook).
 */
export function patchPhysicalOffset(bytes: Buffer, physOffset: number): Buffer {
  if (bytes.length < PHYSICAL_OFFSET_POSITION + 8) throw new ProtocolError('record too short to patch');
  if (!Number.isSafeInteger(physOffset) || physOffset < 0) throw new ProtocolError(`bad physical offset ${physOffset}`);
  writeLong(bytes, PHYSICAL_OFFSET_POSITION, physOffset);
  return bytes;
}

/** Offset message id of a record: STOREHOST bytes + PHYSICALOFFSET, uppercase hex (MessageDecoder.createMessageId). */
export function offsetMsgIdOf(view: Pick<RecordView, 'storeHost' | 'physOffset'>): string {
  const b = Buffer.alloc(view.storeHost.length + 8);
  view.storeHost.copy(b, 0);
  writeLong(b, view.storeHost.length, view.physOffset);
  return b.toString('hex').toUpperCase();
}

/** Splits a raw properties string into a map (pairs `name\x01value\x02`; malformed pairs are skipped). */
export function parsePropertiesString(s: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const pair of s.split('\u0002')) {
    const i = pair.indexOf('\u0001');
    if (i > 0 && i < pair.length - 1) out.set(pair.slice(0, i), pair.slice(i + 1));
  }
  return out;
}

/** Read access to a record's properties: a `Map` from {@link parsePropertiesString}, or a {@link PropsView}. */
export interface PropertyLookup {
  /** The value of `name`, undefined when absent or empty. */
  get(name: string): string | undefined;
}

/**
 * A properties object seen as a {@link PropertyLookup} with the stored string's rules (an empty value reads as
 * absent), so the send path can dispatch a record it just wrote without splitting its properties string again.
 */
export class PropsView implements PropertyLookup {
  /** @param props - the properties the record was encoded from */
  constructor(private readonly props: Readonly<Record<string, string>> | undefined) {}

  /** The value of `name`, undefined when absent or empty. */
  get(name: string): string | undefined {
    const p = this.props;
    const v = p !== undefined && Object.prototype.hasOwnProperty.call(p, name) ? p[name] : undefined;
    return v === '' ? undefined : v;
  }
}

/**
 * A raw properties string seen as a {@link PropertyLookup} with exactly {@link parsePropertiesString}'s answers (the
 * last pair of a name with a non-empty value wins, malformed pairs are skipped), found by searching the string: the
 * store asks for three or four names per record, so splitting every pair into a map is wasted work.
 */
export class PropsText implements PropertyLookup {
  /** @param text - `name\u0001value\u0002` pairs as stored */
  constructor(private readonly text: string) {}

  /** The value of `name`, undefined when absent or empty. */
  get(name: string): string | undefined {
    const s = this.text;
    const key = name + '\u0001';
    let found: string | undefined;
    // Forward searches (a backward one is much slower in V8); each match's pair ends at the next separator, and the
    // next match that starts a pair can only come after it. A match counts only at the start of a pair.
    for (let i = s.indexOf(key); i >= 0; ) {
      const start = i + key.length;
      let end = s.indexOf('\u0002', start);
      if (end < 0) end = s.length;
      if ((i === 0 || s.charCodeAt(i - 1) === 2) && end > start) found = s.slice(start, end);
      i = end + 1 < s.length ? s.indexOf(key, end + 1) : -1;
    }
    return found;
  }
}

/** Java `String.hashCode()` (UTF-16 code units, int32 overflow). */
export function javaStringHashCode(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
}

/** The 18 default delay levels in ms ("1s 5s 10s 30s 1m 2m 3m 4m 5m 6m 7m 8m 9m 10m 20m 30m 1h 2h"). */
export const DELAY_LEVEL_MS: readonly number[] = [
  1, 5, 10, 30, 60, 120, 180, 240, 300, 360, 420, 480, 540, 600, 1200, 1800, 3600, 7200,
].map((s) => s * 1000);

/** Topic that parks delayed messages (TopicValidator.RMQ_SYS_SCHEDULE_TOPIC). */
export const SCHEDULE_TOPIC = 'SCHEDULE_TOPIC_XXXX';

/**
 * The consume-queue `tagsCode` of a record (CommitLog#checkMessageAndReturnSize): for parked delayed messages the
 * delivery time (store time + level delay), otherwise Java `hashCode()` of TAGS, or 0 without tags.
 */
export function tagsCodeOf(topic: string, props: PropertyLookup, storeTimestamp: number): number {
  if (topic === SCHEDULE_TOPIC) {
    const level = Number(props.get('DELAY'));
    if (Number.isInteger(level) && level > 0) {
      return storeTimestamp + DELAY_LEVEL_MS[Math.min(level, DELAY_LEVEL_MS.length) - 1];
    }
  }
  const tags = props.get('TAGS');
  return tags === undefined || tags === '' ? 0 : javaStringHashCode(tags);
}
