/**
 * Message ids.
 *
 * - UNIQ_KEY (MessageClientIDSetter.java): IP(4) + pid int16 + a per-process random int32 (Java uses the class
 *   loader's hashCode) + ms since the start of the current month in local time, int32 + counter int16, as
 *   upper-case hex: 32 characters. The first 20 characters are fixed per process.
 * - offsetMsgId (MessageDecoder#createMessageId): store IP(4|16) + port int32 + commit-log offset int64, as
 *   upper-case hex: 32 (IPv4) or 56 (IPv6) characters.
 * @module
 */
import { randomBytes } from 'node:crypto';
import { networkInterfaces } from 'node:os';
import { ValidationError } from '../errors.js';
import { decodeIp, encodeIp, formatHostPort, parseHostPort } from './hosts.js';
import { hexUpper } from './stored-ext.js';

const HEX_RE = /^[0-9A-Fa-f]*$/;

/** Java's isInternalIP: 10/8, 127/8, 172.16/12, 192.168/16. */
function isInternalIPv4(b: readonly number[]): boolean {
  return b[0] === 10 || b[0] === 127 || (b[0] === 172 && b[1] >= 16 && b[1] <= 31) || (b[0] === 192 && b[1] === 168);
}

/**
 * The 4 IP bytes of a UNIQ_KEY: the first public IPv4 of this host, else the first private one (loopback
 * excluded), else bytes 4–7 of the current time in ms (Java's createFakeIP).
 */
export function chooseUniqIdIp(now: number = Date.now()): Buffer {
  let internal: number[] | undefined;
  for (const list of Object.values(networkInterfaces())) {
    for (const info of list ?? []) {
      if (info.family !== 'IPv4' || info.internal) continue;
      const b = info.address.split('.').map(Number);
      if (b.length !== 4 || b[0] === 127) continue;
      if (!isInternalIPv4(b)) return Buffer.from(b);
      internal ??= b;
    }
  }
  if (internal !== undefined) return Buffer.from(internal);
  const fake = Buffer.allocUnsafe(8);
  fake.writeUInt32BE(Math.floor(now / 2 ** 32), 0);
  fake.writeUInt32BE(now >>> 0, 4);
  return fake.subarray(4, 8);
}

/** Options of {@link UniqIdGenerator}. */
export interface UniqIdGeneratorOptions {
  /** IP bytes (4 or 16). @default chooseUniqIdIp() */
  ip?: Uint8Array;
  /** Process id (low 16 bits are used). @default process.pid */
  pid?: number;
  /** Stand-in for Java's class-loader hash code. @default a random int32 */
  salt?: number;
  /** Clock, ms since the epoch. @default Date.now */
  now?: () => number;
}

/** Local-time start of the month containing `ms`, and of the next one. */
function monthBounds(ms: number): [number, number] {
  const d = new Date(ms);
  return [
    new Date(d.getFullYear(), d.getMonth(), 1).getTime(),
    new Date(d.getFullYear(), d.getMonth() + 1, 1).getTime(),
  ];
}

/** Generates UNIQ_KEY ids exactly as Java's MessageClientIDSetter lays them out. */
export class UniqIdGenerator {
  private readonly prefix: string;
  private readonly now: () => number;
  private counter = 0;
  private startTime: number;
  private nextStartTime: number;

  constructor(options: UniqIdGeneratorOptions = {}) {
    const ip = options.ip ?? chooseUniqIdIp();
    if (ip.length !== 4 && ip.length !== 16) throw new ValidationError('UNIQ_KEY ip must be 4 or 16 bytes');
    const fixed = Buffer.allocUnsafe(ip.length + 6);
    fixed.set(ip, 0);
    fixed.writeUInt16BE((options.pid ?? process.pid) & 0xffff, ip.length);
    fixed.writeInt32BE((options.salt ?? randomBytes(4).readInt32BE(0)) | 0, ip.length + 2);
    this.prefix = hexUpper(fixed);
    this.now = options.now ?? Date.now;
    [this.startTime, this.nextStartTime] = monthBounds(this.now());
  }

  /** The next id. */
  next(): string {
    const current = this.now();
    if (current >= this.nextStartTime) [this.startTime, this.nextStartTime] = monthBounds(current);
    let diff = (current - this.startTime) | 0;
    // A clock stepped back a little (NTP) is clamped to the month start, as Java does.
    if (diff < 0 && diff > -1_000_000) diff = 0;
    const counter = this.counter;
    this.counter = (this.counter + 1) & 0xffff;
    return this.prefix + hex8(diff) + hex4(counter);
  }
}

function hex8(v: number): string {
  return (v >>> 0).toString(16).toUpperCase().padStart(8, '0');
}
function hex4(v: number): string {
  return (v & 0xffff).toString(16).toUpperCase().padStart(4, '0');
}

let defaultGenerator: UniqIdGenerator | undefined;

/** A new UNIQ_KEY from the process-wide generator (created on first use). */
export function createUniqId(): string {
  defaultGenerator ??= new UniqIdGenerator();
  return defaultGenerator.next();
}

/** Fields of a UNIQ_KEY, see {@link parseUniqId}. */
export interface UniqIdInfo {
  /** IP text (IPv4 for 32-char ids, IPv6 for 56-char ids); fake IPs decode as whatever bytes they hold. */
  ip: string;
  /** Producer pid, low 16 bits. */
  pid: number;
  /** Producer's per-process salt (class-loader hash in Java). */
  salt: number;
  /** Creation time in ms (month resolved as in MessageClientIDSetter#getNearlyTimeFromID). */
  timestamp: number;
  /** Counter value, 0..65535. */
  counter: number;
}

function hexBytes(id: string, lengths: readonly number[], what: string): Buffer {
  if (typeof id !== 'string' || !lengths.includes(id.length) || !HEX_RE.test(id)) {
    throw new ValidationError(`${what} must be ${lengths.join(' or ')} hex characters, got ${JSON.stringify(id)}`);
  }
  return Buffer.from(id, 'hex');
}

/**
 * Parses a UNIQ_KEY (32 hex chars, or 56 for an IPv6 producer). The timestamp is resolved against the month
 * of `now`, or the month before if that would put it in the future.
 * @throws ValidationError for anything else.
 */
export function parseUniqId(id: string, now: number = Date.now()): UniqIdInfo {
  const b = hexBytes(id, [32, 56], 'UNIQ_KEY');
  const ipLen = b.length === 28 ? 16 : 4;
  const span = b.readUInt32BE(ipLen + 6);
  let [monthStart] = monthBounds(now);
  // Java uses `>=`, which misplaces an id parsed in the very millisecond it was made; `>` does not.
  if (monthStart + span > now) {
    const d = new Date(monthStart);
    monthStart = new Date(d.getFullYear(), d.getMonth() - 1, 1).getTime();
  }
  return {
    ip: decodeIp(b, 0, ipLen),
    pid: b.readUInt16BE(ipLen),
    salt: b.readInt32BE(ipLen + 2),
    timestamp: monthStart + span,
    counter: b.readUInt16BE(ipLen + 10),
  };
}

/**
 * offsetMsgId for a store host (`ip:port`, `[ip6]:port`) and commit-log offset.
 * @throws ValidationError for a host that is not an IP literal or an offset that is not a safe integer.
 */
export function createOffsetMsgId(storeHost: string, commitLogOffset: number): string {
  const addr = parseHostPort(storeHost);
  const ip = encodeIp(addr.host);
  if (!Number.isSafeInteger(commitLogOffset)) throw new ValidationError('commitLogOffset must be a safe integer');
  const buf = Buffer.allocUnsafe(ip.length + 12);
  ip.copy(buf, 0);
  buf.writeInt32BE(addr.port, ip.length);
  const hi = Math.floor(commitLogOffset / 2 ** 32);
  buf.writeInt32BE(hi, ip.length + 4);
  buf.writeUInt32BE(commitLogOffset - hi * 2 ** 32, ip.length + 8);
  return hexUpper(buf);
}

/** Fields of an offsetMsgId. */
export interface OffsetMsgIdInfo {
  /** Store host IP (no brackets). */
  host: string;
  /** Store port. */
  port: number;
  /** `host:port` / `[host]:port`, ready for a connection. */
  address: string;
  /** Commit-log offset. */
  offset: number;
}

/**
 * Decodes an offsetMsgId: 32 hex chars = IPv4, 56 = IPv6.
 * @throws ValidationError for any other length, non-hex text or an offset beyond 2^53.
 */
export function decodeOffsetMsgId(id: string): OffsetMsgIdInfo {
  const b = hexBytes(id, [32, 56], 'offsetMsgId');
  const ipLen = b.length === 28 ? 16 : 4;
  const host = decodeIp(b, 0, ipLen);
  const port = b.readInt32BE(ipLen);
  const offset = b.readInt32BE(ipLen + 4) * 2 ** 32 + b.readUInt32BE(ipLen + 8);
  if (!Number.isSafeInteger(offset)) throw new ValidationError(`offsetMsgId offset beyond 2^53: ${id}`);
  if (port < 0 || port > 65535) throw new ValidationError(`offsetMsgId port out of range: ${port}`);
  return { host, port, address: formatHostPort({ host, port }), offset };
}
