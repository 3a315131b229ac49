/**
 * The store's record writer for the send path: the same bytes as `encodeStoredMessage` (src/message/stored.ts),
 * built in one pass into one buffer, with the parts that repeat on every send of a broker worked out once — the
 * STOREHOST field and its hex form (the offset message id prefix), and the BORNHOST field per producer address —
 * instead of parsing two `ip:port` strings and allocating three intermediate buffers per message. Topic and
 * properties are written straight into the record (no `Buffer.from` copies).
 * @module
 */
import { ValidationError } from '../../errors.js';
import { bodyCrc } from '../../message/crc32.js';
import { MESSAGE_MAGIC_CODE_V1, MESSAGE_MAGIC_CODE_V2, MessageSysFlag } from '../../message/constants.js';
import { hostFieldBytes, int32Field, requireSafeInteger } from '../../message/record-fields.js';
import { encodeProperties } from '../../message/properties.js';
import type { PutMessageInput } from './types.js';

const TWO_32 = 2 ** 32;
const HOST_V6_BITS = MessageSysFlag.BORNHOST_V6 | MessageSysFlag.STOREHOSTADDRESS_V6;
/** Producer addresses remembered; a broker sees few, so the cache is simply dropped when it fills. */
const MAX_CACHED_HOSTS = 1024;

/** Host field (IP + port, 8 or 20 bytes) and its uppercase hex. */
interface HostField {
  bytes: Buffer;
  hex: string;
}

function hostField(text: string, what: string): HostField {
  const bytes = hostFieldBytes(text, what);
  return { bytes, hex: bytes.toString('hex').toUpperCase() };
}

const int32 = int32Field;
const safe = requireSafeInteger;

/** Copies an 8- or 20-byte host field to `buf[pos]` byte by byte (cheaper than Buffer#copy for so few); returns the end. */
function copySmall(src: Buffer, buf: Buffer, pos: number): number {
  for (let i = 0; i < src.length; i++) buf[pos + i] = src[i];
  return pos + src.length;
}

/** Writes a safe integer (checked by {@link safe}) as an int64. */
function writeInt64(buf: Buffer, value: number, pos: number): void {
  const hi = Math.floor(value / TWO_32);
  buf.writeInt32BE(hi, pos);
  buf.writeUInt32BE(value - hi * TWO_32, pos + 4);
}

/**
 * A checked, measured stored record (see {@link RecordEncoder.plan}); {@link PlannedRecord.writeAt} writes its
 * `size` bytes.
 */
export class PlannedRecord {
  /** TOTALSIZE. */
  readonly size: number;

  /** @internal */
  constructor(
    private readonly input: PutMessageInput,
    private readonly propsText: string,
    private readonly topicLen: number,
    private readonly propsLen: number,
    private readonly born: Buffer,
    private readonly store: Buffer,
    private readonly sysFlag: number,
    private readonly ints: readonly [queueId: number, flag: number, reconsumeTimes: number],
    private readonly crc: number,
    private readonly queueOffset: number,
    private readonly storeTimestamp: number,
  ) {
    const v2 = topicLen > 127;
    this.size = 48 + born.length + 8 + store.length + 4 + 8 + 4 + input.body.length + (v2 ? 2 : 1) + topicLen + 2 + propsLen;
  }

  /**
   * Writes the record at `buf[at, at + size)` with PHYSICALOFFSET `physOffset` (0: patched later).
   * @param buf - the target
   * @param at - where the record starts in it
   * @param physOffset - PHYSICALOFFSET @default 0
   */
  writeAt(buf: Buffer, at: number, physOffset = 0): void {
    const { input, born, store, size } = this;
    const v2 = this.topicLen > 127;
    const body = input.body;
    buf.writeInt32BE(size, at);
    buf.writeInt32BE(v2 ? MESSAGE_MAGIC_CODE_V2 : MESSAGE_MAGIC_CODE_V1, at + 4);
    buf.writeInt32BE(this.crc, at + 8);
    buf.writeInt32BE(this.ints[0], at + 12);
    buf.writeInt32BE(this.ints[1], at + 16);
    writeInt64(buf, this.queueOffset, at + 20);
    writeInt64(buf, physOffset, at + 28);
    buf.writeInt32BE(this.sysFlag, at + 36);
    writeInt64(buf, input.bornTimestamp, at + 40);
    let pos = copySmall(born, buf, at + 48);
    writeInt64(buf, this.storeTimestamp, pos);
    pos += 8;
    pos = copySmall(store, buf, pos);
    buf.writeInt32BE(this.ints[2], pos);
    writeInt64(buf, input.preparedTransactionOffset ?? 0, pos + 4);
    pos += 12;
    buf.writeInt32BE(body.length, pos);
    pos += 4;
    buf.set(body, pos);
    pos += body.length;
    if (v2) {
      buf.writeInt16BE(this.topicLen, pos);
      pos += 2;
    } else buf[pos++] = this.topicLen;
    pos += buf.write(input.topic, pos, 'utf8');
    buf.writeInt16BE(this.propsLen, pos);
    buf.write(this.propsText, pos + 2, 'utf8');
  }
}

/** Encodes stored records for one store (one default STOREHOST). */
export class RecordEncoder {
  private readonly hosts = new Map<string, HostField>();

  /** @param storeHost - the store's default STOREHOST, `ip:port` */
  constructor(private readonly storeHost: string) {}

  /**
   * Encodes `input` with the given queue offset and store time, PHYSICALOFFSET 0 (patched on append).
   * @throws ValidationError for values the layout cannot hold (as `encodeStoredMessage`).
   */
  encode(input: PutMessageInput, queueOffset: number, storeTimestamp: number): Buffer {
    const rec = this.plan(input, queueOffset, storeTimestamp);
    const buf = Buffer.allocUnsafe(rec.size);
    rec.writeAt(buf, 0);
    return buf;
  }

  /**
   * Checks `input` and measures its record without writing it: the result writes the record wherever the commit
   * log has room (straight into its write-behind buffer, no record buffer and copy per message). Every check
   * happens here, so writing cannot fail half way.
   * @throws ValidationError for values the layout cannot hold (as `encodeStoredMessage`).
   */
  plan(input: PutMessageInput, queueOffset: number, storeTimestamp: number): PlannedRecord {
    const topicLen = Buffer.byteLength(input.topic, 'utf8');
    if (topicLen > 0x7fff) throw new ValidationError(`topic too long: ${topicLen} bytes`);
    const propsText = typeof input.properties === 'string' ? input.properties : encodeProperties(input.properties ?? {});
    const propsLen = Buffer.byteLength(propsText, 'utf8');
    if (propsLen > 0x7fff) throw new ValidationError(`properties too long: ${propsLen} bytes (max 32767)`);
    const born = this.host(input.bornHost, 'bornHost').bytes;
    const store = this.host(input.storeHost ?? this.storeHost, 'storeHost').bytes;
    let sysFlag = int32(input.sysFlag, 'sysFlag') & ~HOST_V6_BITS;
    if (born.length === 20) sysFlag |= MessageSysFlag.BORNHOST_V6;
    if (store.length === 20) sysFlag |= MessageSysFlag.STOREHOSTADDRESS_V6;
    const ints = [int32(input.queueId, 'queueId'), int32(input.flag, 'flag'), int32(input.reconsumeTimes, 'reconsumeTimes')] as const;
    safe(queueOffset, 'queueOffset');
    safe(input.bornTimestamp, 'bornTimestamp');
    safe(storeTimestamp, 'storeTimestamp');
    safe(input.preparedTransactionOffset ?? 0, 'preparedTransactionOffset');
    const crc = input.bodyCRC === undefined ? bodyCrc(input.body) : int32(input.bodyCRC, 'bodyCRC');
    return new PlannedRecord(input, propsText, topicLen, propsLen, born, store, sysFlag, ints, crc, queueOffset, storeTimestamp);
  }

  /**
   * Offset message id (STOREHOST + PHYSICALOFFSET, uppercase hex) of a record stored with `storeHost`, without
   * reading the record back.
   * @param physOffset - where the record landed
   * @param storeHost - its STOREHOST @default the store's
   */
  offsetMsgId(physOffset: number, storeHost: string = this.storeHost): string {
    const hi = Math.floor(physOffset / TWO_32);
    const lo = physOffset - hi * TWO_32;
    return this.host(storeHost, 'storeHost').hex + hex8(hi) + hex8(lo);
  }

  private host(text: string, what: string): HostField {
    let f = this.hosts.get(text);
    if (f === undefined) {
      f = hostField(text, what);
      if (this.hosts.size >= MAX_CACHED_HOSTS) this.hosts.clear();
      this.hosts.set(text, f);
    }
    return f;
  }
}

/** Two uppercase hex digits per byte value. */
const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).toUpperCase().padStart(2, '0'));

/** An unsigned 32-bit value as 8 uppercase hex digits (table lookups: this runs twice per stored message). */
function hex8(n: number): string {
  return HEX[(n >>> 24) & 0xff] + HEX[(n >>> 16) & 0xff] + HEX[(n >>> 8) & 0xff] + HEX[n & 0xff];
}
