/**
 * Lenient JSON for bodies written by fastjson's default serializer. fastjson writes the keys of a `Map<Long, …>` or
 * `Map<Integer, …>` unquoted (`{"brokerAddrs":{0:"10.0.0.1:10911"}}`), which `JSON.parse` rejects. Older clients
 * parsed this with `eval`; we never do. Instead a single pass that knows where string literals start and end quotes
 * an integer key when it directly follows `{` or `,` (ignoring whitespace) and is directly followed by `:`. Text inside
 * string literals is copied untouched, so a value such as `"{0:x}"` survives as it was. The result then goes through
 * `JSON.parse`, so anything that is still not JSON is rejected.
 * @module
 */

import { ProtocolError } from '../errors.js';

const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
const isSpace = (c: number): boolean => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;

/**
 * Rewrites fastjson's bare integer keys into quoted ones; everything else is copied verbatim.
 * Exposed for tests; most callers want {@link parseLenientJson}.
 * @param text - fastjson or standard JSON text
 */
export function quoteBareIntegerKeys(text: string): string {
  let out = '';
  let copiedUpTo = 0;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      // Skip the whole string literal, honouring backslash escapes; an unterminated one runs to the end and is
      // left for JSON.parse to reject.
      i++;
      while (i < n) {
        const d = text.charCodeAt(i);
        if (d === 0x5c /* \ */) i += 2;
        else if (d === 0x22) {
          i++;
          break;
        } else i++;
      }
      continue;
    }
    if (c === 0x7b /* { */ || c === 0x2c /* , */) {
      let j = i + 1;
      while (j < n && isSpace(text.charCodeAt(j))) j++;
      const keyStart = j;
      if (j < n && text.charCodeAt(j) === 0x2d /* - */) j++;
      const digitsStart = j;
      while (j < n && isDigit(text.charCodeAt(j))) j++;
      if (j > digitsStart) {
        const keyEnd = j;
        while (j < n && isSpace(text.charCodeAt(j))) j++;
        if (j < n && text.charCodeAt(j) === 0x3a /* : */) {
          out += text.slice(copiedUpTo, keyStart) + '"' + text.slice(keyStart, keyEnd) + '"';
          copiedUpTo = keyEnd;
          i = keyEnd;
          continue;
        }
      }
    }
    i++;
  }
  return copiedUpTo === 0 ? text : out + text.slice(copiedUpTo);
}

/**
 * Parses standard JSON or fastjson's legacy form (bare integer map keys). Never evaluates code.
 * @param input - UTF-8 bytes or text
 * @throws ProtocolError when the text is not JSON even after quoting bare integer keys
 */
export function parseLenientJson(input: string | Buffer): unknown {
  const text = typeof input === 'string' ? input : input.toString('utf8');
  try {
    return JSON.parse(quoteBareIntegerKeys(text));
  } catch (err) {
    // SyntaxError for junk, RangeError for absurd nesting: both are bad input, not bugs.
    const preview = text.length > 60 ? `${text.slice(0, 60)}…` : text;
    throw new ProtocolError(`invalid JSON body: ${JSON.stringify(preview)}`, { cause: err });
  }
}
