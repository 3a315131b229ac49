/**
 * Typed readers for fields of parsed JSON bodies. Each throws a {@link ProtocolError} naming the body and the field, so
 * a malformed body from a peer never surfaces as a `TypeError`.
 * @module
 */

import { ProtocolError } from '../errors.js';

/** A parsed JSON object. */
export type JsonObject = Record<string, unknown>;

function fail(what: string, key: string, expected: string): never {
  throw new ProtocolError(`${what}: field ${key} must be ${expected}`);
}

/** True for a non-null, non-array object. */
export function isJsonObject(v: unknown): v is JsonObject {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Reads a required object member. */
export function reqObject(o: JsonObject, key: string, what: string): JsonObject {
  const v = o[key];
  return isJsonObject(v) ? v : fail(what, key, 'an object');
}

/** Reads an optional object member (absent or null → `undefined`). */
export function optObject(o: JsonObject, key: string, what: string): JsonObject | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  return isJsonObject(v) ? v : fail(what, key, 'an object');
}

/** Reads an array member; absent or null gives `[]` (fastjson omits null collections). */
export function arrayOf(o: JsonObject, key: string, what: string): unknown[] {
  const v = o[key];
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? v : fail(what, key, 'an array');
}

/** Reads a required string member. */
export function reqString(o: JsonObject, key: string, what: string): string {
  const v = o[key];
  return typeof v === 'string' ? v : fail(what, key, 'a string');
}

/** Reads an optional string member. */
export function optString(o: JsonObject, key: string, what: string): string | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  return typeof v === 'string' ? v : fail(what, key, 'a string');
}

/** Reads a required integer member (numbers written as strings are accepted, as fastjson reads them). */
export function reqInt(o: JsonObject, key: string, what: string): number {
  const v = optInt(o, key, what);
  return v === undefined ? fail(what, key, 'an integer') : v;
}

/** Reads an optional integer member. */
export function optInt(o: JsonObject, key: string, what: string): number | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  const n = typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : v;
  return typeof n === 'number' && Number.isInteger(n) ? n : fail(what, key, 'an integer');
}

/** Reads an optional boolean member. */
export function optBool(o: JsonObject, key: string, what: string): boolean | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  return typeof v === 'boolean' ? v : fail(what, key, 'a boolean');
}

/** Reads an array of strings (absent → `[]`). */
export function stringArray(o: JsonObject, key: string, what: string): string[] {
  return arrayOf(o, key, what).map((v) => (typeof v === 'string' ? v : fail(what, key, 'an array of strings')));
}

/** Reads an array of objects (absent → `[]`). */
export function objectArray(o: JsonObject, key: string, what: string): JsonObject[] {
  return arrayOf(o, key, what).map((v) => (isJsonObject(v) ? v : fail(what, key, 'an array of objects')));
}

/**
 * Sets an own property even when the key is `__proto__`, so peer-supplied map keys can never touch a prototype.
 */
export function setOwn<V>(target: Record<string, V>, key: string, value: V): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Reads an array of integers (absent → `[]`). */
export function intArray(o: JsonObject, key: string, what: string): number[] {
  return arrayOf(o, key, what).map((v) => (typeof v === 'number' && Number.isInteger(v) ? v : fail(what, key, 'an array of integers')));
}

/** Reads a required string member that must be one of `allowed`. */
export function reqEnum<T extends string>(o: JsonObject, key: string, what: string, allowed: readonly T[]): T {
  const v = reqString(o, key, what);
  return (allowed as readonly string[]).includes(v) ? (v as T) : fail(what, key, `one of ${allowed.join(', ')}`);
}
