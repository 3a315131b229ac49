import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../../../src/errors.js';
import { SerializeType, type RemotingCommand } from '../../../src/remoting/command.js';
import { LANGUAGE_CODES, decodeFrame, encodeFrame } from '../../../src/remoting/frame.js';
import { FrameSplitter } from '../../../src/remoting/splitter.js';

const text = fc.string({ unit: 'binary', maxLength: 40 });
const int16 = fc.integer({ min: -32768, max: 32767 });
const int32 = fc.integer({ min: -2147483648, max: 2147483647 });

function commandArb(type: SerializeType): fc.Arbitrary<RemotingCommand> {
  const small = type === SerializeType.ROCKETMQ ? int16 : int32;
  return fc.record(
    {
      code: small,
      language: fc.constantFrom(...LANGUAGE_CODES),
      version: small,
      opaque: int32,
      flag: int32,
      remark: text,
      extFields: fc.dictionary(text, text, { maxKeys: 12 }),
      body: fc.uint8Array({ maxLength: 300 }).map((u) => Buffer.from(u)),
    },
    { requiredKeys: ['code', 'language', 'version', 'opaque', 'flag'] },
  );
}

/** What the peer should read back: the formats drop empty bodies, and ROCKETMQ also drops empty remark/ext. */
function expected(cmd: RemotingCommand, type: SerializeType): RemotingCommand {
  const out: RemotingCommand = { ...cmd, serializeType: type };
  if (!out.body?.length) delete out.body;
  if (type === SerializeType.ROCKETMQ) {
    if (!out.remark) delete out.remark;
    if (!out.extFields || Object.keys(out.extFields).length === 0) delete out.extFields;
  }
  return out;
}

/** Runs `fn`; anything thrown must be a ProtocolError. */
function onlyProtocolErrors(fn: () => void): void {
  try {
    fn();
  } catch (err) {
    if (!(err instanceof ProtocolError)) throw new Error(`unexpected ${(err as Error)?.constructor?.name}: ${String(err)}`);
  }
}

/** Valid frames, then damaged in the ways a broken peer or a stray client would damage them. */
const validFrame = fc.oneof(commandArb(SerializeType.JSON), commandArb(SerializeType.ROCKETMQ)).chain((cmd) =>
  fc.constantFrom(SerializeType.JSON, SerializeType.ROCKETMQ).map((t) => {
    const c = t === SerializeType.ROCKETMQ ? { ...cmd, code: cmd.code & 0x7fff, version: cmd.version & 0x7fff } : cmd;
    return encodeFrame(c, { serializeType: t });
  }),
);
const hostileFrame: fc.Arbitrary<Buffer> = fc.oneof(
  // Random bytes.
  fc.uint8Array({ maxLength: 200 }).map((u) => Buffer.from(u)),
  // Truncated valid frames.
  validFrame.chain((f) => fc.nat(f.length).map((n) => f.subarray(0, n))),
  // Random byte overwrites.
  validFrame.chain((f) =>
    fc.array(fc.tuple(fc.nat(f.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }).map((edits) => {
      const g = Buffer.from(f);
      for (const [i, b] of edits) g[i] = b;
      return g;
    }),
  ),
  // Wrong total, header length or serialize type.
  validFrame.chain((f) =>
    fc.tuple(int32, fc.integer({ min: 0, max: 0xffffff }), fc.integer({ min: 0, max: 255 }), fc.nat(2)).map(([total, hl, st, which]) => {
      const g = Buffer.from(f);
      if (which === 0) g.writeInt32BE(total, 0);
      else if (which === 1) g.writeUInt32BE(((g[4] << 24) | hl) >>> 0, 4);
      else g[4] = st;
      return g;
    }),
  ),
  // JSON headers with hostile text.
  fc.oneof(fc.string({ unit: 'binary', maxLength: 80 }), fc.json({ maxDepth: 3 }), fc.constant('{"code":1,"opaque":1,"extFields":{"a":[1]}}')).map((t) => {
    const header = Buffer.from(t, 'utf8');
    const g = Buffer.alloc(8 + header.length);
    g.writeInt32BE(4 + header.length, 0);
    g.writeInt32BE(header.length, 4);
    header.copy(g, 8);
    return g;
  }),
  // ROCKETMQ headers with random content behind a consistent prefix.
  fc.uint8Array({ minLength: 0, maxLength: 120 }).map((u) => {
    const g = Buffer.alloc(8 + u.length);
    g.writeInt32BE(4 + u.length, 0);
    g.writeInt32BE((1 << 24) | u.length, 4);
    g.set(u, 8);
    return g;
  }),
);

describe('frame codec properties', () => {
  for (const type of [SerializeType.JSON, SerializeType.ROCKETMQ]) {
    it(`round-trips random commands (${type === 0 ? 'JSON' : 'ROCKETMQ'})`, () => {
      fc.assert(
        fc.property(commandArb(type), (cmd) => {
          const frame = encodeFrame(cmd, { serializeType: type });
          expect(frame.readInt32BE(0)).toBe(frame.length - 4);
          const [only] = new FrameSplitter().push(frame);
          expect(decodeFrame(only)).toEqual(expected(cmd, type));
        }),
        { numRuns: 1500 },
      );
    });
  }

  it('decodeFrame throws nothing but ProtocolError on 10,000 hostile frames', () => {
    let decoded = 0;
    fc.assert(
      fc.property(hostileFrame, (frame) => {
        onlyProtocolErrors(() => {
          decodeFrame(frame.subarray(4));
          decoded++;
        });
      }),
      { numRuns: 10_000 },
    );
    // Some mutations stay valid (e.g. a flipped body byte): the generator must not be all garbage or all valid.
    expect(decoded).toBeGreaterThan(100);
    expect(decoded).toBeLessThan(9_900);
  });

  it('FrameSplitter + decodeFrame throw nothing but ProtocolError on 10,000 hostile streams', () => {
    fc.assert(
      fc.property(fc.array(hostileFrame, { minLength: 1, maxLength: 4 }), fc.integer({ min: 1, max: 64 }), (list, chunk) => {
        const stream = Buffer.concat(list);
        const splitter = new FrameSplitter({ maxFrameSize: 4096 });
        onlyProtocolErrors(() => {
          for (let off = 0; off < stream.length; off += chunk) {
            for (const f of splitter.push(stream.subarray(off, off + chunk))) {
              expect(f.length).toBeLessThanOrEqual(4092);
              onlyProtocolErrors(() => decodeFrame(f));
            }
          }
        });
      }),
      { numRuns: 10_000 },
    );
  });
});
