/**
 * The properties string: `name 0x01 value 0x02` per pair, UTF-8, the last pair also ending with 0x02
 * (MessageDecoder#messageProperties2String / #string2messageProperties).
 * @module
 */
import { ValidationError } from '../errors.js';
import { NAME_VALUE_SEPARATOR, PROPERTY_SEPARATOR } from './constants.js';

/**
 * Encodes properties. Pairs whose value is `undefined`/`null` are skipped, as Java skips null values.
 * No validation happens here (Java does none either); call {@link validatePropertyText} on user input first.
 */
export function encodeProperties(properties: Readonly<Record<string, string | undefined | null>>): string {
  let out = '';
  for (const name in properties) {
    if (!Object.prototype.hasOwnProperty.call(properties, name)) continue;
    const value = properties[name];
    if (value === undefined || value === null) continue;
    out += name + NAME_VALUE_SEPARATOR + value + PROPERTY_SEPARATOR;
  }
  return out;
}

/** Sets a key on a plain object, even `__proto__`, without touching the prototype. */
export function setOwn(target: Record<string, string>, name: string, value: string): void {
  if (name === '__proto__') {
    Object.defineProperty(target, name, { value, enumerable: true, writable: true, configurable: true });
  } else {
    target[name] = value;
  }
}

/**
 * Decodes a properties string the way Java does: segments (between 0x02s) shorter than 3 characters are
 * skipped, as are pairs with an empty name or an empty value; the value runs from the first 0x01 to the
 * segment's end (so it may itself hold 0x01); a repeated name keeps the last value.
 */
export function decodeProperties(text: string): Record<string, string> {
  const map: Record<string, string> = {};
  const len = text.length;
  let index = 0;
  while (index < len) {
    let end = text.indexOf(PROPERTY_SEPARATOR, index);
    if (end < 0) end = len;
    if (end - index >= 3) {
      const sep = text.indexOf(NAME_VALUE_SEPARATOR, index);
      if (sep > index && sep < end - 1) setOwn(map, text.slice(index, sep), text.slice(sep + 1, end));
    }
    index = end + 1;
  }
  return map;
}

/**
 * Rejects a property name or value that would corrupt the encoding: one holding 0x01 or 0x02, or an empty
 * one (Java's decoder would silently drop the pair).
 * @param what - used in the error message, e.g. `property name`.
 * @throws ValidationError
 */
export function validatePropertyText(text: string, what = 'property'): void {
  if (typeof text !== 'string') throw new ValidationError(`${what} must be a string`);
  if (text.length === 0) throw new ValidationError(`${what} must not be empty`);
  if (text.includes(NAME_VALUE_SEPARATOR) || text.includes(PROPERTY_SEPARATOR)) {
    throw new ValidationError(`${what} must not contain the characters \\u0001 or \\u0002: ${JSON.stringify(text)}`);
  }
}

/** Validates every name and value of a properties record with {@link validatePropertyText}. */
export function validateProperties(properties: Readonly<Record<string, string>>): void {
  for (const name of Object.keys(properties)) {
    validatePropertyText(name, 'property name');
    validatePropertyText(properties[name], `value of property ${JSON.stringify(name)}`);
  }
}
