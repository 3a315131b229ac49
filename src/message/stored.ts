/**
 * The stored message layout: what PULL, QUERY, VIEW and CHECK_TRANSACTION_STATE bodies hold, one record after
 * another (reader: common/.../MessageDecoder.java#decode; writer: store/.../MessageExtEncoder.java).
 *
 * ```
 *  0 TOTALSIZE int32        4 MAGICCODE int32        8 BODYCRC int32        12 QUEUEID int32
 * 16 FLAG int32            20 QUEUEOFFSET int64     28 PHYSICALOFFSET int64 36 SYSFLAG int32
 * 40 BORNTIMESTAMP int64   48 BORNHOST ip(4|16) + port int32
 *    STORETIMESTAMP int64     STOREHOST ip(4|16) + port int32
 *    RECONSUMETIMES int32     PREPARED TRANSACTION OFFSET int64
 *    BODYLEN int32 + BODY     TOPICLEN (V1 int8 | V2 int16) + TOPIC     PROPSLEN int16 + PROPERTIES
 * ```
 * All big-endian. IPv6 hosts are flagged by sysFlag BORNHOST_V6 / STOREHOSTADDRESS_V6.
 * @module
 */
import { ProtocolError, ValidationError } from '../errors.js';
import { bodyCrc } from './crc32.js';
import { decompressBody } from './compression.js';
import {
  BLANK_MAGIC_CODE,
  MESSAGE_MAGIC_CODE_V1,
  MESSAGE_MAGIC_CODE_V2,
  MessageSysFlag,
} from './constants.js';
import { hostFieldBytes, int32Field, requireSafeInteger } from './record-fields.js';
import { encodeProperties } from './properties.js';
import { StoredMessageExt } from './stored-ext.js';
import type { MessageExt } from './types.js';

/** Everything a stored record holds, as input to {@link encodeStoredMessage}. */
export interface StoredMessageRecord {
  /** Topic; longer than 127 UTF-8 bytes selects format V2 (2-byte topic length). */
  topic: string;
  /** Stored body (already compressed if sysFlag says so). */
  body: Uint8Array;
  /** Application flag. @default 0 */
  flag?: number;
  /** Properties as a record, or an already encoded properties string (kept byte for byte). @default {} */
  properties?: Readonly<Record<string, string>> | string;
  /** Queue id. */
  queueId: number;
  /** Consume-queue offset. */
  queueOffset: number;
  /** Commit-log (physical) offset. */
  commitLogOffset: number;
  /** sysFlag; the two host V6 bits are replaced by what the host strings say. @default 0 */
  sysFlag?: number;
  /** Producer timestamp (ms). */
  bornTimestamp: number;
  /** Producer address `ip:port` / `[ip6]:port` (IP literal only). */
  bornHost: string;
  /** Store timestamp (ms). */
  storeTimestamp: number;
  /** Broker address `ip:port` / `[ip6]:port` (IP literal only). */
  storeHost: string;
  /** Re-consume count. @default 0 */
  reconsumeTimes?: number;
  /** Prepared transaction offset. @default 0 */
  preparedTransactionOffset?: number;
  /** BODYCRC to write. @default CRC32(body) & 0x7FFFFFFF */
  bodyCRC?: number;
}

/** Options of {@link decodeStoredMessages} and {@link decodeStoredMessage}. */
export interface DecodeStoredOptions {
  /** Inflate compressed bodies (and clear the COMPRESSED sysFlag bit), as the Java client does. @default true */
  decompress?: boolean;
  /** Read bodies; when false every body is an empty buffer (Java leaves it null). @default true */
  readBody?: boolean;
  /** Verify BODYCRC against the stored body; a mismatch is a ProtocolError. @default false */
  checkCRC?: boolean;
  /** Cap on a decompressed body. @default 67108864 */
  maxDecompressedLength?: number;
}

/** One decoded record and the number of bytes it used. */
export interface DecodedStoredMessage {
  /** The message. */
  message: MessageExt;
  /** Record size in bytes (its TOTALSIZE). */
  size: number;
}

/** Size of the fixed part before BORNHOST. */
const BORNHOST_POS = 48;
/** Smallest possible record: IPv4 hosts, empty body, empty topic (V1), no properties. */
const MIN_RECORD = 91;
const EMPTY = Buffer.alloc(0);
const TWO_32 = 2 ** 32;

function writeInt64(buf: Buffer, value: number, pos: number, what: string): void {
  requireSafeInteger(value, what);
  const hi = Math.floor(value / TWO_32);
  buf.writeInt32BE(hi, pos);
  buf.writeUInt32BE(value - hi * TWO_32, pos + 4);
}

const int32 = int32Field;
const hostField = hostFieldBytes;

/**
 * Encodes one stored record. V1 unless the topic is longer than 127 UTF-8 bytes; host V6 bits from the hosts.
 * @throws ValidationError for values that do not fit the layout.
 */
export function encodeStoredMessage(rec: StoredMessageRecord): Buffer {
  const topic = Buffer.from(rec.topic, 'utf8');
  if (topic.length > 0x7fff) throw new ValidationError(`topic too long: ${topic.length} bytes`);
  const v2 = topic.length > 127;
  const props = Buffer.from(
    typeof rec.properties === 'string' ? rec.properties : encodeProperties(rec.properties ?? {}),
    'utf8',
  );
  if (props.length > 0x7fff) throw new ValidationError(`properties too long: ${props.length} bytes (max 32767)`);
  const born = hostField(rec.bornHost, 'bornHost');
  const store = hostField(rec.storeHost, 'storeHost');
  let sysFlag = int32(rec.sysFlag, 'sysFlag') & ~(MessageSysFlag.BORNHOST_V6 | MessageSysFlag.STOREHOSTADDRESS_V6);
  if (born.length === 20) sysFlag |= MessageSysFlag.BORNHOST_V6;
  if (store.length === 20) sysFlag |= MessageSysFlag.STOREHOSTADDRESS_V6;
  const body = rec.body;
  const size =
    BORNHOST_POS + born.length + 8 + store.length + 4 + 8 + 4 + body.length + (v2 ? 2 : 1) + topic.length + 2 +
    props.length;
  const buf = Buffer.allocUnsafe(size);
  buf.writeInt32BE(size, 0);
  buf.writeInt32BE(v2 ? MESSAGE_MAGIC_CODE_V2 : MESSAGE_MAGIC_CODE_V1, 4);
  buf.writeInt32BE(rec.bodyCRC === undefined ? bodyCrc(body) : int32(rec.bodyCRC, 'bodyCRC'), 8);
  buf.writeInt32BE(int32(rec.queueId, 'queueId'), 12);
  buf.writeInt32BE(int32(rec.flag, 'flag'), 16);
  writeInt64(buf, rec.queueOffset, 20, 'queueOffset');
  writeInt64(buf, rec.commitLogOffset, 28, 'commitLogOffset');
  buf.writeInt32BE(sysFlag, 36);
  writeInt64(buf, rec.bornTimestamp, 40, 'bornTimestamp');
  let pos = BORNHOST_POS + born.copy(buf, BORNHOST_POS);
  writeInt64(buf, rec.storeTimestamp, pos, 'storeTimestamp');
  pos += 8;
  pos += store.copy(buf, pos);
  buf.writeInt32BE(int32(rec.reconsumeTimes, 'reconsumeTimes'), pos);
  writeInt64(buf, rec.preparedTransactionOffset ?? 0, pos + 4, 'preparedTransactionOffset');
  pos += 12;
  buf.writeInt32BE(body.length, pos);
  pos += 4;
  buf.set(body, pos);
  pos += body.length;
  if (v2) {
    buf.writeInt16BE(topic.length, pos);
    pos += 2;
  } else {
    buf[pos++] = topic.length;
  }
  pos += topic.copy(buf, pos);
  buf.writeInt16BE(props.length, pos);
  props.copy(buf, pos + 2);
  return buf;
}

/** Encodes several records back to back, as a PULL or QUERY response body. */
export function encodeStoredMessages(records: readonly StoredMessageRecord[]): Buffer {
  return Buffer.concat(records.map(encodeStoredMessage));
}

function fail(offset: number, why: string): never {
  throw new ProtocolError(`bad stored message at byte ${offset}: ${why}`);
}

/**
 * The previous record's topic in the same buffer: records of one pull share their topic, so a byte compare with the
 * previous one (a few nanoseconds) replaces a string decode and a string per message.
 */
interface TopicMemo {
  /** Position of the previous topic bytes, -1 before the first record. */
  pos: number;
  /** Their length. */
  len: number;
  /** The decoded string. */
  text: string;
}

/** Topics longer than this are always decoded (the byte compare is for the usual short names). */
const TOPIC_MEMO_MAX = 64;

function topicAt(buf: Buffer, pos: number, len: number, memo: TopicMemo | undefined): string {
  if (memo === undefined || len > TOPIC_MEMO_MAX) return buf.toString('utf8', pos, pos + len);
  if (memo.pos >= 0 && memo.len === len) {
    let i = 0;
    while (i < len && buf[memo.pos + i] === buf[pos + i]) i++;
    if (i === len) {
      memo.pos = pos;
      return memo.text;
    }
  }
  memo.pos = pos;
  memo.len = len;
  memo.text = buf.toString('utf8', pos, pos + len);
  return memo.text;
}

/**
 * Decodes the record starting at `offset`.
 * @throws ProtocolError for truncated or inconsistent bytes; CompressionError for a body that fails to inflate.
 */
export function decodeStoredMessage(
  buf: Buffer,
  offset = 0,
  options: DecodeStoredOptions = {},
): DecodedStoredMessage {
  const limit = buf.length;
  if (!Number.isInteger(offset) || offset < 0 || offset + 4 > limit) fail(offset, 'no room for TOTALSIZE');
  const message = decodeRecord(buf, offset, options, undefined);
  return { message, size: message.storeSize };
}

/** Checks the record at `offset` (room for TOTALSIZE already checked) and builds its message. */
function decodeRecord(buf: Buffer, offset: number, options: DecodeStoredOptions, memo: TopicMemo | undefined): StoredMessageExt {
  const size = buf.readInt32BE(offset);
  if (size < MIN_RECORD) fail(offset, `TOTALSIZE ${size} too small`);
  const end = offset + size;
  if (end > buf.length) fail(offset, `TOTALSIZE ${size} runs past the end (${buf.length - offset} bytes left)`);
  const magic = buf.readInt32BE(offset + 4);
  if (magic !== MESSAGE_MAGIC_CODE_V1 && magic !== MESSAGE_MAGIC_CODE_V2) {
    fail(offset, magic === BLANK_MAGIC_CODE ? 'blank (end-of-file) record' : `unknown magic code 0x${(magic >>> 0).toString(16)}`);
  }
  let sysFlag = buf.readInt32BE(offset + 36);
  const bornIpLen = sysFlag & MessageSysFlag.BORNHOST_V6 ? 16 : 4;
  const storeIpLen = sysFlag & MessageSysFlag.STOREHOSTADDRESS_V6 ? 16 : 4;
  let pos = offset + BORNHOST_POS + bornIpLen + 4 + 8 + storeIpLen + 4;
  // Fixed part incl. BODYLEN must fit before the variable fields are read.
  if (pos + 16 > end) fail(offset, 'fixed fields run past TOTALSIZE');
  const bodyLen = buf.readInt32BE(pos + 12);
  pos += 16;
  if (bodyLen < 0 || pos + bodyLen > end) fail(offset, `BODYLEN ${bodyLen} does not fit`);
  const bodyStart = pos;
  pos += bodyLen;
  let topicLen: number;
  if (magic === MESSAGE_MAGIC_CODE_V2) {
    if (pos + 2 > end) fail(offset, 'no room for TOPICLEN');
    topicLen = buf.readInt16BE(pos);
    pos += 2;
  } else {
    if (pos + 1 > end) fail(offset, 'no room for TOPICLEN');
    topicLen = buf.readInt8(pos);
    pos += 1;
  }
  if (topicLen < 0 || pos + topicLen + 2 > end) fail(offset, `TOPICLEN ${topicLen} does not fit`);
  const topic = topicAt(buf, pos, topicLen, memo);
  pos += topicLen;
  const propsLen = buf.readInt16BE(pos);
  pos += 2;
  if (propsLen < 0 || pos + propsLen !== end) {
    fail(offset, `PROPSLEN ${propsLen} disagrees with TOTALSIZE ${size}`);
  }
  let body: Buffer = EMPTY;
  if (options.readBody !== false && bodyLen > 0) {
    body = buf.subarray(bodyStart, bodyStart + bodyLen);
    if (options.checkCRC === true && bodyCrc(body) !== buf.readInt32BE(offset + 8)) fail(offset, 'BODYCRC mismatch');
    if (options.decompress !== false && sysFlag & MessageSysFlag.COMPRESSED) {
      body = decompressBody(body, sysFlag, { maxOutputLength: options.maxDecompressedLength });
      sysFlag &= ~MessageSysFlag.COMPRESSED;
    }
  }
  return new StoredMessageExt(buf, offset, topic, body, sysFlag, end - propsLen);
}

/**
 * Decodes every record in `buf` (a PULL/QUERY/VIEW/CHECK_TRANSACTION_STATE body). Bodies are views into
 * `buf` unless they were decompressed.
 * @throws ProtocolError for truncated or inconsistent bytes; CompressionError for bodies that fail to inflate.
 */
export function decodeStoredMessages(buf: Buffer, options: DecodeStoredOptions = {}): MessageExt[] {
  const out: MessageExt[] = [];
  const memo: TopicMemo = { pos: -1, len: 0, text: '' };
  const limit = buf.length;
  let offset = 0;
  while (offset < limit) {
    if (offset + 4 > limit) fail(offset, 'no room for TOTALSIZE');
    const message = decodeRecord(buf, offset, options, memo);
    out.push(message);
    offset += message.storeSize;
  }
  return out;
}
