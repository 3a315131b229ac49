import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../../../src/errors.js';
import { createRequest } from '../../../src/remoting/command.js';
import { decodeFrame, encodeFrame } from '../../../src/remoting/frame.js';
import { FrameSplitter } from '../../../src/remoting/splitter.js';

function frames(n: number): Buffer[] {
  return Array.from({ length: n }, (_, i) =>
    encodeFrame({ ...createRequest(10 + i, { k: 'v'.repeat(i) }, Buffer.alloc(i * 7, i)), opaque: i }),
  );
}

describe('FrameSplitter', () => {
  it('cuts a frame split at every byte position', () => {
    const frame = encodeFrame({ ...createRequest(310, { a: 'b' }, Buffer.from('body')), opaque: 9 });
    for (let cut = 0; cut <= frame.length; cut++) {
      const s = new FrameSplitter();
      const out = [...s.push(frame.subarray(0, cut)), ...s.push(frame.subarray(cut))];
      expect(out).toHaveLength(1);
      expect(out[0].equals(frame.subarray(4))).toBe(true);
      expect(s.buffered).toBe(0);
    }
  });

  it('cuts coalesced frames from one chunk as views, and byte-by-byte streams', () => {
    const all = frames(6);
    const stream = Buffer.concat(all);
    const s = new FrameSplitter();
    const out = s.push(stream);
    expect(out.map((f) => decodeFrame(f).opaque)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(out[3].buffer).toBe(stream.buffer);

    const t = new FrameSplitter();
    const got: number[] = [];
    for (let i = 0; i < stream.length; i++) for (const f of t.push(stream.subarray(i, i + 1))) got.push(decodeFrame(f).opaque);
    expect(got).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('handles random chunkings of many frames', () => {
    const all = frames(20);
    const stream = Buffer.concat(all);
    for (let round = 0; round < 50; round++) {
      const s = new FrameSplitter();
      const got: Buffer[] = [];
      let off = 0;
      while (off < stream.length) {
        const len = 1 + Math.floor(Math.random() * 200);
        got.push(...s.push(stream.subarray(off, off + len)));
        off += len;
      }
      expect(got.map((f) => f.toString('hex'))).toEqual(all.map((f) => f.subarray(4).toString('hex')));
    }
  });

  it('rejects a frame over the maximum as soon as its length is seen', () => {
    const s = new FrameSplitter({ maxFrameSize: 1024 });
    const big = encodeFrame(createRequest(10, {}, Buffer.alloc(1100)));
    expect(() => s.push(big.subarray(0, 4))).toThrow(/exceeds the 1024-byte maximum/);
    expect(() => s.push(Buffer.alloc(1))).toThrow(ProtocolError);
    // Exactly at the maximum (prefix included) is fine.
    const empty = encodeFrame(createRequest(10, {})).length;
    const fit = encodeFrame(createRequest(10, {}, Buffer.alloc(1024 - empty)));
    expect(fit.length).toBe(1024);
    expect(new FrameSplitter({ maxFrameSize: 1024 }).push(fit)).toHaveLength(1);
  });

  it('rejects the default 16 MiB overflow', () => {
    const head = Buffer.alloc(8);
    head.writeInt32BE(16 * 1024 * 1024 - 3, 0);
    expect(() => new FrameSplitter().push(head)).toThrow(ProtocolError);
  });

  it.each([
    ['negative length', 'ffffffff'],
    ['length 0', '00000000'],
    ['length 3', '00000003'],
    ['header length past the frame', '00000008 00000005 00000000'],
    ['header length past the frame, ROCKETMQ', '00000010 01000100'],
  ])('rejects %s', (_name, hex) => {
    expect(() => new FrameSplitter().push(Buffer.from(hex.replace(/\s/g, ''), 'hex'))).toThrow(ProtocolError);
  });

  it('checks the header-length word before buffering the body', () => {
    const s = new FrameSplitter();
    expect(s.push(Buffer.from('00100000', 'hex'))).toEqual([]);
    expect(() => s.push(Buffer.from('00ffffff', 'hex'))).toThrow(/header length/);
  });

  it('accepts Uint8Array chunks and ignores empty ones', () => {
    const [f] = frames(1);
    const s = new FrameSplitter();
    expect(s.push(new Uint8Array(0))).toEqual([]);
    expect(s.push(new Uint8Array(f))).toHaveLength(1);
  });
  it('copies only the frame that spans chunks: the frames after it stay views of their chunk', () => {
    const big = encodeFrame({ ...createRequest(11, { k: 'v' }, Buffer.alloc(5000, 7)), opaque: 1 });
    const [a, b] = frames(3).slice(1);
    const second = Buffer.concat([big.subarray(3000), a, b]);
    const s = new FrameSplitter();
    expect(s.push(big.subarray(0, 1000))).toEqual([]);
    expect(s.push(big.subarray(1000, 3000))).toEqual([]);
    expect(s.buffered).toBe(3000);
    const out = s.push(second);
    expect(out.map((f) => decodeFrame(f).opaque)).toEqual([1, 1, 2]);
    expect(out[0].equals(big.subarray(4))).toBe(true);
    expect(out[0].buffer).not.toBe(second.buffer);
    expect(out[1].buffer).toBe(second.buffer);
    expect(out[2].buffer).toBe(second.buffer);
    expect(s.buffered).toBe(0);
  });

  it('checks the length words of a frame whose first bytes came in tiny pieces', () => {
    const s = new FrameSplitter({ maxFrameSize: 64 });
    expect(s.push(Buffer.from('00', 'hex'))).toEqual([]);
    expect(s.push(Buffer.from('00', 'hex'))).toEqual([]);
    expect(() => s.push(Buffer.from('0100 0000 0000 0000'.replace(/ /g, ''), 'hex'))).toThrow(/exceeds the 64-byte maximum/);
    const t = new FrameSplitter();
    expect(t.push(Buffer.from('000000', 'hex'))).toEqual([]);
    expect(t.push(Buffer.from('1000', 'hex'))).toEqual([]);
    expect(() => t.push(Buffer.from('ffffff', 'hex'))).toThrow(/header length/);
  });
});
