/**
 * Custom-header plumbing shared by every request module: a small typed schema per header maps each field to its wire
 * name and kind, so encoding (→ `extFields` strings) and decoding (strings → validated values) live in one place and
 * every module reports a missing or malformed field the same way.
 *
 * Java parses header numbers with `Integer.parseInt`/`Long.parseLong` and booleans with `Boolean.parseBoolean`; we
 * mirror that, except that a malformed number is a {@link ProtocolError} naming the field instead of a stack trace.
 * @module
 */

import { ProtocolError, ValidationError, type ErrorContext } from '../errors.js';
import type { RemotingCommand } from '../remoting/command.js';
import { errorFromResponse } from './response-codes.js';
import { requestCodeName } from './request-codes.js';
import { parseLenientJson } from './lenient-json.js';

/** Wire kinds: `int` is a Java int (32-bit), `long` a Java long (kept as a JS number), `bool` a Java boolean. */
export type FieldKind = 'string' | 'int' | 'long' | 'bool';

/** The kinds a TypeScript field type may use. */
type KindFor<V> = [V] extends [string] ? 'string' : [V] extends [number] ? 'int' | 'long' : [V] extends [boolean] ? 'bool' : never;

/** Schema entry for one header field. */
export type FieldSpec<V, Optional extends boolean> = {
  /** How the value is written and parsed. */
  readonly kind: KindFor<V>;
  /** Name on the wire when it differs from the property name (e.g. `a` for SEND_MESSAGE_V2's producerGroup). */
  readonly wire?: string;
} & (Optional extends true
  ? {
      /** Field may be absent. */
      readonly optional: true;
    }
  : {
      /** Field must be present. */
      readonly optional?: false;
    });

/** A schema for header type `T`: one entry per property, optional exactly when the property is optional. */
export type HeaderSchema<T> = {
  readonly [K in keyof T]-?: FieldSpec<Exclude<T[K], undefined>, undefined extends T[K] ? true : false>;
};

const INT_RE = /^[+-]?\d{1,20}$/;
const INT_MIN = -2147483648;
const INT_MAX = 2147483647;
// Long.MAX_VALUE is used as "no upper bound" (e.g. queryMessageByUniqKey's endTimestamp); numbers beyond 2^53 are
// clamped to the safe range, which keeps such sentinels meaningful without BigInt on every header.
const LONG_LIMIT = 9223372036854775807n;

/**
 * Parses a decimal integer the way Java's `parseInt`/`parseLong` would, or returns an error text.
 * @internal
 */
export function parseJavaInteger(text: string, kind: 'int' | 'long'): number | string {
  if (!INT_RE.test(text)) return `is not an integer: ${JSON.stringify(text.slice(0, 40))}`;
  const n = Number(text);
  if (kind === 'int') {
    if (n < INT_MIN || n > INT_MAX) return `is out of int range: ${text}`;
    return n;
  }
  if (Number.isSafeInteger(n)) return n;
  const big = BigInt(text);
  if (big > LONG_LIMIT || big < -LONG_LIMIT - 1n) return `is out of long range: ${text}`;
  return big > 0n ? Number.MAX_SAFE_INTEGER : -Number.MAX_SAFE_INTEGER;
}

/**
 * Encodes a header into `extFields` strings following its schema; absent optional fields are omitted.
 * @param header - header values
 * @param schema - the header's schema
 * @param what - header name for error messages
 * @throws ValidationError when a required field is missing or a number is not an integer
 */
export function toExtFields<T extends object>(header: T, schema: HeaderSchema<T>, what: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of Object.keys(schema) as (keyof T & string)[]) {
    const spec = schema[key] as { kind: FieldKind; wire?: string; optional?: boolean };
    const value = header[key] as unknown;
    if (value === undefined || value === null) {
      if (!spec.optional) throw new ValidationError(`${what}: required field ${key} is missing`);
      continue;
    }
    const wire = spec.wire ?? key;
    switch (spec.kind) {
      case 'string':
        if (typeof value !== 'string') throw new ValidationError(`${what}: field ${key} must be a string`);
        out[wire] = value;
        break;
      case 'bool':
        if (typeof value !== 'boolean') throw new ValidationError(`${what}: field ${key} must be a boolean`);
        out[wire] = value ? 'true' : 'false';
        break;
      default: {
        if (typeof value !== 'number' || !Number.isInteger(value)) {
          throw new ValidationError(`${what}: field ${key} must be an integer, got ${String(value)}`);
        }
        if (spec.kind === 'int' && (value < INT_MIN || value > INT_MAX)) {
          throw new ValidationError(`${what}: field ${key} is out of int range: ${value}`);
        }
        out[wire] = String(value);
      }
    }
  }
  return out;
}

/**
 * Decodes `cmd.extFields` into a header following its schema.
 * @param cmd - the received command
 * @param schema - the header's schema
 * @param what - header name for error messages
 * @throws ProtocolError naming the field when a required field is missing or a number is malformed
 */
export function fromExtFields<T extends object>(cmd: RemotingCommand, schema: HeaderSchema<T>, what: string): T {
  const ext = cmd.extFields ?? {};
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(schema)) {
    const spec = (schema as Record<string, { kind: FieldKind; wire?: string; optional?: boolean }>)[key];
    const wire = spec.wire ?? key;
    const raw = Object.prototype.hasOwnProperty.call(ext, wire) ? ext[wire] : undefined;
    if (raw === undefined || raw === null) {
      if (!spec.optional) {
        throw new ProtocolError(`${what}: required field ${wire === key ? key : `${key} (${wire})`} is missing`, {
          context: { requestCode: cmd.code, opaque: cmd.opaque },
        });
      }
      continue;
    }
    const text = String(raw);
    switch (spec.kind) {
      case 'string':
        out[key] = text;
        break;
      case 'bool':
        // Java Boolean.parseBoolean: only "true" (any case) is true.
        out[key] = text.toLowerCase() === 'true';
        break;
      default: {
        const n = parseJavaInteger(text.trim(), spec.kind as 'int' | 'long');
        if (typeof n === 'string') {
          throw new ProtocolError(`${what}: field ${key} ${n}`, { context: { requestCode: cmd.code, opaque: cmd.opaque } });
        }
        out[key] = n;
      }
    }
  }
  return out as T;
}

/**
 * Throws the table-driven error unless the response code is one of `ok`.
 * @param cmd - the response
 * @param ok - codes that are normal outcomes for this call
 * @param requestCode - the request it answers (for the error context)
 * @param context - what the caller knows (broker address, …)
 * @internal
 */
export function expectCodes(
  cmd: RemotingCommand,
  ok: readonly number[],
  requestCode: number,
  context: ErrorContext = {},
): void {
  if (!ok.includes(cmd.code)) throw errorFromResponse(cmd, { ...context, requestCode: context.requestCode ?? requestCode });
}

/**
 * Ensures a command carries the expected request code (one of `codes`).
 * @internal
 */
export function expectRequestCode(cmd: RemotingCommand, codes: readonly number[]): void {
  if (!codes.includes(cmd.code)) {
    throw new ProtocolError(
      `expected ${codes.map(requestCodeName).join(' or ')}, got ${requestCodeName(cmd.code)} (${cmd.code})`,
      { context: { requestCode: cmd.code, opaque: cmd.opaque } },
    );
  }
}

/**
 * Parses a JSON body (standard or fastjson legacy form) and checks it is an object.
 * @internal
 */
export function parseJsonObject(body: Buffer | undefined, what: string): Record<string, unknown> {
  if (!body || body.length === 0) throw new ProtocolError(`${what}: body is missing`);
  let value: unknown;
  try {
    value = parseLenientJson(body);
  } catch (err) {
    throw new ProtocolError(`${what}: body is not valid JSON`, { cause: err });
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ProtocolError(`${what}: body is not a JSON object`);
  }
  return value as Record<string, unknown>;
}
