/**
 * Frame codec for the remoting protocol.
 *
 * Wire layout (all big-endian), as written by Java's `RemotingCommand.encode()`:
 * ```
 * int32 totalLength                      (= 4 + headerLength + bodyLength; does not count itself)
 * int32 serializeType << 24 | headerLength
 * header                                 (JSON text or ROCKETMQ binary, see below)
 * body                                   (the remaining bytes)
 * ```
 * The JSON header mimics fastjson's output (keys sorted, nulls omitted). The ROCKETMQ binary header follows
 * `RocketMQSerializable.java`: `code int16 | language u8 | version int16 | opaque int32 | flag int32 |
 * remarkLen int32 + UTF-8 | extLen int32 + { keyLen int16, key, valLen int32, val }*`.
 *
 * Decoders never let a `TypeError`/`RangeError` escape: every read is bounds-checked first and every failure is a
 * {@link ProtocolError}. Encoders reject commands that cannot be represented with a {@link ValidationError}.
 * @module
 */
import { ProtocolError, ValidationError } from '../errors.js';
import { DEFAULT_LANGUAGE, SerializeType, type RemotingCommand } from './command.js';

/** Language names by ordinal, as in Java's `LanguageCode` enum (the ROCKETMQ header sends the ordinal). */
export const LANGUAGE_CODES: readonly string[] = [
  'JAVA', 'CPP', 'DOTNET', 'PYTHON', 'DELPHI', 'ERLANG', 'RUBY', 'OTHER', 'HTTP', 'GO', 'PHP', 'OMS', 'RUST', 'NODE_JS',
];
const LANGUAGE_ORDINAL = new Map(LANGUAGE_CODES.map((name, i) => [name, i] as const));
/** Ordinal of `OTHER`, used for language names the enum does not know. */
const LANGUAGE_OTHER = 7;

/** Size of the fixed part of a ROCKETMQ binary header (code, language, version, opaque, flag, two lengths). */
export const ROCKETMQ_HEADER_FIXED_SIZE = 21;
/** Largest header the 24-bit header-length field can describe. */
const MAX_HEADER_LENGTH = 0xffffff;

/** Options for {@link encodeFrame}. */
export interface EncodeFrameOptions {
  /** Header serialization; overrides `cmd.serializeType`. @default cmd.serializeType ?? SerializeType.JSON */
  serializeType?: SerializeType;
}

function isInt32(v: unknown): v is number {
  return typeof v === 'number' && (v | 0) === v;
}

function checkCommand(cmd: RemotingCommand): void {
  if (cmd === null || typeof cmd !== 'object') throw new ValidationError('command must be an object');
  if (!isInt32(cmd.code) || !isInt32(cmd.opaque) || !isInt32(cmd.flag) || !isInt32(cmd.version)) {
    throw new ValidationError('command code, opaque, flag and version must be 32-bit integers', {
      context: { requestCode: cmd.code, opaque: cmd.opaque },
    });
  }
  if (typeof cmd.language !== 'string') throw new ValidationError('command language must be a string');
  if (cmd.body !== undefined && !(cmd.body instanceof Uint8Array)) {
    throw new ValidationError('command body must be a Buffer', { context: { requestCode: cmd.code } });
  }
}

/**
 * The ext fields exactly as they should be serialized: the caller's object itself when its keys are already in
 * order and every value is a string (the common case, no copy), otherwise a sorted, stringified copy.
 * (Integer-like keys are ordered numerically by the engine whatever we do; ext field names never look like that.)
 */
function wireExtFields(ext: Record<string, unknown>): Record<string, string> {
  const keys = Object.keys(ext);
  let clean = true;
  for (let i = 0; i < keys.length; i++) {
    if (typeof ext[keys[i]] !== 'string' || (i > 0 && keys[i - 1] > keys[i])) {
      clean = false;
      break;
    }
  }
  if (clean) return ext as Record<string, string>;
  const out: Record<string, string> = {};
  for (const key of keys.sort()) {
    const v = fieldValue(ext[key]);
    if (v === undefined) continue;
    if (key === '__proto__') Object.defineProperty(out, key, { value: v, enumerable: true, writable: true, configurable: true });
    else out[key] = v;
  }
  return out;
}

function fieldValue(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (v === undefined || v === null) return undefined;
  return String(v);
}

/**
 * The JSON header text (fastjson layout: keys sorted, nulls omitted, `serializeTypeCurrentRPC` included).
 * One native `JSON.stringify` of an object whose properties are inserted in fastjson's (alphabetical) order: this
 * is both the fastest way to build it and the one that escapes strings exactly like JSON.stringify everywhere.
 * (Measured: concatenating the text in JS, even with an ASCII fast path for the literals, is slower.)
 */
function jsonHeaderText(cmd: RemotingCommand): string {
  const ext = cmd.extFields;
  return JSON.stringify({
    code: cmd.code,
    extFields: ext === undefined || ext === null ? undefined : wireExtFields(ext),
    flag: cmd.flag,
    language: cmd.language,
    opaque: cmd.opaque,
    remark: cmd.remark === undefined || cmd.remark === null ? undefined : String(cmd.remark),
    serializeTypeCurrentRPC: 'JSON',
    version: cmd.version,
  });
}

/** Encodes a command's header as fastjson-compatible JSON bytes (no frame prefix, no body). */
export function encodeHeaderJson(cmd: RemotingCommand): Buffer {
  checkCommand(cmd);
  return Buffer.from(jsonHeaderText(cmd), 'utf8');
}

/** Strings up to this length are measured and written in JS; crossing into C++ costs more for short ones. */
const SHORT_STRING = 48;

/** UTF-8 byte length; a JS scan for short ASCII strings (most header keys and values), native otherwise. */
function utf8Length(s: string): number {
  if (s.length <= SHORT_STRING) {
    let i = 0;
    while (i < s.length && s.charCodeAt(i) < 0x80) i++;
    if (i === s.length) return i;
  }
  return Buffer.byteLength(s, 'utf8');
}

/** Writes `s` (whose UTF-8 length is `len`) at `p`; returns the bytes written. */
function writeUtf8(buf: Buffer, s: string, p: number, len: number): number {
  if (len === s.length && len <= SHORT_STRING) {
    for (let i = 0; i < len; i++) buf[p + i] = s.charCodeAt(i);
    return len;
  }
  return buf.write(s, p, len, 'utf8');
}

/** Byte lengths of the ext fields, computed once so the binary writer does not measure twice. */
interface BinaryLayout {
  remark: string | undefined;
  remarkLen: number;
  keys: string[];
  values: string[];
  keyLens: number[];
  valueLens: number[];
  headerLen: number;
}

function binaryLayout(cmd: RemotingCommand): BinaryLayout {
  if (cmd.code < -32768 || cmd.code > 32767 || cmd.version < -32768 || cmd.version > 32767) {
    // Java casts to short silently; we refuse, because the peer would read a different code (e.g. POP 200050).
    throw new ValidationError(`code ${cmd.code} / version ${cmd.version} does not fit the ROCKETMQ header; use JSON`, {
      context: { requestCode: cmd.code },
    });
  }
  // Java writes a remark only when it is non-empty; an empty remark reads back as absent.
  const remark = cmd.remark ? String(cmd.remark) : undefined;
  const remarkLen = remark ? utf8Length(remark) : 0;
  const keys: string[] = [];
  const values: string[] = [];
  const keyLens: number[] = [];
  const valueLens: number[] = [];
  let headerLen = ROCKETMQ_HEADER_FIXED_SIZE + remarkLen;
  const ext = cmd.extFields;
  if (ext) {
    for (const key of Object.keys(ext)) {
      const v = fieldValue(ext[key]);
      if (v === undefined) continue;
      const kl = utf8Length(key);
      if (kl > 32767) throw new ValidationError(`ext field name too long (${kl} bytes)`);
      const vl = utf8Length(v);
      keys.push(key);
      values.push(v);
      keyLens.push(kl);
      valueLens.push(vl);
      headerLen += 6 + kl + vl;
    }
  }
  return { remark, remarkLen, keys, values, keyLens, valueLens, headerLen };
}

function writeBinaryHeader(cmd: RemotingCommand, lay: BinaryLayout, buf: Buffer, start: number): void {
  let p = start;
  buf.writeInt16BE(cmd.code, p);
  const ordinal = LANGUAGE_ORDINAL.get(cmd.language);
  buf[p + 2] = ordinal === undefined ? LANGUAGE_OTHER : ordinal;
  buf.writeInt16BE(cmd.version, p + 3);
  buf.writeInt32BE(cmd.opaque, p + 5);
  buf.writeInt32BE(cmd.flag, p + 9);
  buf.writeInt32BE(lay.remarkLen, p + 13);
  p += 17;
  if (lay.remark) p += writeUtf8(buf, lay.remark, p, lay.remarkLen);
  const extLen = lay.headerLen - ROCKETMQ_HEADER_FIXED_SIZE - lay.remarkLen;
  buf.writeInt32BE(extLen, p);
  p += 4;
  for (let i = 0; i < lay.keys.length; i++) {
    buf.writeInt16BE(lay.keyLens[i], p);
    p += 2;
    p += writeUtf8(buf, lay.keys[i], p, lay.keyLens[i]);
    buf.writeInt32BE(lay.valueLens[i], p);
    p += 4;
    p += writeUtf8(buf, lay.values[i], p, lay.valueLens[i]);
  }
}

/** Encodes a command's header in the ROCKETMQ binary layout (no frame prefix, no body). */
export function encodeHeaderRocketMQ(cmd: RemotingCommand): Buffer {
  checkCommand(cmd);
  const lay = binaryLayout(cmd);
  const buf = Buffer.alloc(lay.headerLen);
  writeBinaryHeader(cmd, lay, buf, 0);
  return buf;
}

/**
 * Encodes a whole frame, length prefix included, in a single allocation.
 * @throws ValidationError when the command cannot be represented (non-integer fields, header over 16 MiB,
 * a code outside int16 with the ROCKETMQ header).
 */
export function encodeFrame(cmd: RemotingCommand, options: EncodeFrameOptions = {}): Buffer {
  return encodeFrameWith(cmd, options, true);
}

/** Bodies at least this long are left out of the head by {@link encodeFrameParts} (copying them costs more than an iovec). */
export const SEPARATE_BODY_MIN = 8192;

/**
 * The bytes of {@link encodeFrame}, with a body of at least {@link SEPARATE_BODY_MIN} bytes left in its own buffer:
 * `[head, body]`, head = length prefix and header, to be written back to back (one writev when corked). A 33 KB
 * batch is then not copied into a fresh frame per send. Smaller bodies: one buffer, as `encodeFrame`.
 * @throws ValidationError as {@link encodeFrame}
 */
export function encodeFrameParts(cmd: RemotingCommand, options: EncodeFrameOptions = {}): Buffer | [head: Buffer, body: Buffer] {
  const body = cmd.body;
  if (!body || body.length < SEPARATE_BODY_MIN) return encodeFrameWith(cmd, options, true);
  return [encodeFrameWith(cmd, options, false), body];
}

function encodeFrameWith(cmd: RemotingCommand, options: EncodeFrameOptions, withBody: boolean): Buffer {
  checkCommand(cmd);
  const type = options.serializeType ?? cmd.serializeType ?? SerializeType.JSON;
  const bodyLen = cmd.body ? cmd.body.length : 0;
  // The room for the body in this buffer (none when the caller writes the body itself).
  const room = withBody ? bodyLen : 0;
  let buf: Buffer;
  let headerLen: number;
  if (type === SerializeType.JSON) {
    const text = jsonHeaderText(cmd);
    // Measuring the UTF-8 length first would walk the text twice; instead reserve the worst case (3 bytes per
    // UTF-16 unit), write once, and hand out a view of the used part. The slack is at most 2x the header.
    buf = Buffer.allocUnsafe(8 + 3 * text.length + room);
    headerLen = buf.write(text, 8, 'utf8');
    checkHeaderLength(headerLen, cmd);
    buf = buf.subarray(0, 8 + headerLen + room);
  } else if (type === SerializeType.ROCKETMQ) {
    const lay = binaryLayout(cmd);
    headerLen = lay.headerLen;
    checkHeaderLength(headerLen, cmd);
    buf = Buffer.allocUnsafe(8 + headerLen + room);
    writeBinaryHeader(cmd, lay, buf, 8);
  } else {
    throw new ValidationError(`unknown serialize type ${String(type)}`, { context: { requestCode: cmd.code } });
  }
  buf.writeInt32BE(4 + headerLen + bodyLen, 0);
  buf.writeInt32BE((type << 24) | headerLen, 4);
  if (withBody && cmd.body && bodyLen > 0) buf.set(cmd.body, 8 + headerLen);
  return buf;
}

function checkHeaderLength(headerLen: number, cmd: RemotingCommand): void {
  if (headerLen > MAX_HEADER_LENGTH) {
    throw new ValidationError(`header of ${headerLen} bytes exceeds the 24-bit header length`, {
      context: { requestCode: cmd.code, opaque: cmd.opaque },
    });
  }
}

/**
 * Decodes one frame: `frame` is the bytes after the 4-byte total length (what {@link FrameSplitter} yields).
 * The returned `body` is a view into `frame`, not a copy.
 * @throws ProtocolError on an unknown serialize type, a header length beyond the frame, or a bad header.
 */
export function decodeFrame(frame: Buffer): RemotingCommand {
  if (!(frame instanceof Uint8Array) || frame.length < 4) {
    throw new ProtocolError(`frame too short (${frame instanceof Uint8Array ? frame.length : 'not a buffer'})`);
  }
  const word = ((frame[0] << 24) | (frame[1] << 16) | (frame[2] << 8) | frame[3]) >>> 0;
  const type = word >>> 24;
  const headerLen = word & MAX_HEADER_LENGTH;
  if (headerLen > frame.length - 4) {
    throw new ProtocolError(`header length ${headerLen} exceeds frame length ${frame.length}`);
  }
  const header = Buffer.from(frame.buffer, frame.byteOffset + 4, headerLen);
  let cmd: RemotingCommand;
  if (type === SerializeType.JSON) cmd = decodeHeaderJson(header);
  else if (type === SerializeType.ROCKETMQ) cmd = decodeHeaderRocketMQ(header);
  else throw new ProtocolError(`unknown serialize type ${type}`);
  cmd.serializeType = type;
  if (frame.length > 4 + headerLen) {
    cmd.body = Buffer.from(frame.buffer, frame.byteOffset + 4 + headerLen, frame.length - 4 - headerLen);
  }
  return cmd;
}

/** Integer fields may arrive as numbers or numeric strings (fastjson accepts both); anything else is an error. */
function jsonInt(o: Record<string, unknown>, name: string, fallback?: number): number {
  const v = o[name];
  if (isInt32(v)) return v;
  if (typeof v === 'string' && /^-?\d{1,10}$/.test(v)) {
    const n = Number(v);
    if (isInt32(n)) return n;
  }
  if ((v === undefined || v === null) && fallback !== undefined) return fallback;
  throw new ProtocolError(`JSON header field "${name}" is missing or not a 32-bit integer`);
}

/** Normalises received ext fields to strings: ali-ons sends numbers and booleans unquoted. */
function normaliseExtFields(v: unknown): Record<string, string> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    throw new ProtocolError('JSON header field "extFields" is not an object');
  }
  // Usually every value is already a string (Java and we quote them): then the parsed object is the answer, a plain
  // object that JSON.parse built with own data properties only (a "__proto__" key included), so no copy is needed.
  const parsed = v as Record<string, unknown>;
  let allStrings = true;
  for (const key in parsed) {
    if (typeof parsed[key] !== 'string') {
      allStrings = false;
      break;
    }
  }
  if (allStrings) return parsed as Record<string, string>;
  const out: Record<string, string> = {};
  for (const [key, val] of Object.entries(v as Record<string, unknown>)) {
    let s: string;
    if (typeof val === 'string') s = val;
    else if (typeof val === 'number' || typeof val === 'boolean') s = String(val);
    else if (val === null) continue;
    else throw new ProtocolError(`ext field "${key}" is not a scalar`);
    // A plain assignment to "__proto__" would be swallowed by the prototype setter.
    if (key === '__proto__') Object.defineProperty(out, key, { value: s, enumerable: true, writable: true, configurable: true });
    else out[key] = s;
  }
  return out;
}

/** Decodes a JSON header (bytes only, no frame prefix). Unknown fields are ignored. */
export function decodeHeaderJson(header: Buffer): RemotingCommand {
  let parsed: unknown;
  try {
    parsed = JSON.parse(header.toString('utf8'));
  } catch (err) {
    throw new ProtocolError('header is not valid JSON', { cause: err });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ProtocolError('JSON header is not an object');
  }
  const o = parsed as Record<string, unknown>;
  const cmd: RemotingCommand = {
    code: jsonInt(o, 'code'),
    language: DEFAULT_LANGUAGE,
    version: jsonInt(o, 'version', 0),
    opaque: jsonInt(o, 'opaque'),
    flag: jsonInt(o, 'flag', 0),
  };
  const lang = o.language;
  if (typeof lang === 'string') cmd.language = lang;
  else if (isInt32(lang)) cmd.language = LANGUAGE_CODES[lang] ?? 'OTHER';
  else if (lang !== undefined && lang !== null) throw new ProtocolError('JSON header field "language" is ill-typed');
  const remark = o.remark;
  if (typeof remark === 'string') cmd.remark = remark;
  else if (remark !== undefined && remark !== null) throw new ProtocolError('JSON header field "remark" is ill-typed');
  if (o.extFields !== undefined && o.extFields !== null) cmd.extFields = normaliseExtFields(o.extFields);
  return cmd;
}

/**
 * Decodes a ROCKETMQ binary header (bytes only, no frame prefix). Trailing bytes after the ext fields are an
 * error: the header length is authoritative, so a mismatch means corruption.
 */
export function decodeHeaderRocketMQ(header: Buffer): RemotingCommand {
  const n = header.length;
  if (n < ROCKETMQ_HEADER_FIXED_SIZE) throw new ProtocolError(`ROCKETMQ header too short (${n} bytes)`);
  const cmd: RemotingCommand = {
    code: header.readInt16BE(0),
    language: LANGUAGE_CODES[header[2]] ?? 'OTHER',
    version: header.readInt16BE(3),
    opaque: header.readInt32BE(5),
    flag: header.readInt32BE(9),
  };
  let p = 13;
  const remarkLen = header.readInt32BE(p);
  p += 4;
  // The remark must leave room for the 4-byte ext length that follows it.
  if (remarkLen < 0 || remarkLen > n - p - 4) throw new ProtocolError(`bad remark length ${remarkLen}`);
  if (remarkLen > 0) cmd.remark = header.toString('utf8', p, p + remarkLen);
  p += remarkLen;
  const extLen = header.readInt32BE(p);
  p += 4;
  if (extLen < 0 || extLen !== n - p) throw new ProtocolError(`bad ext fields length ${extLen} (${n - p} left)`);
  if (extLen > 0) {
    const ext: Record<string, string> = {};
    while (p < n) {
      if (n - p < 2) throw new ProtocolError('truncated ext field key length');
      const kl = header.readUInt16BE(p);
      p += 2;
      if (kl > n - p - 4) throw new ProtocolError(`bad ext field key length ${kl}`);
      const key = header.toString('utf8', p, p + kl);
      p += kl;
      const vl = header.readInt32BE(p);
      p += 4;
      if (vl < 0 || vl > n - p) throw new ProtocolError(`bad ext field value length ${vl}`);
      const val = header.toString('utf8', p, p + vl);
      p += vl;
      if (key === '__proto__') Object.defineProperty(ext, key, { value: val, enumerable: true, writable: true, configurable: true });
      else ext[key] = val;
    }
    cmd.extFields = ext;
  }
  return cmd;
}
