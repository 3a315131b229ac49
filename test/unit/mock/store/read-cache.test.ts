import { describe, expect, it } from 'vitest';
import { CommitLogReadCache, WINDOW_BYTES } from '../../../../src/mock/store/read-cache.js';

const W = WINDOW_BYTES;

/** A fake log of `len` bytes (byte i = i mod 251) in files of `fileSize`, counting raw reads. */
function log(len: number, fileSize = 1 << 30) {
  const bytes = Buffer.alloc(len);
  for (let i = 0; i < len; i++) bytes[i] = i % 251;
  const reads: number[] = [];
  const readRaw = (offset: number, max: number): Buffer => {
    reads.push(offset);
    const fileEnd = offset - (offset % fileSize) + fileSize;
    return Buffer.from(bytes.subarray(offset, Math.min(len, fileEnd, offset + max)));
  };
  return { bytes, reads, cache: new CommitLogReadCache(readRaw, () => fileSize) };
}

describe('CommitLogReadCache', () => {
  it('serves every record of an aligned window as a view after one read', () => {
    const l = log(W * 3);
    expect(l.cache.get(100, 50)).toEqual(l.bytes.subarray(100, 150));
    expect(l.cache.get(5000, 1200)).toEqual(l.bytes.subarray(5000, 6200));
    expect(l.cache.get(W + 10, 20)).toEqual(l.bytes.subarray(W + 10, W + 30));
    expect(l.reads).toEqual([0, W]);
  });

  it('reads a record straddling two windows on its own, and re-reads a window read before its tail was written', () => {
    const l = log(W * 2);
    expect(l.cache.get(W - 10, 20)).toEqual(l.bytes.subarray(W - 10, W + 10));
    expect(l.reads).toEqual([W - 10]);
    const short = log(W);
    expect(short.cache.get(W - 100, 200)).toBeUndefined();
  });

  it('aligns windows inside each file and never reads across a file end', () => {
    const l = log(300_000, 100_000);
    expect(l.cache.get(150_000, 100)).toEqual(l.bytes.subarray(150_000, 150_100));
    expect(l.cache.get(199_000, 900)).toEqual(l.bytes.subarray(199_000, 199_900));
    expect(l.reads).toEqual([100_000]);
  });

  it('keeps a few windows, least recently used out first, and reads again after clear()', () => {
    const l = log(W * 20);
    for (let w = 0; w < 17; w++) l.cache.get(w * W, 10);
    expect(l.reads.length).toBe(17);
    l.cache.get(16 * W + 5, 10); // still cached
    l.cache.get(0, 10); // evicted by the seventeenth
    expect(l.reads.length).toBe(18);
    l.cache.clear();
    l.cache.get(16 * W, 10);
    expect(l.reads.length).toBe(19);
  });
});
