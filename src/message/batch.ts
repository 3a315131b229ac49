/**
 * SEND_BATCH_MESSAGE body (MessageDecoder#encodeMessage/#encodeMessages/#decodeMessage, MessageBatch.java):
 * each message is `TOTALSIZE int32 | MAGIC int32 = 0 | BODYCRC int32 = 0 | FLAG int32 | BODYLEN int32 + body |
 * PROPSLEN int16 + properties`, back to back. The topic, WAIT and the batch's own UNIQ_KEY travel in the
 * request header; each inner message carries its own UNIQ_KEY in its properties.
 * @module
 */
import { ProtocolError, ValidationError } from '../errors.js';
import { decodeProperties, encodeProperties } from './properties.js';

/** One message of a batch. */
export interface BatchItem {
  /** Body (batches are never compressed). */
  body: Uint8Array;
  /** Application flag. */
  flag: number;
  /** Properties (usually UNIQ_KEY, KEYS, TAGS, WAIT). */
  properties: Readonly<Record<string, string>>;
}

/** One message decoded from a batch body. */
export interface DecodedBatchItem {
  /** Body, a view into the batch buffer. */
  body: Buffer;
  /** Application flag. */
  flag: number;
  /** Properties. */
  properties: Record<string, string>;
}

/** One message of a batch body with its properties left as the text on the wire (see {@link decodeBatchBodyRaw}). */
export interface RawBatchItem {
  /** Body, a view into the batch buffer. */
  body: Buffer;
  /** Application flag. */
  flag: number;
  /** Properties as sent: `name\u0001value\u0002` pairs, not split. */
  propertiesText: string;
}

/** Fixed bytes per inner message: TOTALSIZE, MAGIC, BODYCRC, FLAG, BODYLEN, PROPSLEN. */
const FIXED = 4 + 4 + 4 + 4 + 4 + 2;

/**
 * Encodes a batch body.
 * @throws ValidationError when the batch is empty, a flag is not an int32 or properties exceed 32767 bytes.
 */
export function encodeBatchBody(items: readonly BatchItem[]): Buffer {
  if (items.length === 0) throw new ValidationError('a batch needs at least one message');
  const parts: Buffer[] = [];
  for (const item of items) {
    const { flag } = item;
    if (!Number.isInteger(flag) || flag < -0x80000000 || flag > 0x7fffffff) {
      throw new ValidationError(`flag must be a 32-bit integer, got ${String(flag)}`);
    }
    const props = Buffer.from(encodeProperties(item.properties), 'utf8');
    if (props.length > 0x7fff) throw new ValidationError(`properties too long: ${props.length} bytes (max 32767)`);
    const size = FIXED + item.body.length + props.length;
    const buf = Buffer.allocUnsafe(size);
    buf.writeInt32BE(size, 0);
    buf.writeInt32BE(0, 4);
    buf.writeInt32BE(0, 8);
    buf.writeInt32BE(flag, 12);
    buf.writeInt32BE(item.body.length, 16);
    buf.set(item.body, 20);
    buf.writeInt16BE(props.length, 20 + item.body.length);
    props.copy(buf, 22 + item.body.length);
    parts.push(buf);
  }
  return Buffer.concat(parts);
}

/**
 * Decodes a batch body (what a broker, or our mock, receives with SEND_BATCH_MESSAGE).
 * @throws ProtocolError for truncated or inconsistent bytes.
 */
export function decodeBatchBody(buf: Buffer): DecodedBatchItem[] {
  return decodeBatchBodyRaw(buf).map(({ body, flag, propertiesText }) => ({ body, flag, properties: decodeProperties(propertiesText) }));
}

/**
 * Decodes a batch body without splitting the properties: a broker that stores each message with its properties
 * text, plus what it appends, never needs them as a map (MessageExtEncoder#encodeBatch copies the bytes).
 * @throws ProtocolError for truncated or inconsistent bytes (the same checks as {@link decodeBatchBody}).
 */
export function decodeBatchBodyRaw(buf: Buffer): RawBatchItem[] {
  const out: RawBatchItem[] = [];
  let pos = 0;
  while (pos < buf.length) {
    if (pos + FIXED > buf.length) throw new ProtocolError(`truncated batch message at byte ${pos}`);
    const size = buf.readInt32BE(pos);
    const end = pos + size;
    if (size < FIXED || end > buf.length) throw new ProtocolError(`bad batch TOTALSIZE ${size} at byte ${pos}`);
    const flag = buf.readInt32BE(pos + 12);
    const bodyLen = buf.readInt32BE(pos + 16);
    if (bodyLen < 0 || pos + 22 + bodyLen > end) throw new ProtocolError(`bad batch BODYLEN ${bodyLen} at byte ${pos}`);
    const body = buf.subarray(pos + 20, pos + 20 + bodyLen);
    const propsPos = pos + 20 + bodyLen;
    const propsLen = buf.readInt16BE(propsPos);
    if (propsLen < 0 || propsPos + 2 + propsLen !== end) {
      throw new ProtocolError(`batch PROPSLEN ${propsLen} disagrees with TOTALSIZE ${size} at byte ${pos}`);
    }
    out.push({ body, flag, propertiesText: buf.toString('utf8', propsPos + 2, end) });
    pos = end;
  }
  return out;
}
