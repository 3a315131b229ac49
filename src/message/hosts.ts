/**
 * `host:port` parsing/formatting and the raw IP byte forms used by the stored layout and message ids.
 * @module
 */
import { isIPv4, isIPv6 } from 'node:net';
import { ValidationError } from '../errors.js';
import type { SocketAddress } from './types.js';

export type { SocketAddress } from './types.js';

const PORT_RE = /^\d{1,5}$/;

/**
 * Parses `host:port`. Accepts `1.2.3.4:80`, `name:80`, `[::1]:80` and Java's `InetSocketAddress.toString()`
 * forms (`/1.2.3.4:80`, `name/1.2.3.4:80`, `/0:0:0:0:0:0:0:1:80`): text up to a `/` is dropped, and an
 * unbracketed host with colons is read as IPv6 with the port after the last colon.
 * @throws ValidationError on anything else.
 */
export function parseHostPort(text: string): SocketAddress {
  if (typeof text !== 'string') throw new ValidationError('address must be a string');
  let s = text.trim();
  const slash = s.lastIndexOf('/');
  if (slash >= 0) s = s.slice(slash + 1);
  let host: string;
  let portText: string;
  if (s.startsWith('[')) {
    const close = s.indexOf(']');
    if (close < 0 || s[close + 1] !== ':') throw new ValidationError(`bad address: ${JSON.stringify(text)}`);
    host = s.slice(1, close);
    portText = s.slice(close + 2);
    if (!isIPv6(host)) throw new ValidationError(`bad IPv6 address: ${JSON.stringify(text)}`);
  } else {
    const colon = s.lastIndexOf(':');
    if (colon <= 0) throw new ValidationError(`address needs host:port: ${JSON.stringify(text)}`);
    host = s.slice(0, colon);
    portText = s.slice(colon + 1);
    if (host.includes(':') && !isIPv6(host)) throw new ValidationError(`bad IPv6 address: ${JSON.stringify(text)}`);
    if (host.includes('[') || host.includes(']') || /\s/.test(host)) {
      throw new ValidationError(`bad host: ${JSON.stringify(text)}`);
    }
  }
  if (!PORT_RE.test(portText)) throw new ValidationError(`bad port in ${JSON.stringify(text)}`);
  const port = Number(portText);
  if (port > 65535) throw new ValidationError(`port out of range in ${JSON.stringify(text)}`);
  return { host, port };
}

/** Formats an address as `host:port`, bracketing IPv6 hosts (`[::1]:80`). */
export function formatHostPort(addr: SocketAddress): string {
  return addr.host.includes(':') ? `[${addr.host}]:${addr.port}` : `${addr.host}:${addr.port}`;
}

/** True when the host (no brackets) is IPv6 text; the stored layout then needs the V6 sysFlag bit. */
export function isIPv6Host(host: string): boolean {
  return host.includes(':');
}

/**
 * Raw bytes of an IP address: 4 for IPv4, 16 for IPv6 (IPv4-suffixed IPv6 forms such as `::ffff:1.2.3.4`
 * included).
 * @throws ValidationError for host names or malformed text: the stored layout has no room for names.
 */
export function encodeIp(host: string): Buffer {
  if (isIPv4(host)) {
    const out = Buffer.allocUnsafe(4);
    const parts = host.split('.');
    for (let i = 0; i < 4; i++) out[i] = Number(parts[i]);
    return out;
  }
  if (!isIPv6(host)) throw new ValidationError(`not an IP address: ${JSON.stringify(host)}`);
  let text = host;
  const zone = text.indexOf('%');
  if (zone >= 0) text = text.slice(0, zone);
  // An embedded dotted quad (`::ffff:1.2.3.4`) stands for the last two 16-bit words: rewrite it as hex.
  const lastColon = text.lastIndexOf(':');
  const tail = text.slice(lastColon + 1);
  if (tail.includes('.')) {
    const q = tail.split('.').map(Number);
    text = `${text.slice(0, lastColon + 1)}${((q[0] << 8) | q[1]).toString(16)}:${((q[2] << 8) | q[3]).toString(16)}`;
  }
  const toWords = (part: string): number[] => (part === '' ? [] : part.split(':').map((x) => parseInt(x, 16)));
  const dbl = text.indexOf('::');
  let words: number[];
  if (dbl >= 0) {
    const head = toWords(text.slice(0, dbl));
    const rest = toWords(text.slice(dbl + 2));
    words = [...head, ...new Array<number>(8 - head.length - rest.length).fill(0), ...rest];
  } else {
    words = toWords(text);
  }
  if (words.length !== 8 || words.some((x) => !(x >= 0 && x <= 0xffff))) {
    throw new ValidationError(`bad IPv6 address: ${JSON.stringify(host)}`);
  }
  const out = Buffer.allocUnsafe(16);
  for (let i = 0; i < 8; i++) out.writeUInt16BE(words[i], i * 2);
  return out;
}

/** Formats 4 bytes at `offset` as a dotted quad. */
export function decodeIPv4(buf: Buffer, offset: number): string {
  return `${buf[offset]}.${buf[offset + 1]}.${buf[offset + 2]}.${buf[offset + 3]}`;
}

/**
 * Formats 16 bytes at `offset` as RFC 5952 text: lower-case hex, the longest run (2+) of zero words
 * shortened to `::` (Java prints the long form `0:0:…`; both parse to the same bytes).
 */
export function decodeIPv6(buf: Buffer, offset: number): string {
  const w: number[] = new Array<number>(8);
  for (let i = 0; i < 8; i++) w[i] = (buf[offset + 2 * i] << 8) | buf[offset + 2 * i + 1];
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (w[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && w[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (a: number, b: number): string => w.slice(a, b).map((x) => x.toString(16)).join(':');
  if (bestLen < 2) return hex(0, 8);
  return `${hex(0, bestStart)}::${hex(bestStart + bestLen, 8)}`;
}

/** Formats an IP of `length` (4 or 16) bytes at `offset`. */
export function decodeIp(buf: Buffer, offset: number, length: 4 | 16): string {
  return length === 4 ? decodeIPv4(buf, offset) : decodeIPv6(buf, offset);
}
