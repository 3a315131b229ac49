import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inflateSync } from 'node:zlib';
import { MockCluster } from '../../src/mock/index.js';
import { Producer } from '../../src/producer/index.js';
import { ClientStateError, ValidationError } from '../../src/errors.js';
import { BrokerPool } from '../../src/client/broker-pool.js';
import { encodeQueryMessageRequest, decodeQueryMessageResponse } from '../../src/protocol/query-message.js';
import { decodeStoredMessages } from '../../src/message/stored.js';
import type { MessageExt } from '../../src/message/types.js';

const TOPIC = 'producer_basic_topic';

describe('producer basics against a single-broker mock over TCP', () => {
  let cluster: MockCluster;
  let producer: Producer;
  const pool = new BrokerPool();

  async function queryByKey(key: string, topic = TOPIC): Promise<MessageExt[]> {
    const addr = cluster.leaderOf('broker-a')?.addr as string;
    const res = await pool.invoke(
      addr,
      encodeQueryMessageRequest({ topic, key, maxNum: 32, beginTimestamp: 0, endTimestamp: Number.MAX_SAFE_INTEGER }),
      { timeoutMs: 3000 },
    );
    const r = decodeQueryMessageResponse(res);
    return r.found ? decodeStoredMessages(r.body, { decompress: false }) : [];
  }

  beforeAll(async () => {
    cluster = await MockCluster.start({ groups: [{ brokerName: 'broker-a', mode: 'single' }], timeScale: 0.05 });
    await cluster.createTopic(TOPIC, { queues: 4 });
    producer = new Producer({ namesrvAddr: cluster.namesrvAddr, producerGroup: 'producer_basic_group', compressMsgBodyOverHowmuch: 1024 });
    await producer.start();
  });

  afterAll(async () => {
    await producer?.shutdown();
    await pool.close();
    await cluster?.stop();
  });

  it('sends a keyed, tagged message and finds it by key with the same UNIQ_KEY', async () => {
    const r = await producer.send({ topic: TOPIC, keys: 'm600000', tags: 'TagA', body: 'Hello RocketMQ600000' });
    expect(r.status).toBe('SEND_OK');
    expect(r.msgId).toMatch(/^[0-9A-F]{32}$/);
    expect(r.offsetMsgId).toMatch(/^[0-9A-F]{32}$/);
    expect(r.messageQueue.topic).toBe(TOPIC);
    expect(r.messageQueue.brokerName).toBe('broker-a');
    expect(r.queueOffset).toBeGreaterThanOrEqual(0);
    const found = await queryByKey('m600000');
    expect(found).toHaveLength(1);
    expect(found[0].msgId).toBe(r.msgId);
    expect(found[0].offsetMsgId).toBe(r.offsetMsgId);
    expect(found[0].tags).toBe('TagA');
    expect(found[0].properties.WAIT).toBe('true');
    expect(found[0].body.toString()).toBe('Hello RocketMQ600000');
  });

  it('compresses bodies at the threshold with sysFlag 0x301', async () => {
    const body = 'x'.repeat(5000);
    const r = await producer.send({ topic: TOPIC, keys: 'compressed-1', body });
    expect(r.status).toBe('SEND_OK');
    const [m] = await queryByKey('compressed-1');
    expect(m.sysFlag & 0x701).toBe(0x301);
    expect(inflateSync(m.body).toString()).toBe(body);
  });

  it('sendAsync (quick path): every callback gets its own stored result, compressed and delayed ones included', async () => {
    const got = new Map<number, { err?: Error; msgId?: string; offsetMsgId?: string; status?: string }>();
    const N = 50;
    for (let i = 0; i < N; i++) {
      const msg = i === 10 ? { topic: TOPIC, keys: `qa-${i}`, body: 'z'.repeat(3000) } : i === 20 ? { topic: TOPIC, keys: `qa-${i}`, body: 'later', delayTimeLevel: 1 } : { topic: TOPIC, keys: `qa-${i}`, body: `quick ${i}` };
      await producer.sendAsync(msg, (err, r) => void got.set(i, { err, msgId: r?.msgId, offsetMsgId: r?.offsetMsgId, status: r?.status }));
    }
    await producer.sendAsync({ topic: TOPIC, body: Buffer.alloc(0) }, (err) => void got.set(-1, { err }));
    const deadline = Date.now() + 10_000;
    while (got.size < N + 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(got.get(-1)?.err).toBeInstanceOf(ValidationError);
    const ok = [...Array(N).keys()].map((i) => got.get(i));
    expect(ok.every((o) => o?.status === 'SEND_OK' && o.err === undefined)).toBe(true);
    expect(new Set(ok.map((o) => o?.offsetMsgId)).size).toBe(N);
    const [compressed] = await queryByKey('qa-10');
    expect(compressed.msgId).toBe(ok[10]?.msgId);
    expect(compressed.sysFlag & 0x1).toBe(1);
    expect((await queryByKey('qa-33'))[0].body.toString()).toBe('quick 33');
    expect(producer.diagnostics().inflight).toBe(0);
  });

  it('sends a batch with one UNIQ_KEY per message', async () => {
    const r = await producer.send([
      { topic: TOPIC, keys: 'batch-1', body: 'b1' },
      { topic: TOPIC, keys: 'batch-2', body: 'b2' },
      { topic: TOPIC, keys: 'batch-3', body: 'b3' },
    ]);
    expect(r.status).toBe('SEND_OK');
    const ids = r.msgId.split(',');
    expect(ids).toHaveLength(3);
    for (let i = 1; i <= 3; i++) {
      const [m] = await queryByKey(`batch-${i}`);
      expect(m.msgId).toBe(ids[i - 1]);
      expect(m.body.toString()).toBe(`b${i}`);
      expect(m.queueId).toBe(r.messageQueue.queueId);
    }
  });

  it('puts the same sharding key on the same queue, and honours an explicit queue and a selector', async () => {
    const queues = new Set<number>();
    for (let i = 0; i < 10; i++) {
      const r = await producer.send({ topic: TOPIC, body: `order-${i}` }, { shardingKey: 'order-42' });
      queues.add(r.messageQueue.queueId);
    }
    expect(queues.size).toBe(1);
    const r2 = await producer.send({ topic: TOPIC, body: 'q2' }, { queue: { topic: TOPIC, brokerName: 'broker-a', queueId: 2 } });
    expect(r2.messageQueue.queueId).toBe(2);
    const r3 = await producer.send({ topic: TOPIC, body: 'sel' }, { selector: (qs) => qs[3], arg: 1 });
    expect(r3.messageQueue.queueId).toBe(3);
  });

  it('sends oneway and with a delay level and a delivery time', async () => {
    await producer.sendOneway({ topic: TOPIC, keys: 'oneway-1', body: 'ow' });
    let found: MessageExt[] = [];
    for (let i = 0; i < 50 && found.length === 0; i++) {
      found = await queryByKey('oneway-1');
      if (found.length === 0) await new Promise((r) => setTimeout(r, 20));
    }
    expect(found).toHaveLength(1);
    const d = await producer.send({ topic: TOPIC, keys: 'delay-1', body: 'later', delayTimeLevel: 3 });
    expect(d.status).toBe('SEND_OK');
    const [dm] = await queryByKey('delay-1', 'SCHEDULE_TOPIC_XXXX').then((x) => (x.length ? x : queryByKey('delay-1')));
    expect(dm.properties.DELAY).toBe('3');
    const at = Date.now() + 60_000;
    const t = await producer.send({ topic: TOPIC, keys: 'timer-1', body: 'at', deliverTimeMs: at });
    expect(t.status).toBe('SEND_OK');
  });

  it('rejects bad input with ValidationError before sending', async () => {
    const bad: Array<Parameters<Producer['send']>[0]> = [
      { topic: 'bad topic', body: 'x' },
      { topic: 'a'.repeat(128), body: 'x' },
      { topic: 'TBW102', body: 'x' },
      { topic: TOPIC, body: '' },
      { topic: TOPIC, body: Buffer.alloc(4 * 1024 * 1024 + 1) },
      { topic: TOPIC, body: 'x', keys: 'a\u0001b' },
      { topic: TOPIC, body: 'x', tags: 't\u0002' },
      { topic: TOPIC, body: 'x', properties: { 'a\u0002': 'v' } },
      { topic: TOPIC, body: 'x', properties: { UNIQ_KEY: 'mine' } },
      { topic: TOPIC, body: 'x', delayTimeLevel: 2, deliverTimeMs: Date.now() + 1000 },
      [],
      [{ topic: TOPIC, body: 'x' }, { topic: 'other', body: 'y' }],
    ];
    for (const m of bad) await expect(producer.send(m)).rejects.toBeInstanceOf(ValidationError);
    expect(() => new Producer({ namesrvAddr: cluster.namesrvAddr, producerGroup: 'g'.repeat(121) })).toThrow(ValidationError);
    const notStarted = new Producer({ namesrvAddr: cluster.namesrvAddr, producerGroup: 'never_started' });
    await expect(notStarted.send({ topic: TOPIC, body: 'x' })).rejects.toBeInstanceOf(ClientStateError);
    await notStarted.shutdown();
    await expect(notStarted.send({ topic: TOPIC, body: 'x' })).rejects.toBeInstanceOf(ClientStateError);
  });
});
