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
import { encodeIp, parseHostPort } from '../../message/hosts.js';
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
  if (typeof text !== 'string') throw new ValidationError(`${what} must be an ip:port string`);
  const addr = parseHostPort(text);
  const ip = encodeIp(addr.host);
  const bytes = Buffer.allocUnsafe(ip.length + 4);
  ip.copy(bytes, 0);
  bytes.writeInt32BE(addr.port, ip.length);
  return { bytes, hex: bytes.toString('hex').toUpperCase() };
}

function int32(value: number | undefined, what: string): number {
  const v = value ?? 0;
  if (!Number.isInteger(v) || v < -0x80000000 || v > 0xffffffff) {
    throw new ValidationError(`${what} must be a 32-bit integer, got ${String(value)}`);
  }
  return v | 0;
}

function writeInt64(buf: Buffer, value: number, pos: number, what: string): void {
  if (!Number.isSafeInteger(value)) throw new ValidationError(`${what} must be a safe integer, got ${String(value)}`);
  const hi = Math.floor(value / TWO_32);
  buf.writeInt32BE(hi, pos);
  buf.writeUInt32BE(value - hi * TWO_32, pos + 4);
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
    const topicLen = Buffer.byteLength(input.topic, 'utf8');
    if (topicLen > 0x7fff) throw new ValidationError(`topic too long: ${topicLen} bytes`);
    const v2 = topicLen > 127;
    const propsText = typeof input.properties === 'string' ? input.properties : encodeProperties(input.properties ?? {});
    const propsLen = Buffer.byteLength(propsText, 'utf8');
    if (propsLen > 0x7fff) throw new ValidationError(`properties too long: ${propsLen} bytes (max 32767)`);
    const born = this.host(input.bornHost, 'bornHost').bytes;
    const store = this.host(input.storeHost ?? this.storeHost, 'storeHost').bytes;
    let sysFlag = int32(input.sysFlag, 'sysFlag') & ~HOST_V6_BITS;
    if (born.length === 20) sysFlag |= MessageSysFlag.BORNHOST_V6;
    if (store.length === 20) sysFlag |= MessageSysFlag.STOREHOSTADDRESS_V6;
    const body = input.body;
    const size = 48 + born.length + 8 + store.length + 4 + 8 + 4 + body.length + (v2 ? 2 : 1) + topicLen + 2 + propsLen;
    const buf = Buffer.allocUnsafe(size);
    buf.writeInt32BE(size, 0);
    buf.writeInt32BE(v2 ? MESSAGE_MAGIC_CODE_V2 : MESSAGE_MAGIC_CODE_V1, 4);
    buf.writeInt32BE(input.bodyCRC === undefined ? bodyCrc(body) : int32(input.bodyCRC, 'bodyCRC'), 8);
    buf.writeInt32BE(int32(input.queueId, 'queueId'), 12);
    buf.writeInt32BE(int32(input.flag, 'flag'), 16);
    writeInt64(buf, queueOffset, 20, 'queueOffset');
    buf.writeInt32BE(0, 28);
    buf.writeInt32BE(0, 32);
    buf.writeInt32BE(sysFlag, 36);
    writeInt64(buf, input.bornTimestamp, 40, 'bornTimestamp');
    let pos = 48 + born.copy(buf, 48);
    writeInt64(buf, storeTimestamp, pos, 'storeTimestamp');
    pos += 8;
    pos += store.copy(buf, pos);
    buf.writeInt32BE(int32(input.reconsumeTimes, 'reconsumeTimes'), pos);
    writeInt64(buf, input.preparedTransactionOffset ?? 0, pos + 4, 'preparedTransactionOffset');
    pos += 12;
    buf.writeInt32BE(body.length, pos);
    pos += 4;
    buf.set(body, pos);
    pos += body.length;
    if (v2) {
      buf.writeInt16BE(topicLen, pos);
      pos += 2;
    } else buf[pos++] = topicLen;
    pos += buf.write(input.topic, pos, 'utf8');
    buf.writeInt16BE(propsLen, pos);
    buf.write(propsText, pos + 2, 'utf8');
    return buf;
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
