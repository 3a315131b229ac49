import { describe, expect, it } from 'vitest';
import { CommitLogReadCache, WINDOW_BYTES } from '../../../../src/mock/store/read-cache.js';

/** A fake log of `len` bytes (byte i = i mod 251) counting raw reads. */
function log(len: number) {
  const bytes = Buffer.alloc(len);
  for (let i = 0; i < len; i++) bytes[i] = i % 251;
  const reads: number[] = [];
  const readRaw = (offset: number, max: number): Buffer => {
    reads.push(offset);
    return Buffer.from(bytes.subarray(offset, Math.min(len, offset + max)));
  };
  return { bytes, reads, readRaw };
}

describe('CommitLogReadCache', () => {
  it('serves records inside a window as views after one read, and misses past its end', () => {
    const l = log(WINDOW_BYTES * 3);
    const c = new CommitLogReadCache(l.readRaw);
    expect(c.get(100, 50)).toEqual(l.bytes.subarray(100, 150));
    expect(c.get(5000, 1200)).toEqual(l.bytes.subarray(5000, 6200));
    expect(l.reads).toEqual([100]);
    expect(c.get(100 + WINDOW_BYTES - 10, 20)).toEqual(l.bytes.subarray(100 + WINDOW_BYTES - 10, 100 + WINDOW_BYTES + 10));
    expect(l.reads).toEqual([100, 100 + WINDOW_BYTES - 10]);
  });

  it('answers undefined when the log is shorter than the record, and reads again after clear()', () => {
    const l = log(1000);
    const c = new CommitLogReadCache(l.readRaw);
    expect(c.get(990, 20)).toBeUndefined();
    expect(c.get(0, 10)).toEqual(l.bytes.subarray(0, 10));
    c.clear();
    expect(c.get(0, 10)).toEqual(l.bytes.subarray(0, 10));
    expect(l.reads).toEqual([990, 0, 0]);
  });

  it('keeps a few windows, least recently used out first', () => {
    const l = log(WINDOW_BYTES * 10);
    const c = new CommitLogReadCache(l.readRaw);
    for (let w = 0; w < 9; w++) c.get(w * WINDOW_BYTES, 10);
    expect(l.reads.length).toBe(9);
    c.get(8 * WINDOW_BYTES + 5, 10); // still cached
    c.get(0, 10); // evicted: the ninth window pushed it out
    expect(l.reads.length).toBe(10);
  });
});
