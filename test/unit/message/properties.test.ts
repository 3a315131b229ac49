import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../src/errors.js';
import {
  decodeProperties,
  encodeProperties,
  MessageConst,
  validateProperties,
  validatePropertyText,
} from '../../../src/message/index.js';

/** Property text as a producer may send it: non-empty, no 0x01/0x02. */
const text = fc.string({ minLength: 1, maxLength: 20, unit: 'grapheme' }).filter((s) => !/[\u0001\u0002]/.test(s));

describe('properties codec', () => {
  it('encodes name 0x01 value 0x02, the last pair too', () => {
    expect(encodeProperties({ TAGS: 'TagA', KEYS: 'k1 k2' })).toBe('TAGS\u0001TagA\u0002KEYS\u0001k1 k2\u0002');
    expect(encodeProperties({})).toBe('');
    expect(encodeProperties({ A: 'x', B: undefined, C: null })).toBe('A\u0001x\u0002');
  });

  it('decodes like Java: short segments, empty names and empty values are skipped', () => {
    expect(decodeProperties('')).toEqual({});
    expect(decodeProperties('A\u0001x')).toEqual({ A: 'x' }); // no trailing separator
    expect(decodeProperties('A\u0001\u0002B\u0001yy\u0002')).toEqual({ B: 'yy' }); // empty value
    expect(decodeProperties('\u0001vv\u0002')).toEqual({}); // empty name
    expect(decodeProperties('ab\u0002\u0002C\u0001z\u0002')).toEqual({ C: 'z' }); // short / empty segments
    expect(decodeProperties('noseparator\u0002')).toEqual({});
    expect(decodeProperties('K\u0001a\u0001b\u0002')).toEqual({ K: 'a\u0001b' }); // value keeps later 0x01
    expect(decodeProperties('K\u00011\u0002K\u00012\u0002')).toEqual({ K: '2' }); // last wins
  });

  it('keeps a __proto__ name as data, not as a prototype', () => {
    const p = decodeProperties('__proto__\u0001x\u0002');
    expect(Object.getPrototypeOf(p)).toBe(Object.prototype);
    expect(Object.keys(p)).toEqual(['__proto__']);
    expect(p['__proto__']).toBe('x');
  });

  it('round-trips any valid record (fast-check)', () => {
    fc.assert(
      fc.property(fc.dictionary(text, text, { maxKeys: 12 }), (rec) => {
        const back = decodeProperties(encodeProperties(rec));
        expect(Object.keys(back).sort()).toEqual(Object.keys(rec).sort());
        for (const k of Object.keys(rec)) expect(back[k]).toBe(rec[k]);
      }),
      { numRuns: 500 },
    );
  });

  it('never throws on arbitrary text (fast-check)', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('\u0001', '\u0002', 'a', 'b', 'é') }), (s) => {
        const p = decodeProperties(s);
        for (const [k, v] of Object.entries(p)) {
          expect(k.length).toBeGreaterThan(0);
          expect(v.length).toBeGreaterThan(0);
          expect(k).not.toContain('\u0002');
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('validatePropertyText rejects separators and empty text', () => {
    expect(() => validatePropertyText('ok')).not.toThrow();
    expect(() => validatePropertyText('a\u0001b')).toThrow(ValidationError);
    expect(() => validatePropertyText('a\u0002b')).toThrow(ValidationError);
    expect(() => validatePropertyText('')).toThrow(ValidationError);
    expect(() => validateProperties({ [MessageConst.TAGS]: 'x\u0002' })).toThrow(/value of property "TAGS"/);
  });

  it('uses the Java wire strings', () => {
    expect(MessageConst).toMatchObject({
      KEYS: 'KEYS',
      WAIT: 'WAIT',
      DELAY: 'DELAY',
      UNIQ_KEY: 'UNIQ_KEY',
      REAL_QID: 'REAL_QID',
      TRAN_MSG: 'TRAN_MSG',
      TRANSACTION_ID: '__transactionId__',
      TRACE_ON: 'TRACE_ON',
      SHARDINGKEY: '__SHARDINGKEY',
      FIRST_POP_TIME: '1ST_POP_TIME',
      TIMER_DELAY_MS: 'TIMER_DELAY_MS',
    });
  });
});
