/**
 * Range checks and the host field shared by the two writers of the stored-record layout: `encodeStoredMessage`
 * (src/message/stored.ts) and the mock store's one-pass `RecordEncoder`. Both must refuse exactly the same values
 * with the same typed error, so the checks live once, here. Internal: not re-exported from the package.
 * @module
 */
import { ValidationError } from '../errors.js';
import { encodeIp, parseHostPort } from './hosts.js';

/**
 * A 32-bit field's value (`undefined` → 0); unsigned values above 2^31 wrap to the signed form the layout stores.
 * @throws ValidationError when the value is not an integer in [-2^31, 2^32).
 */
export function int32Field(value: number | undefined, what: string): number {
  const v = value ?? 0;
  if (!Number.isInteger(v) || v < -0x80000000 || v > 0xffffffff) {
    throw new ValidationError(`${what} must be a 32-bit integer, got ${String(value)}`);
  }
  return v | 0;
}

/**
 * Checks that a 64-bit field's value is exactly representable.
 * @throws ValidationError when it is not a safe integer.
 */
export function requireSafeInteger(value: number, what: string): void {
  if (!Number.isSafeInteger(value)) throw new ValidationError(`${what} must be a safe integer, got ${String(value)}`);
}

/**
 * The raw 8- or 20-byte host field (IPv4/IPv6 address + port) for an `ip:port` string.
 * @throws ValidationError when the text is not an address.
 */
export function hostFieldBytes(text: string, what: string): Buffer {
  if (typeof text !== 'string') throw new ValidationError(`${what} must be an ip:port string`);
  const addr = parseHostPort(text);
  const ip = encodeIp(addr.host);
  const out = Buffer.allocUnsafe(ip.length + 4);
  ip.copy(out, 0);
  out.writeInt32BE(addr.port, ip.length);
  return out;
}
