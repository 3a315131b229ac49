import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { inflateSync } from 'node:zlib';
import { prepareMessage, validateGroup, validateProducerOptions, validateTopic, withNamespace } from '../../../src/producer/validate.js';
import { encodeBatch, prepareBatch } from '../../../src/producer/batch.js';
import { decodeBatchBody } from '../../../src/message/batch.js';
import { ValidationError } from '../../../src/errors.js';

const limits = { maxMessageSize: 4 * 1024 * 1024, compressOver: 4096, compressLevel: 5 };

describe('prepareMessage', () => {
  it('builds KEYS, TAGS, WAIT, UNIQ_KEY, DELAY and timer properties', () => {
    const m = prepareMessage({ topic: 'T', body: 'hi', keys: ['k1', 'k2'], tags: 'A', delayTimeLevel: 3, properties: { a: 'b' } }, limits);
    expect(m.properties).toMatchObject({ KEYS: 'k1 k2', TAGS: 'A', WAIT: 'true', DELAY: '3', a: 'b' });
    expect(m.properties.UNIQ_KEY).toBe(m.msgId);
    expect(m.msgId).toMatch(/^[0-9A-F]{32}$/);
    const t = prepareMessage({ topic: 'T', body: new Uint8Array([1, 2]), deliverTimeMs: 1_900_000_000_000 }, limits);
    expect(t.properties.TIMER_DELIVER_MS).toBe('1900000000000');
    expect(t.body).toEqual(Buffer.from([1, 2]));
    expect(prepareMessage({ topic: 'T', body: 'x', delaySeconds: 5 }, limits).properties.TIMER_DELAY_SEC).toBe('5');
    expect(prepareMessage({ topic: 'T', body: 'x' }, { ...limits, namespace: 'ns' }).topic).toBe('ns%T');
  });

  it('compresses at exactly the threshold, with sysFlag 0x301, and not below it', () => {
    const at = prepareMessage({ topic: 'T', body: 'a'.repeat(4096) }, limits);
    expect(at.sysFlag).toBe(0x301);
    expect(inflateSync(at.body).toString()).toBe('a'.repeat(4096));
    expect(prepareMessage({ topic: 'T', body: 'a'.repeat(4095) }, limits).sysFlag).toBe(0);
  });

  it('rejects every key, tag or property holding 0x01 or 0x02', () => {
    fc.assert(
      fc.property(fc.string(), fc.constantFrom('\u0001', '\u0002'), fc.string(), fc.integer({ min: 0, max: 2 }), (pre, sep, post, where) => {
        const bad = `${pre}${sep}${post}`;
        const input =
          where === 0 ? { topic: 'T', body: 'x', keys: bad } : where === 1 ? { topic: 'T', body: 'x', tags: bad } : { topic: 'T', body: 'x', properties: { p: bad } };
        expect(() => prepareMessage(input, limits)).toThrow(ValidationError);
      }),
    );
  });

  it('accepts every valid topic name and rejects anything else', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-zA-Z0-9_-]{1,127}$/), (t) => {
        if (t === 'TBW102' || t.startsWith('RMQ_SYS_') || t.startsWith('rmq_sys_')) return;
        expect(() => validateTopic(t)).not.toThrow();
      }),
    );
    for (const t of ['', ' ', 'a b', 'a/b', 'a'.repeat(128), 'TBW102', 'RMQ_SYS_TRANS_HALF_TOPIC', 'SCHEDULE_TOPIC_XXXX', 'é']) {
      expect(() => validateTopic(t), t).toThrow(ValidationError);
    }
    expect(() => validateTopic(42)).toThrow(ValidationError);
  });

  it('rejects empty/oversized bodies, bad types and conflicting delays', () => {
    const cases: unknown[] = [
      { topic: 'T', body: '' },
      { topic: 'T', body: Buffer.alloc(11) },
      { topic: 'T', body: 42 },
      { topic: 'T', body: 'x', keys: 'has space' },
      { topic: 'T', body: 'x', keys: [''] },
      { topic: 'T', body: 'x', keys: [1] },
      { topic: 'T', body: 'x', delayTimeLevel: -1 },
      { topic: 'T', body: 'x', delayTimeLevel: 1.5 },
      { topic: 'T', body: 'x', deliverTimeMs: -5 },
      { topic: 'T', body: 'x', delayTimeLevel: 2, delaySeconds: 3 },
      { topic: 'T', body: 'x', properties: { KEYS: 'mine' } },
      { topic: 'T', body: 'x', properties: { p: 7 } },
      { topic: 'T', body: 'x', properties: { p: 'v'.repeat(40_000) } },
      { topic: 'T', body: 'x', flag: 2 ** 40 },
      null,
    ];
    for (const c of cases) {
      expect(() => prepareMessage(c as never, { ...limits, maxMessageSize: 10 }), JSON.stringify(c)?.slice(0, 80)).toThrow(ValidationError);
    }
  });
});

describe('groups, options, namespace', () => {
  it('validates group names and options', () => {
    expect(() => validateGroup('producer_dw_test')).not.toThrow();
    for (const g of ['', 'g'.repeat(121), 'a b', 'DEFAULT_PRODUCER', undefined]) expect(() => validateGroup(g)).toThrow(ValidationError);
    expect(() => validateProducerOptions({ producerGroup: 'g', sendMsgTimeout: 0 })).toThrow(ValidationError);
    expect(() => validateProducerOptions({ producerGroup: 'g', maxInflight: 1.5 })).toThrow(ValidationError);
    expect(() => validateProducerOptions({ producerGroup: 'g', compressLevel: 10 })).toThrow(ValidationError);
    expect(() => validateProducerOptions({ producerGroup: 'g', instanceName: 'a\u0001' })).toThrow(ValidationError);
    expect(() => validateProducerOptions({ producerGroup: 'g', retryTimesWhenSendFailed: 0 })).not.toThrow();
    expect(withNamespace('ns', 'T')).toBe('ns%T');
    expect(withNamespace('ns', 'ns%T')).toBe('ns%T');
    expect(withNamespace(undefined, 'T')).toBe('T');
  });
});

describe('batches', () => {
  it('encodes one UNIQ_KEY per message, never compressed, and checks the rules', () => {
    const b = prepareBatch([{ topic: 'T', body: 'a'.repeat(5000), keys: 'k1' }, { topic: 'T', body: 'b' }], limits);
    const decoded = decodeBatchBody(encodeBatch(b, limits.maxMessageSize));
    expect(decoded).toHaveLength(2);
    expect(decoded[0].body.toString()).toBe('a'.repeat(5000));
    expect(decoded.map((d) => d.properties.UNIQ_KEY).join(',')).toBe(b.msgId);
    expect(decoded[0].properties.KEYS).toBe('k1');
    expect(b.properties.WAIT).toBe('true');
    expect(() => prepareBatch([], limits)).toThrow(ValidationError);
    expect(() => prepareBatch([{ topic: 'T', body: 'x' }, { topic: 'U', body: 'y' }], limits)).toThrow(ValidationError);
    expect(() => prepareBatch([{ topic: 'T', body: 'x', delayTimeLevel: 1 }], limits)).toThrow(ValidationError);
    const big = prepareBatch([{ topic: 'T', body: 'x'.repeat(60) }, { topic: 'T', body: 'y'.repeat(60) }], limits);
    expect(() => encodeBatch(big, 100)).toThrow(ValidationError);
  });
});
