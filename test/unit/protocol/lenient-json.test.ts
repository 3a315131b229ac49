import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../../../src/errors.js';
import { parseComplexKeyJson } from '../../../src/protocol/complex-key-json.js';
import { parseLenientJson, quoteBareIntegerKeys } from '../../../src/protocol/lenient-json.js';

describe('parseLenientJson', () => {
  it('quotes bare integer keys after { and , (with whitespace and negatives)', () => {
    expect(parseLenientJson('{0:"a", 1 :"b",\n-2:"c"}')).toEqual({ '0': 'a', '1': 'b', '-2': 'c' });
    expect(parseLenientJson(Buffer.from('{"x":{10:"y"}}'))).toEqual({ x: { '10': 'y' } });
  });

  it('leaves string literals alone, including escaped quotes', () => {
    const text = '{"k":"{0:\\"x\\",1:2}","m":{0:"a,1:b"},"z":"\\\\",2:"w"}';
    expect(parseLenientJson(text)).toEqual({ k: '{0:"x",1:2}', m: { '0': 'a,1:b' }, z: '\\', '2': 'w' });
  });

  it('leaves arrays of numbers alone', () => {
    expect(parseLenientJson('{"a":[1,2,3],"b":[{1:2}]}')).toEqual({ a: [1, 2, 3], b: [{ '1': 2 }] });
  });

  it('returns standard JSON text untouched', () => {
    const text = '{"0":"a","b":[1,-2.5e3,true,null]}';
    expect(quoteBareIntegerKeys(text)).toBe(text);
  });

  it('rejects junk, absurd nesting and unterminated strings with ProtocolError only', () => {
    for (const bad of ['', '{', '{0}', '{"a":', '{a:1}', '"abc', '{0:"x"', '['.repeat(200000), "{'a':1}", 'NaN']) {
      expect(() => parseLenientJson(bad), bad.slice(0, 20)).toThrow(ProtocolError);
    }
  });

  it('property: any JSON value survives a rewrite of itself unchanged', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const text = JSON.stringify(v);
        expect(quoteBareIntegerKeys(text)).toBe(text);
        expect(parseLenientJson(text)).toEqual(JSON.parse(text));
      }),
      { numRuns: 300 },
    );
  });

  it('property: maps with integer keys written bare parse back, whatever the string values contain', () => {
    const hostile = fc.string({ unit: fc.constantFrom('{', '}', ',', ':', '"', '\\', '0', '1', '-', ' ', 'a') });
    fc.assert(
      fc.property(fc.dictionary(fc.integer({ min: -1000, max: 1e9 }).map(String), hostile), (map) => {
        const text = `{${Object.entries(map)
          .map(([k, v]) => `${k}:${JSON.stringify(v)}`)
          .join(',')}}`;
        expect(parseLenientJson(text)).toEqual(map);
      }),
      { numRuns: 300 },
    );
  });

  it('property: random text yields a value or a ProtocolError, never another error', () => {
    const alphabet = fc.constantFrom('{', '}', '[', ']', ',', ':', '"', '\\', '0', '7', '-', ' ', 'a', 'u', 'e', '.', 't');
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: alphabet })), (text) => {
        try {
          parseLenientJson(text);
        } catch (err) {
          expect(err).toBeInstanceOf(ProtocolError);
        }
      }),
      { numRuns: 1000 },
    );
  });
});

describe('parseComplexKeyJson', () => {
  it('reads object keys as Maps', () => {
    const v = parseComplexKeyJson('{"offsetTable":{{"brokerName":"b","queueId":0,"topic":"T"}:42, 7 : [1,"x",null,true]}}');
    const table = (v as Map<unknown, unknown>).get('offsetTable') as Map<unknown, unknown>;
    const [[k1, v1], [k2, v2]] = [...table];
    expect(k1).toEqual(new Map<unknown, unknown>([['brokerName', 'b'], ['queueId', 0], ['topic', 'T']]));
    expect(v1).toBe(42);
    expect(k2).toBe(7);
    expect(v2).toEqual([1, 'x', null, true]);
  });

  it('property: agrees with JSON.parse on standard JSON (objects as Maps)', () => {
    const toPlain = (v: unknown): unknown =>
      v instanceof Map ? Object.fromEntries([...v].map(([k, x]) => [String(k), toPlain(x)])) : Array.isArray(v) ? v.map(toPlain) : v;
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const text = JSON.stringify(v);
        expect(toPlain(parseComplexKeyJson(text))).toEqual(JSON.parse(text));
      }),
      { numRuns: 300 },
    );
  });

  it('property: junk yields only ProtocolError', () => {
    const alphabet = fc.constantFrom('{', '}', '[', ']', ',', ':', '"', '\\', '0', '-', ' ', 'n', 'u', 'l');
    fc.assert(
      fc.property(fc.string({ unit: alphabet }), (text) => {
        try {
          parseComplexKeyJson(text);
        } catch (err) {
          expect(err).toBeInstanceOf(ProtocolError);
        }
      }),
      { numRuns: 1000 },
    );
    expect(() => parseComplexKeyJson('['.repeat(10000))).toThrow(ProtocolError);
  });
});
