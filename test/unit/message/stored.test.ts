import { deflateSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CompressionError, ProtocolError, RocketMQError, ValidationError } from '../../../src/errors.js';
import {
  compressBody,
  decodeStoredMessage,
  decodeStoredMessages,
  encodeStoredMessage,
  encodeStoredMessages,
  MESSAGE_MAGIC_CODE_V1,
  MESSAGE_MAGIC_CODE_V2,
  MessageSysFlag,
} from '../../../src/message/index.js';
import type { StoredMessageRecord } from '../../../src/message/index.js';

const propText = fc.string({ minLength: 1, maxLength: 12 }).filter((s) => !/[\u0001\u0002]/.test(s));
const int32 = fc.integer({ min: -0x80000000, max: 0x7fffffff });
const int64 = fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER });
const ipv4 = fc.ipV4();
const ipv6 = fc.ipV6();
const host = fc.oneof(
  fc.tuple(ipv4, fc.integer({ min: 0, max: 65535 })).map(([h, p]) => `${h}:${p}`),
  fc.tuple(ipv6, fc.integer({ min: 0, max: 65535 })).map(([h, p]) => `[${h}]:${p}`),
);
/** Topics from 1 to 200 chars: both V1 (<= 127 bytes) and V2 (> 127). */
const topic = fc.oneof(
  fc.stringMatching(/^[%|a-zA-Z0-9_-]{1,127}$/),
  fc.stringMatching(/^[a-zA-Z0-9_-]{128,200}$/),
  fc.string({ minLength: 1, maxLength: 60, unit: 'grapheme' }),
);

const record: fc.Arbitrary<StoredMessageRecord> = fc.record({
  topic,
  body: fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)),
  flag: int32,
  properties: fc.dictionary(propText, propText, { maxKeys: 6 }),
  queueId: int32,
  queueOffset: int64,
  commitLogOffset: int64,
  sysFlag: int32.map((f) => f & ~MessageSysFlag.COMPRESSED),
  bornTimestamp: int64,
  bornHost: host,
  storeTimestamp: int64,
  storeHost: host,
  reconsumeTimes: int32,
  preparedTransactionOffset: int64,
});

/** Canonical `ip:port` text of what the decoder returns, for comparing with generator input. */
const canonicalHost = (s: string): string => {
  const m = /^\[(.*)\]:(\d+)$/.exec(s);
  if (m === null) return s;
  return `[${new URL(`http://[${m[1]}]/`).hostname.slice(1, -1)}]:${m[2]}`;
};

describe('stored message codec', () => {
  it('round-trips many random records concatenated (fast-check)', () => {
    fc.assert(
      fc.property(fc.array(record, { minLength: 1, maxLength: 8 }), (recs) => {
        const buf = encodeStoredMessages(recs);
        const msgs = decodeStoredMessages(buf, { checkCRC: true });
        expect(msgs).toHaveLength(recs.length);
        let offset = 0;
        msgs.forEach((m, i) => {
          const r = recs[i];
          const topicBytes = Buffer.byteLength(r.topic);
          expect(buf.readInt32BE(offset + 4)).toBe(topicBytes > 127 ? MESSAGE_MAGIC_CODE_V2 : MESSAGE_MAGIC_CODE_V1);
          offset += m.storeSize;
          expect(m.topic).toBe(r.topic);
          expect(m.body.equals(r.body)).toBe(true);
          expect(m.properties).toEqual(r.properties);
          expect([m.flag, m.queueId, m.reconsumeTimes]).toEqual([r.flag, r.queueId, r.reconsumeTimes]);
          expect([m.queueOffset, m.commitLogOffset, m.bornTimestamp, m.storeTimestamp, m.preparedTransactionOffset])
            .toEqual([r.queueOffset, r.commitLogOffset, r.bornTimestamp, r.storeTimestamp, r.preparedTransactionOffset]);
          expect(canonicalHost(m.bornHost)).toBe(canonicalHost(r.bornHost));
          expect(canonicalHost(m.storeHost)).toBe(canonicalHost(r.storeHost));
          const v6 = (r.bornHost.startsWith('[') ? 0x10 : 0) | (r.storeHost.startsWith('[') ? 0x20 : 0);
          expect(m.sysFlag).toBe((r.sysFlag! & ~0x30) | v6);
          expect(m.offsetMsgId).toHaveLength(r.storeHost.startsWith('[') ? 56 : 32);
          expect(m.msgId).toBe(r.properties && typeof r.properties === 'object' && 'UNIQ_KEY' in r.properties
            ? (r.properties as Record<string, string>).UNIQ_KEY : m.offsetMsgId);
        });
        expect(offset).toBe(buf.length);
      }),
      { numRuns: 300 },
    );
  });

  it('records of one body that repeat, alternate or change their topic (same length too) all decode their own', () => {
    const base = { body: Buffer.from('b'), queueId: 1, queueOffset: 0, commitLogOffset: 0, bornTimestamp: 1,
      bornHost: '1.2.3.4:5', storeTimestamp: 2, storeHost: '5.6.7.8:9' };
    const topics = ['TopicA', 'TopicA', 'TopicB', 'TopicA', 'TópicA', 'TópicA', 'x'.repeat(100), 'x'.repeat(99) + 'y', 'TopicA'];
    const msgs = decodeStoredMessages(encodeStoredMessages(topics.map((topic, i) => ({ ...base, topic, queueOffset: i }))));
    expect(msgs.map((m) => m.topic)).toEqual(topics);
    expect(msgs.map((m) => m.queueOffset)).toEqual(topics.map((_, i) => i));
  });

  it('lazy fields read the record once and keep what the application assigns', () => {
    const rec = { topic: 'T', body: Buffer.from('x'), queueId: 3, queueOffset: 2 ** 40, commitLogOffset: 2 ** 50 + 1,
      bornTimestamp: 1_700_000_000_123, bornHost: '[::1]:5', storeTimestamp: 1_700_000_000_456, storeHost: '5.6.7.8:9',
      reconsumeTimes: 4, preparedTransactionOffset: 77, properties: { TAGS: 'tg', KEYS: 'k1 k2' } };
    const [m] = decodeStoredMessages(encodeStoredMessage(rec));
    expect([m.commitLogOffset, m.bornTimestamp, m.storeTimestamp, m.preparedTransactionOffset, m.reconsumeTimes])
      .toEqual([rec.commitLogOffset, rec.bornTimestamp, rec.storeTimestamp, 77, 4]);
    expect([m.bornHost, m.storeHost, m.tags, m.keys]).toEqual(['[::1]:5', '5.6.7.8:9', 'tg', ['k1', 'k2']]);
    m.commitLogOffset = 1;
    m.bornTimestamp = 2;
    m.storeTimestamp = 3;
    m.preparedTransactionOffset = 4;
    m.bodyCRC = 5;
    m.reconsumeTimes++;
    m.sysFlag = 0; // the host layout stays the record's own
    expect([m.commitLogOffset, m.bornTimestamp, m.storeTimestamp, m.preparedTransactionOffset, m.bodyCRC, m.reconsumeTimes])
      .toEqual([1, 2, 3, 4, 5, 5]);
    expect(m.storeHost).toBe('5.6.7.8:9');
    expect(JSON.parse(JSON.stringify(m))).toMatchObject({ commitLogOffset: 1, queueOffset: 2 ** 40, tags: 'tg' });
  });

  it('decodeStoredMessage reads one record at an offset and reports its size', () => {
    const base = { topic: 'T', body: Buffer.from('x'), queueId: 0, queueOffset: 0, commitLogOffset: 0,
      bornTimestamp: 1, bornHost: '1.2.3.4:5', storeTimestamp: 2, storeHost: '5.6.7.8:9' };
    const a = encodeStoredMessage(base);
    const b = encodeStoredMessage({ ...base, topic: 'U' });
    const both = Buffer.concat([a, b]);
    const { message, size } = decodeStoredMessage(both, a.length);
    expect(size).toBe(b.length);
    expect(message.topic).toBe('U');
    expect(a.length).toBe(84 + 4 + 1 + 1 + 1 + 2); // 84-byte IPv4 prefix, body, topic, empty properties
  });

  it('inflates compressed bodies and clears only the COMPRESSED bit', () => {
    const plain = Buffer.from('payload '.repeat(1000));
    const { body, sysFlagBits } = compressBody(plain);
    const rec = { topic: 'T', body, sysFlag: sysFlagBits, queueId: 0, queueOffset: 0, commitLogOffset: 0,
      bornTimestamp: 1, bornHost: '1.2.3.4:5', storeTimestamp: 2, storeHost: '5.6.7.8:9' };
    const [m] = decodeStoredMessages(encodeStoredMessage(rec));
    expect(m.body.equals(plain)).toBe(true);
    expect(m.sysFlag).toBe(0x300);
    // An old writer (sysFlag 0x1, type 0) means zlib too.
    const [old] = decodeStoredMessages(encodeStoredMessage({ ...rec, body: deflateSync(plain), sysFlag: 1 }));
    expect(old.body.equals(plain)).toBe(true);
    expect(old.sysFlag).toBe(0);
    const [raw] = decodeStoredMessages(encodeStoredMessage(rec), { decompress: false });
    expect(raw.body.equals(body)).toBe(true);
    expect(raw.sysFlag).toBe(0x301);
    expect(() => decodeStoredMessages(encodeStoredMessage({ ...rec, sysFlag: 0x101 }))).toThrow(/LZ4/);
    expect(() => decodeStoredMessages(encodeStoredMessage({ ...rec, body: Buffer.from('junk') })))
      .toThrow(CompressionError);
  });

  it('checkCRC catches a corrupted body', () => {
    const buf = encodeStoredMessage({ topic: 'T', body: Buffer.from('abc'), queueId: 0, queueOffset: 0,
      commitLogOffset: 0, bornTimestamp: 1, bornHost: '1.2.3.4:5', storeTimestamp: 2, storeHost: '5.6.7.8:9' });
    buf[88] ^= 1;
    expect(() => decodeStoredMessages(buf, { checkCRC: true })).toThrow(/BODYCRC/);
    expect(decodeStoredMessages(buf)).toHaveLength(1);
  });

  it('rejects values that do not fit the layout with ValidationError', () => {
    const base = { topic: 'T', body: Buffer.alloc(0), queueId: 0, queueOffset: 0, commitLogOffset: 0,
      bornTimestamp: 1, bornHost: '1.2.3.4:5', storeTimestamp: 2, storeHost: '5.6.7.8:9' };
    expect(() => encodeStoredMessage({ ...base, bornHost: 'broker-a:1' })).toThrow(ValidationError);
    expect(() => encodeStoredMessage({ ...base, queueOffset: 2 ** 60 })).toThrow(ValidationError);
    expect(() => encodeStoredMessage({ ...base, queueId: 1.5 })).toThrow(ValidationError);
    expect(() => encodeStoredMessage({ ...base, properties: { K: 'v'.repeat(40000) } })).toThrow(ValidationError);
    expect(() => encodeStoredMessage({ ...base, topic: 't'.repeat(40000) })).toThrow(ValidationError);
  });

  it('rejects truncated and inconsistent records with ProtocolError', () => {
    const good = encodeStoredMessage({ topic: 'T', body: Buffer.from('abc'), queueId: 0, queueOffset: 0,
      commitLogOffset: 0, bornTimestamp: 1, bornHost: '1.2.3.4:5', storeTimestamp: 2, storeHost: '5.6.7.8:9' });
    for (let n = 1; n < good.length; n++) {
      expect(() => decodeStoredMessages(good.subarray(0, n))).toThrow(ProtocolError);
    }
    const blank = Buffer.from(good);
    blank.writeInt32BE(-875286124, 4);
    expect(() => decodeStoredMessages(blank)).toThrow(/blank/);
    expect(decodeStoredMessages(Buffer.alloc(0))).toEqual([]);
  });

  it('10,000+ mutated or truncated bodies yield only typed errors (fast-check)', () => {
    const seed = encodeStoredMessages([
      { topic: 'TopicTest', body: Buffer.from('hello'), properties: { UNIQ_KEY: 'AB', KEYS: 'a b' }, queueId: 1,
        queueOffset: 2, commitLogOffset: 3, bornTimestamp: 4, bornHost: '1.2.3.4:5', storeTimestamp: 6,
        storeHost: '[::1]:7' },
      { topic: 'x'.repeat(130), body: compressBody(Buffer.from('zzzz')).body, sysFlag: 0x301, queueId: 1,
        queueOffset: 2, commitLogOffset: 3, bornTimestamp: 4, bornHost: '[fe80::1]:5', storeTimestamp: 6,
        storeHost: '9.9.9.9:7' },
    ]);
    const mutation = fc.record({
      cut: fc.nat({ max: seed.length }),
      flips: fc.array(fc.tuple(fc.nat({ max: seed.length - 1 }), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }),
      tail: fc.uint8Array({ maxLength: 16 }),
    });
    let outcomes = 0;
    fc.assert(
      fc.property(mutation, ({ cut, flips, tail }) => {
        const buf = Buffer.concat([seed, Buffer.from(tail)]);
        for (const [i, v] of flips) buf[i] = v;
        const input = buf.subarray(0, cut + tail.length);
        try {
          for (const m of decodeStoredMessages(input, { checkCRC: flips.length % 2 === 0 })) {
            // Touch every lazy field: they must not throw either.
            void [m.properties, m.keys, m.tags, m.msgId, m.offsetMsgId, m.bornHost, m.storeHost, m.transactionId];
          }
        } catch (err) {
          expect(err).toBeInstanceOf(RocketMQError);
          expect(err instanceof ProtocolError || err instanceof CompressionError).toBe(true);
        }
        outcomes++;
      }),
      { numRuns: 12000 },
    );
    expect(outcomes).toBeGreaterThanOrEqual(10000);
  });
});
