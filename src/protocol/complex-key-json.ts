/**
 * A small recursive-descent reader for fastjson output whose map keys are objects. fastjson writes a
 * `Map<MessageQueue, Long>` (reset-offset bodies, running-info `mqTable`) as
 * `{{"brokerName":"b","queueId":0,"topic":"T"}:42}`, which neither `JSON.parse` nor the bare-integer-key rewrite can
 * read. Here every JSON object becomes a `Map` whose keys are parsed values (strings, numbers or nested Maps), so the
 * caller can walk such tables. Depth is capped so hostile input cannot exhaust the stack. Never evaluates code.
 * @module
 */

import { ProtocolError } from '../errors.js';

/** A parsed value: objects become `Map`s keyed by parsed values. */
export type ComplexJsonValue = null | boolean | number | string | ComplexJsonValue[] | Map<ComplexJsonValue, ComplexJsonValue>;

const MAX_DEPTH = 200;

/**
 * Parses fastjson text that may use objects (or bare numbers) as map keys.
 * @param text - the JSON text
 * @throws ProtocolError on malformed input or nesting deeper than 200
 */
export function parseComplexKeyJson(text: string): ComplexJsonValue {
  let i = 0;
  const fail = (why: string): never => {
    throw new ProtocolError(`invalid JSON body at ${i}: ${why}`);
  };
  const ws = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text[i])) i++;
  };
  const str = (): string => {
    const start = i;
    i++;
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    if (i >= text.length) fail('unterminated string');
    i++;
    try {
      return JSON.parse(text.slice(start, i)) as string;
    } catch {
      return fail('bad string escape');
    }
  };
  const value = (depth: number): ComplexJsonValue => {
    if (depth > MAX_DEPTH) fail('nesting too deep');
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const map = new Map<ComplexJsonValue, ComplexJsonValue>();
      ws();
      if (text[i] === '}') {
        i++;
        return map;
      }
      for (;;) {
        const key = value(depth + 1);
        ws();
        if (text[i] !== ':') fail('expected ":"');
        i++;
        map.set(key, value(depth + 1));
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === '}') {
          i++;
          return map;
        } else fail('expected "," or "}"');
      }
    }
    if (c === '[') {
      i++;
      const arr: ComplexJsonValue[] = [];
      ws();
      if (text[i] === ']') {
        i++;
        return arr;
      }
      for (;;) {
        arr.push(value(depth + 1));
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === ']') {
          i++;
          return arr;
        } else fail('expected "," or "]"');
      }
    }
    if (c === '"') return str();
    const m = /^(?:-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i, i + 40));
    if (!m) return fail('unexpected character');
    i += m[0].length;
    return m[0] === 'true' ? true : m[0] === 'false' ? false : m[0] === 'null' ? null : Number(m[0]);
  };
  const result = value(0);
  ws();
  if (i !== text.length) fail('trailing characters');
  return result;
}
