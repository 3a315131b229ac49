import * as zlib from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bodyCrc, crc32, crc32Table } from '../../../src/message/index.js';

describe('crc32', () => {
  it('matches the standard check value and Java UtilAll.crc32 masking', () => {
    expect(crc32Table(Buffer.from('123456789'))).toBe(0xcbf43926);
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
    expect(crc32Table(Buffer.alloc(0))).toBe(0);
    expect(bodyCrc(Buffer.from('123456789'))).toBe(0xcbf43926 & 0x7fffffff);
  });

  it('table version agrees with the native one on random input and ranges (fast-check)', () => {
    const native = (zlib as unknown as { crc32?: (b: Uint8Array) => number }).crc32;
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), fc.nat(), fc.nat(), (a, x, y) => {
        const buf = Buffer.from(a);
        const s = a.length === 0 ? 0 : x % a.length;
        const e = s + (a.length === 0 ? 0 : y % (a.length - s + 1));
        expect(crc32Table(buf, s, e)).toBe(crc32(buf, s, e));
        if (native !== undefined) expect(crc32Table(buf)).toBe(native(buf) >>> 0);
      }),
      { numRuns: 500 },
    );
  });
});
