import { afterEach, describe, expect, it, vi } from 'vitest';
import { ProtocolError, SendFailedError, ValidationError } from '../../../src/errors.js';
import { decodeBatchBody } from '../../../src/message/batch.js';
import { decodeProperties } from '../../../src/message/properties.js';
import { ProduceAccumulator, type AccumulatorLimits } from '../../../src/producer/accumulator.js';
import type { SendResult } from '../../../src/producer/options.js';
import { prepareMessage, validateProducerOptions } from '../../../src/producer/validate.js';
import type { WireResult, WireSend } from '../../../src/producer/wire.js';

const LIMITS: AccumulatorLimits = { batchMaxDelayMs: 10, batchMaxBytes: 100, totalBatchMaxBytes: 1000, maxMessageSize: 4 * 1024 * 1024, budgetMs: 3000 };
const prep = (topic: string, body: string) => prepareMessage({ topic, body }, { maxMessageSize: 1 << 22, compressOver: 4096, compressLevel: 5 });

/** A fake broker: records requests, answers like the mock (comma-joined offset ids, first queue offset). */
function fakeWire(answer?: (s: WireSend, n: number) => Promise<WireResult>) {
  const sent: WireSend[] = [];
  const send = (s: WireSend): Promise<WireResult> => {
    sent.push(s);
    const n = s.batch ? decodeBatchBody(s.body).length : 1;
    if (answer) return answer(s, n);
    const result: SendResult = {
      status: 'SEND_OK',
      msgId: s.msgId,
      offsetMsgId: Array.from({ length: n }, (_, i) => `OFF${i}`).join(','),
      messageQueue: { topic: s.topic, brokerName: 'b', queueId: 2 },
      queueOffset: 40,
      attempts: 1,
      brokerAddr: '127.0.0.1:1',
    };
    return Promise.resolve({ result, outcome: { mq: result.messageQueue, addr: result.brokerAddr, attempts: 1 } });
  };
  return { sent, send };
}

function collect(acc: ProduceAccumulator, msgs: ReturnType<typeof prep>[], retries = 2) {
  return msgs.map(
    (m) =>
      new Promise<SendResult>((resolve, reject) => {
        if (!acc.add(m, m.propertiesText, retries, resolve, reject)) reject(new Error('refused'));
      }),
  );
}

afterEach(() => vi.useRealTimers());

describe('ProduceAccumulator', () => {
  it('sends one batch once the bodies pass batchMaxBytes and splits the answer per caller', async () => {
    const w = fakeWire();
    const acc = new ProduceAccumulator(LIMITS, w.send);
    const msgs = Array.from({ length: 4 }, (_, i) => prep('T', `${i}`.padEnd(30, 'x')));
    const results = await Promise.all(collect(acc, msgs));
    expect(w.sent).toHaveLength(1);
    const req = w.sent[0];
    expect(req).toMatchObject({ topic: 'T', batch: true, sysFlag: 0, retries: 2, budgetMs: 3000, oneway: false });
    expect(decodeProperties(req.properties)).toEqual({ WAIT: 'true' });
    expect(req.msgId).toBe(msgs.map((m) => m.msgId).join(','));
    // The batch body holds each message with its own properties (UNIQ_KEY included).
    const inner = decodeBatchBody(req.body);
    expect(inner.map((x) => x.body.toString())).toEqual(msgs.map((m) => m.body.toString()));
    expect(inner.map((x) => x.properties)).toEqual(msgs.map((m) => m.properties));
    expect(results.map((r) => [r.msgId, r.offsetMsgId, r.queueOffset])).toEqual(msgs.map((m, i) => [m.msgId, `OFF${i}`, 40 + i]));
    expect(acc.waiting).toBe(0);
  });

  it('sends what the timer finds after batchMaxDelayMs, per topic and retry count; a group of one as a plain send', async () => {
    vi.useFakeTimers();
    const w = fakeWire();
    const acc = new ProduceAccumulator(LIMITS, w.send);
    const a = collect(acc, [prep('A', 'a1'), prep('A', 'a2')]);
    const b = collect(acc, [prep('B', 'b1')]);
    const a0 = collect(acc, [prep('A', 'sync')], 0);
    expect(acc.waiting).toBe(4);
    vi.advanceTimersByTime(9);
    expect(w.sent).toHaveLength(0);
    vi.advanceTimersByTime(1);
    expect(w.sent.map((s) => [s.topic, s.batch, s.retries])).toEqual([
      ['A', true, 2],
      ['B', false, 2],
      ['A', false, 0],
    ]);
    const single = w.sent[1];
    expect(single.body.toString()).toBe('b1');
    const [rb] = await Promise.all(b);
    expect(rb.offsetMsgId).toBe('OFF0');
    expect((await Promise.all(a)).map((r) => r.queueOffset)).toEqual([40, 41]);
    await Promise.all(a0);
  });

  it('flushAll sends every group at once', () => {
    const w = fakeWire();
    const acc = new ProduceAccumulator({ ...LIMITS, batchMaxDelayMs: 30_000 }, w.send);
    void collect(acc, [prep('A', 'x'), prep('B', 'y'), prep('A', 'z')]);
    acc.flushAll();
    expect(w.sent.map((s) => s.topic)).toEqual(['A', 'B']);
    expect(acc.waiting).toBe(0);
  });

  it('flushWhenFull sends at the end of the turn, only if every slot is still held then', async () => {
    const w = fakeWire();
    const acc = new ProduceAccumulator({ ...LIMITS, batchMaxDelayMs: 30_000 }, w.send);
    let full = true;
    const first = collect(acc, [prep('A', 'x')]);
    acc.flushWhenFull(() => full);
    // Messages joining later in the same turn (slots handed over one by one) still go in the same batch.
    const more = collect(acc, [prep('A', 'y'), prep('A', 'z')]);
    acc.flushWhenFull(() => full);
    expect(w.sent).toHaveLength(0);
    await new Promise((r) => setImmediate(r));
    expect(w.sent.map((s) => decodeBatchBody(s.body).length)).toEqual([3]);
    await Promise.all([...first, ...more]);
    full = false;
    void collect(acc, [prep('A', 'w')]);
    acc.flushWhenFull(() => full);
    await new Promise((r) => setImmediate(r));
    expect(w.sent).toHaveLength(1);
    expect(acc.waiting).toBe(1);
    acc.flushAll();
    expect(w.sent).toHaveLength(2);
  });

  it('never builds a batch larger than maxMessageSize', () => {
    const w = fakeWire();
    const acc = new ProduceAccumulator({ ...LIMITS, batchMaxBytes: 10_000, maxMessageSize: 300 }, w.send);
    void collect(acc, Array.from({ length: 5 }, () => prep('T', 'x'.repeat(80))));
    acc.flushAll();
    expect(w.sent.every((s) => s.body.length <= 300)).toBe(true);
    expect(w.sent.reduce((n, s) => n + (s.batch ? decodeBatchBody(s.body).length : 1), 0)).toBe(5);
  });

  it('refuses messages past totalBatchMaxBytes until held batches are answered', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const w = fakeWire(async (s, n) => {
      await gate;
      return fakeWire().send({ ...s, body: s.body, batch: n > 1 });
    });
    const acc = new ProduceAccumulator({ ...LIMITS, totalBatchMaxBytes: 150 }, w.send);
    const first = collect(acc, [prep('T', 'x'.repeat(101)), prep('T', 'y'.repeat(60))]);
    const refused = collect(acc, [prep('T', 'z')]);
    await expect(refused[0]).rejects.toThrow('refused');
    release();
    await Promise.all(first);
    await Promise.all(collect(acc, [prep('T', 'after')]).map((p) => (acc.flushAll(), p)));
  });

  it('hands every caller the batch error, or a ProtocolError when the answer does not match the batch', async () => {
    const err = new SendFailedError('no broker', []);
    const failing = new ProduceAccumulator(LIMITS, fakeWire(() => Promise.reject(err)).send);
    const f = collect(failing, [prep('T', 'a'), prep('T', 'b')]);
    failing.flushAll();
    for (const p of f) await expect(p).rejects.toBe(err);

    const odd = new ProduceAccumulator(
      LIMITS,
      fakeWire(async (s) => {
        const r = await fakeWire().send(s);
        return { ...r, result: { ...r.result, offsetMsgId: 'A,B' } };
      }).send,
    );
    const o = collect(odd, [prep('T', 'a'), prep('T', 'b'), prep('T', 'c')]);
    odd.flushAll();
    for (const p of o) await expect(p).rejects.toBeInstanceOf(ProtocolError);
  });
});

describe('autoBatch options', () => {
  it('checks types and the Java ranges', () => {
    const base = { producerGroup: 'g' };
    expect(() => validateProducerOptions({ ...base, autoBatch: true, batchMaxDelayMs: 1, batchMaxBytes: 2 * 1024 * 1024, totalBatchMaxBytes: 1 })).not.toThrow();
    for (const bad of [
      { autoBatch: 'yes' as unknown as boolean },
      { batchMaxDelayMs: 0 },
      { batchMaxDelayMs: 30_001 },
      { batchMaxBytes: 0 },
      { batchMaxBytes: 2 * 1024 * 1024 + 1 },
      { totalBatchMaxBytes: 0 },
      { totalBatchMaxBytes: 1.5 },
    ]) {
      expect(() => validateProducerOptions({ ...base, ...bad })).toThrow(ValidationError);
    }
  });
});
