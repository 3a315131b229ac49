import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ProtocolError, ValidationError } from '../../../src/errors.js';
import { createRequest } from '../../../src/remoting/command.js';
import { fromExtFields, parseJavaInteger, toExtFields, type HeaderSchema } from '../../../src/protocol/header-fields.js';
import { wire } from './helpers.js';

interface H {
  s: string;
  i: number;
  l: number;
  b: boolean;
  o?: number;
}
const SCHEMA: HeaderSchema<H> = {
  s: { kind: 'string', wire: 'x' },
  i: { kind: 'int' },
  l: { kind: 'long' },
  b: { kind: 'bool' },
  o: { kind: 'int', optional: true },
};

describe('header schemas', () => {
  it('parses numbers like Java parseInt/parseLong', () => {
    expect(parseJavaInteger('+5', 'int')).toBe(5);
    expect(parseJavaInteger('-2147483648', 'int')).toBe(-2147483648);
    expect(parseJavaInteger('2147483648', 'int')).toMatch(/out of int range/);
    expect(parseJavaInteger('9223372036854775807', 'long')).toBe(Number.MAX_SAFE_INTEGER);
    expect(parseJavaInteger('-9223372036854775808', 'long')).toBe(-Number.MAX_SAFE_INTEGER);
    expect(parseJavaInteger('9223372036854775808', 'long')).toMatch(/out of long range/);
    for (const bad of ['', '1.5', '0x10', ' ', '1e3', 'abc', '--1']) expect(typeof parseJavaInteger(bad, 'long')).toBe('string');
  });

  it('round-trips through real frames, with wire renames and optional fields', () => {
    const h: H = { s: 'v', i: -7, l: 1700000000000, b: true };
    const cmd = wire(createRequest(1, toExtFields(h, SCHEMA, 'H')));
    expect(cmd.extFields).toEqual({ x: 'v', i: '-7', l: '1700000000000', b: 'true' });
    expect(fromExtFields(cmd, SCHEMA, 'H')).toEqual(h);
  });

  it('names the missing or malformed field in a ProtocolError', () => {
    const cmd = createRequest(1, { i: '1', l: '2', b: 'false' });
    expect(() => fromExtFields(cmd, SCHEMA, 'H')).toThrow(ProtocolError);
    expect(() => fromExtFields(cmd, SCHEMA, 'H')).toThrow('H: required field s (x) is missing');
    const bad = createRequest(1, { x: 's', i: '1.5', l: '2', b: 'false' });
    expect(() => fromExtFields(bad, SCHEMA, 'H')).toThrow(/H: field i is not an integer/);
  });

  it('reads booleans as Java Boolean.parseBoolean does', () => {
    const base = { x: 's', i: '1', l: '2' };
    expect(fromExtFields(createRequest(1, { ...base, b: 'TRUE' }), SCHEMA, 'H').b).toBe(true);
    expect(fromExtFields(createRequest(1, { ...base, b: 'yes' }), SCHEMA, 'H').b).toBe(false);
  });

  it('rejects bad caller input with ValidationError', () => {
    expect(() => toExtFields({ s: 'a', i: 1.5, l: 1, b: true }, SCHEMA, 'H')).toThrow(ValidationError);
    expect(() => toExtFields({ s: 'a', i: 2 ** 31, l: 1, b: true }, SCHEMA, 'H')).toThrow(ValidationError);
    expect(() => toExtFields({ i: 1, l: 1, b: true } as unknown as H, SCHEMA, 'H')).toThrow(/required field s/);
  });

  it('property: random extFields decode or fail with ProtocolError only', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom('x', 'i', 'l', 'b', 'o', 'z'), fc.string()), (ext) => {
        try {
          fromExtFields(createRequest(1, ext), SCHEMA, 'H');
        } catch (err) {
          expect(err).toBeInstanceOf(ProtocolError);
        }
      }),
      { numRuns: 500 },
    );
  });
});
