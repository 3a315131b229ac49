/**
 * Auto batching (`autoBatch: true`) over TCP against the mock: concurrent single sends leave as SEND_BATCH_MESSAGE
 * requests (counted by an RPC hook on the wire), yet every caller gets its own SendResult — its own UNIQ_KEY as
 * msgId, its own offsetMsgId, its own queueOffset — that the broker confirms (query by key and by unique key, view by
 * offsetMsgId), and a consumer receives each message as one message. Then a leader kill during auto-batched sends on
 * two DLedger groups: every acknowledged message is stored.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Admin } from '../../src/admin/index.js';
import { PushConsumer, type MessageExt } from '../../src/consumer/index.js';
import { MockCluster } from '../../src/mock/index.js';
import { ValidationError } from '../../src/errors.js';
import { Producer, type SendResult } from '../../src/producer/index.js';
import { RequestCode } from '../../src/protocol/request-codes.js';
import type { RemotingCommand } from '../../src/remoting/command.js';
import { until } from './mock-helpers.js';

const TOPIC = 'autobatch_topic';

describe('autoBatch on a single broker', () => {
  let cluster: MockCluster;
  let admin: Admin;
  const requests = { batch: 0, single: 0 };
  const countSends = (cmd: RemotingCommand): RemotingCommand => {
    if (cmd.code === RequestCode.SEND_BATCH_MESSAGE) requests.batch++;
    if (cmd.code === RequestCode.SEND_MESSAGE_V2 || cmd.code === RequestCode.SEND_MESSAGE) requests.single++;
    return cmd;
  };

  beforeAll(async () => {
    cluster = await MockCluster.start({ groups: [{ brokerName: 'broker-a', mode: 'single' }], timeScale: 0.05 });
    await cluster.createTopic(TOPIC, { queues: 4 });
    admin = new Admin({ namesrvAddr: cluster.namesrvAddr });
    await admin.start();
  });

  afterAll(async () => {
    await admin?.shutdown();
    await cluster?.stop();
  });

  it('gives each caller its own result, the one the broker stored, and consumers see single messages', { timeout: 60_000 }, async () => {
    const producer = new Producer({
      namesrvAddr: cluster.namesrvAddr,
      producerGroup: 'autobatch_pg',
      autoBatch: true,
      batchMaxBytes: 4096,
      transport: { rpcHooks: [countSends] },
    });
    await producer.start();
    const N = 120;
    let results: SendResult[];
    try {
      // Bodies of 100-199 bytes: about 28 per batch before batchMaxBytes, the rest by the 10 ms timer.
      results = await Promise.all(
        Array.from({ length: N }, (_, i) => producer.send({ topic: TOPIC, keys: `ab-${i}`, tags: i % 2 ? 'odd' : 'even', body: `auto ${i} `.padEnd(100 + i, '.') })),
      );
    } finally {
      await producer.shutdown();
    }
    expect(requests.batch).toBeGreaterThan(0);
    expect(requests.batch + requests.single).toBeLessThan(N / 4);
    expect(new Set(results.map((r) => r.msgId)).size).toBe(N);
    expect(new Set(results.map((r) => r.offsetMsgId)).size).toBe(N);
    expect(results.every((r) => r.status === 'SEND_OK' && !r.msgId.includes(',') && !r.offsetMsgId.includes(','))).toBe(true);
    // Offsets of one queue are distinct and contiguous from 0 (nothing else was sent to the topic).
    for (let q = 0; q < 4; q++) {
      const offs = results.filter((r) => r.messageQueue.queueId === q).map((r) => r.queueOffset).sort((a, b) => a - b);
      expect(offs).toEqual(offs.map((_, k) => k));
    }
    for (let i = 0; i < N; i++) {
      const r = results[i];
      const [byKey] = await admin.queryMessageByKey(TOPIC, `ab-${i}`);
      expect(byKey).toMatchObject({ msgId: r.msgId, queueId: r.messageQueue.queueId, queueOffset: r.queueOffset, tags: i % 2 ? 'odd' : 'even' });
      expect(byKey.body.toString()).toBe(`auto ${i} `.padEnd(100 + i, '.'));
      expect((await admin.queryMessageByUniqKey(TOPIC, r.msgId)).keys).toEqual([`ab-${i}`]);
      expect((await admin.viewMessage(r.offsetMsgId)).msgId).toBe(r.msgId);
    }

    const got: MessageExt[] = [];
    const consumer = new PushConsumer({ consumerGroup: 'autobatch_cg', namesrvAddr: cluster.namesrvAddr, consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET' });
    consumer.subscribe(TOPIC, 'odd');
    consumer.registerMessageListener((msgs) => void got.push(...msgs));
    await consumer.start();
    try {
      // At-least-once: a redelivery (e.g. around the first rebalance) may repeat a message, so count distinct ids.
      await until(() => new Set(got.map((m) => m.msgId)).size >= N / 2, 20_000, 'the odd-tagged messages consumed');
    } finally {
      await consumer.shutdown();
    }
    const odd = results.filter((_, i) => i % 2 === 1);
    expect(new Set(got.map((m) => m.msgId))).toEqual(new Set(odd.map((r) => r.msgId)));
    expect(got.every((m) => m.tags === 'odd' && m.keys.length === 1)).toBe(true);
  });

  it('sends delayed, ordered and oversized-for-batch messages alone, and still batches the rest', async () => {
    requests.batch = 0;
    requests.single = 0;
    const producer = new Producer({ namesrvAddr: cluster.namesrvAddr, producerGroup: 'autobatch_pg2', autoBatch: true, transport: { rpcHooks: [countSends] } });
    await producer.start();
    try {
      const queues = await producer.fetchPublishMessageQueues(TOPIC);
      const [plainA, plainB, delayed, ordered, compressed] = await Promise.all([
        producer.send({ topic: TOPIC, body: 'plain a' }),
        producer.send({ topic: TOPIC, body: 'plain b' }),
        producer.send({ topic: TOPIC, body: 'delayed', delayTimeLevel: 1 }),
        producer.send({ topic: TOPIC, body: 'ordered' }, { queue: queues[3] }),
        producer.send({ topic: TOPIC, body: Buffer.alloc(8192, 0x61) }),
      ]);
      expect(requests).toEqual({ batch: 1, single: 3 });
      expect(plainB.queueOffset).toBe(plainA.queueOffset + 1);
      expect(ordered.messageQueue.queueId).toBe(3);
      // (The delayed one is parked in the schedule topic until its level is due.)
      expect(delayed.status).toBe('SEND_OK');
      for (const r of [plainA, plainB, ordered, compressed]) expect((await admin.queryMessageByUniqKey(TOPIC, r.msgId)).msgId).toBe(r.msgId);
    } finally {
      await producer.shutdown();
    }
  });
  it('sendAsync batches plain messages and reports every outcome to its callback, even when a callback throws', async () => {
    requests.batch = 0;
    requests.single = 0;
    const producer = new Producer({ namesrvAddr: cluster.namesrvAddr, producerGroup: 'autobatch_pg3', autoBatch: true, maxInflight: 64, transport: { rpcHooks: [countSends] } });
    await producer.start();
    const outcomes = new Map<number, SendResult | Error>();
    const thrown: unknown[] = [];
    const onUnhandled = (e: unknown): void => void thrown.push(e);
    process.on('unhandledRejection', onUnhandled);
    try {
      const N = 200;
      for (let i = 0; i < N; i++) {
        // Message 7's callback throws: the other messages of its batch must still be settled.
        await producer.sendAsync({ topic: TOPIC, keys: `qa-${i}`, body: `quick ${i}` }, (err, r) => {
          outcomes.set(i, err ?? (r as SendResult));
          if (i === 7) throw new Error('callback 7 fails');
        });
      }
      // Validation errors reach the callback, as on the general path; delayed messages go alone.
      await producer.sendAsync({ topic: '', body: 'x' }, (err) => void outcomes.set(-1, err as Error));
      await producer.sendAsync({ topic: TOPIC, body: 'late', delayTimeLevel: 1 }, (err, r) => void outcomes.set(-2, err ?? (r as SendResult)));
      await until(() => outcomes.size === N + 2, 10_000, 'every callback');
      await until(() => thrown.length === 1, 2_000, 'the thrown callback error as an unhandled rejection');
      expect((thrown[0] as Error).message).toBe('callback 7 fails');
      expect(outcomes.get(-1)).toBeInstanceOf(ValidationError);
      expect((outcomes.get(-2) as SendResult).status).toBe('SEND_OK');
      const ok = [...Array(N).keys()].map((i) => outcomes.get(i) as SendResult);
      expect(ok.every((r) => r.status === 'SEND_OK')).toBe(true);
      expect(new Set(ok.map((r) => r.offsetMsgId)).size).toBe(N);
      expect(requests.batch).toBeGreaterThan(0);
      expect(requests.batch + requests.single).toBeLessThan(N / 4);
      expect((await admin.queryMessageByUniqKey(TOPIC, ok[123].msgId)).keys).toEqual(['qa-123']);
      expect(producer.diagnostics().inflight).toBe(0);
    } finally {
      process.off('unhandledRejection', onUnhandled);
      await producer.shutdown();
    }
  });
});

describe('autoBatch across a leader kill (two DLedger groups)', () => {
  it('loses no acknowledged message', { timeout: 120_000 }, async () => {
    const cluster = await MockCluster.start({
      groups: [
        { brokerName: 'broker-a', mode: 'dledger', replicas: 3 },
        { brokerName: 'broker-b', mode: 'dledger', replicas: 3 },
      ],
      timeScale: 0.05,
    });
    const producer = new Producer({ namesrvAddr: cluster.namesrvAddr, producerGroup: 'autobatch_failover', autoBatch: true, maxInflight: 64 });
    const admin = new Admin({ namesrvAddr: cluster.namesrvAddr });
    try {
      await Promise.all([cluster.waitForLeader('broker-a'), cluster.waitForLeader('broker-b')]);
      await cluster.createTopic('autobatch_failover', { queues: 4 });
      await producer.start();
      await admin.start();
      const acked: SendResult[] = [];
      let failed = 0;
      let killed = false;
      for (let i = 0; i < 1500; i++) {
        if (i === 400) {
          await cluster.killLeader('broker-a');
          killed = true;
        }
        // sendAsync waits for a maxInflight slot: 64 messages in flight, in batches.
        await producer.sendAsync({ topic: 'autobatch_failover', keys: `f-${i}`, body: `failover ${i}` }, (err, r) => {
          if (err || !r) failed++;
          else acked.push(r);
        });
      }
      // shutdown waits for the sends in flight (held batches leave at once), so every callback has run after it.
      await producer.shutdown();
      expect(killed).toBe(true);
      expect(acked.length + failed).toBe(1500);
      expect(acked.length).toBeGreaterThan(1000);
      expect(acked.some((r) => r.messageQueue.brokerName === 'broker-a')).toBe(true);
      expect(new Set(acked.map((r) => r.msgId)).size).toBe(acked.length);
      let lost = 0;
      for (let i = 0; i < acked.length; i += 50) {
        const found = await Promise.all(
          acked.slice(i, i + 50).map((r) => admin.queryMessageByUniqKey('autobatch_failover', r.msgId).then((m) => m.msgId === r.msgId, () => false)),
        );
        lost += found.filter((f) => !f).length;
      }
      expect(lost).toBe(0);
    } finally {
      await producer.shutdown();
      await admin.shutdown();
      await cluster.stop();
    }
  });
});
