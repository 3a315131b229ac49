import * as zlib from 'node:zlib';
import { deflateSync, inflateSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CompressionError } from '../../../src/errors.js';
import { compressBody, decompressBody, MessageSysFlag, ZSTD_SUPPORTED } from '../../../src/message/index.js';

describe('compression', () => {
  it('compresses to a zlib (RFC 1950) stream flagged 0x301, like Java >= 4.9.4', () => {
    const body = Buffer.from('RocketMQ '.repeat(600));
    const { body: packed, sysFlagBits } = compressBody(body);
    expect(sysFlagBits).toBe(MessageSysFlag.COMPRESSED | MessageSysFlag.COMPRESSION_ZLIB_TYPE);
    expect(sysFlagBits).toBe(0x301);
    expect(packed[0]).toBe(0x78); // zlib header: deflate, 32K window (what java.util.zip.Deflater writes)
    expect((packed[0] * 256 + packed[1]) % 31).toBe(0);
    expect(inflateSync(packed).equals(body)).toBe(true);
    expect(packed.length).toBeLessThan(body.length / 10);
  });

  it('inflates a zlib stream from another writer, with type 0 (old Java) or ZLIB', () => {
    const body = Buffer.from('hello hello hello');
    for (const level of [1, 5, 9]) {
      const javaLike = deflateSync(body, { level });
      expect(decompressBody(javaLike, 0x1).equals(body)).toBe(true);
      expect(decompressBody(javaLike, 0x301).equals(body)).toBe(true);
    }
  });

  it('round-trips any body at any level (fast-check)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 5000 }), fc.integer({ min: 0, max: 9 }), (a, level) => {
        const { body, sysFlagBits } = compressBody(Buffer.from(a), level);
        expect(decompressBody(body, sysFlagBits).equals(Buffer.from(a))).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('reports LZ4, unknown codecs, corrupt data and oversized output as CompressionError', () => {
    const packed = compressBody(Buffer.alloc(10_000)).body;
    expect(() => decompressBody(packed, 0x101)).toThrow(CompressionError);
    expect(() => decompressBody(packed, 0x101)).toThrow(/LZ4/);
    expect(() => decompressBody(packed, 0x401)).toThrow(/unknown compression type/);
    expect(() => decompressBody(Buffer.from('not zlib'), 0x301)).toThrow(CompressionError);
    expect(() => decompressBody(packed.subarray(0, packed.length - 3), 0x301)).toThrow(CompressionError);
    expect(() => decompressBody(packed, 0x301, { maxOutputLength: 1000 })).toThrow(CompressionError);
    expect(() => compressBody(Buffer.alloc(1), 11)).toThrow(CompressionError);
  });

  it('ZSTD works if this Node has it, else names ZSTD in a CompressionError', () => {
    if (ZSTD_SUPPORTED) {
      // Node >= 22.15 path: round-trip through the native codec.
      const zstd = (zlib as unknown as { zstdCompressSync: (b: Buffer) => Buffer }).zstdCompressSync;
      const body = Buffer.from('zstd body '.repeat(50));
      expect(decompressBody(zstd(body), 0x201).equals(body)).toBe(true);
    } else {
      expect(() => decompressBody(Buffer.from([0x28, 0xb5, 0x2f, 0xfd]), 0x201)).toThrow(/ZSTD/);
      expect(() => decompressBody(Buffer.from([0x28, 0xb5, 0x2f, 0xfd]), 0x201)).toThrow(CompressionError);
    }
  });
});
