import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ProtocolError, ValidationError } from '../../../src/errors.js';
import { decodeBatchBody, decodeBatchBodyRaw, decodeProperties, encodeBatchBody } from '../../../src/message/index.js';

const propText = fc.string({ minLength: 1, maxLength: 12 }).filter((s) => !/[\u0001\u0002]/.test(s));
const item = fc.record({
  body: fc.uint8Array({ maxLength: 200 }).map((a) => Buffer.from(a)),
  flag: fc.integer({ min: -0x80000000, max: 0x7fffffff }),
  properties: fc.dictionary(propText, propText, { maxKeys: 5 }),
});

describe('batch body (MessageDecoder#encodeMessages)', () => {
  it('lays out TOTALSIZE | MAGIC 0 | BODYCRC 0 | FLAG | BODYLEN+body | PROPSLEN+props', () => {
    const buf = encodeBatchBody([{ body: Buffer.from('hi'), flag: 5, properties: { UNIQ_KEY: 'AB' } }]);
    const props = 'UNIQ_KEY\u0001AB\u0002';
    const expected = Buffer.concat([
      Buffer.from('00000024' + '00000000' + '00000000' + '00000005' + '00000002', 'hex'),
      Buffer.from('hi'),
      Buffer.from('000c', 'hex'),
      Buffer.from(props),
    ]);
    expect(expected.length).toBe(0x24);
    expect(buf.equals(expected)).toBe(true);
  });

  it('round-trips (fast-check)', () => {
    fc.assert(
      fc.property(fc.array(item, { minLength: 1, maxLength: 10 }), (items) => {
        const back = decodeBatchBody(encodeBatchBody(items));
        expect(back).toHaveLength(items.length);
        back.forEach((m, i) => {
          expect(m.body.equals(items[i].body)).toBe(true);
          expect(m.flag).toBe(items[i].flag);
          expect(m.properties).toEqual(items[i].properties);
        });
      }),
      { numRuns: 300 },
    );
  });

  it('decodeBatchBodyRaw keeps the properties text as sent; same items as decodeBatchBody (fast-check)', () => {
    const raw = decodeBatchBodyRaw(encodeBatchBody([{ body: Buffer.from('hi'), flag: 5, properties: { UNIQ_KEY: 'AB', TAGS: 't' } }]));
    expect(raw).toHaveLength(1);
    expect(raw[0].propertiesText).toBe('UNIQ_KEY\u0001AB\u0002TAGS\u0001t\u0002');
    fc.assert(
      fc.property(fc.array(item, { minLength: 1, maxLength: 10 }), (items) => {
        const buf = encodeBatchBody(items);
        const decoded = decodeBatchBody(buf);
        decodeBatchBodyRaw(buf).forEach((m, i) => {
          expect(m.body.equals(decoded[i].body)).toBe(true);
          expect(m.body.buffer).toBe(buf.buffer); // a view, not a copy
          expect(m.flag).toBe(decoded[i].flag);
          expect(decodeProperties(m.propertiesText)).toEqual(decoded[i].properties);
        });
      }),
      { numRuns: 200 },
    );
  });

  it('rejects bad input with typed errors', () => {
    expect(() => encodeBatchBody([])).toThrow(ValidationError);
    expect(() => encodeBatchBody([{ body: Buffer.alloc(0), flag: 2 ** 40, properties: {} }])).toThrow(ValidationError);
    const good = encodeBatchBody([{ body: Buffer.from('abc'), flag: 0, properties: { A: 'b' } }]);
    for (let n = 1; n < good.length; n++) expect(() => decodeBatchBody(good.subarray(0, n))).toThrow(ProtocolError);
    fc.assert(
      fc.property(fc.nat({ max: good.length - 1 }), fc.integer({ min: 0, max: 255 }), (i, v) => {
        const buf = Buffer.from(good);
        buf[i] = v;
        for (const decode of [decodeBatchBody, decodeBatchBodyRaw]) {
          try {
            decode(buf);
          } catch (err) {
            expect(err).toBeInstanceOf(ProtocolError);
          }
        }
      }),
      { numRuns: 2000 },
    );
  });
});
