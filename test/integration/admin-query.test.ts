/**
 * Admin against a two-group mock cluster over TCP: keys across groups, time ranges, viewMessage, unique keys,
 * offsets, createTopic, clusterInfo and exact consumer lag.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Admin } from '../../src/admin/index.js';
import { BrokerPool } from '../../src/client/broker-pool.js';
import { ClientStateError, NoRouteError, NotFoundError, ValidationError } from '../../src/errors.js';
import { createOffsetMsgId } from '../../src/message/ids.js';
import { encodeUpdateConsumerOffsetRequest, decodeUpdateConsumerOffsetResponse } from '../../src/protocol/consumer-offset.js';
import { MockCluster } from '../../src/mock/index.js';
import { rawSend, type RawSendResult } from '../unit/admin/raw-send.js';

let cluster: MockCluster;
let admin: Admin;
let pool: BrokerPool;
const T = 'admin_query_topic';
const P = 'admin_progress_topic';

function master(name: string): string {
  const l = cluster.leaderOf(name);
  if (!l) throw new Error(`no leader of ${name}`);
  return l.addr;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  cluster = await MockCluster.start({
    groups: [
      { brokerName: 'broker-a', mode: 'single' },
      { brokerName: 'broker-b', mode: 'single' },
    ],
  });
  await cluster.createTopic(T, { queues: 4 });
  await cluster.createTopic(P, { queues: 2 });
  pool = new BrokerPool();
  admin = new Admin({ namesrvAddr: cluster.namesrvAddr });
  await admin.start();
});

afterAll(async () => {
  await admin?.shutdown();
  await pool?.close();
  await cluster?.stop();
});

describe('Admin.queryMessageByKey', () => {
  it('finds a key in both broker groups, merged and sorted by store time, fully decoded', async () => {
    const a = await rawSend(pool, master('broker-a'), { topic: T, queueId: 1, keys: 'shared-key other', tags: 'TagA', body: 'from a' });
    await sleep(5);
    const b = await rawSend(pool, master('broker-b'), { topic: T, queueId: 2, keys: 'shared-key', tags: 'TagB', body: 'from b' });
    await rawSend(pool, master('broker-b'), { topic: T, keys: 'unrelated', body: 'noise' });
    const res = await admin.queryMessage(T, 'shared-key');
    expect(res.sources.map((s) => [s.brokerName, s.brokerId, s.found]).sort()).toEqual([['broker-a', 0, 1], ['broker-b', 0, 1]]);
    const found = res.messages;
    expect(found.map((m) => m.body.toString())).toEqual(['from a', 'from b']);
    expect(found[0].storeTimestamp).toBeLessThanOrEqual(found[1].storeTimestamp);
    const [ma, mb] = found;
    expect(ma.topic).toBe(T);
    expect(ma.keys).toEqual(['shared-key', 'other']);
    expect(ma.tags).toBe('TagA');
    expect(mb.tags).toBe('TagB');
    expect(ma.msgId).toBe(a.msgId);
    expect(mb.msgId).toBe(b.msgId);
    expect(ma.offsetMsgId).toBe(a.offsetMsgId);
    expect(ma.queueId).toBe(1);
    expect(mb.queueId).toBe(2);
    expect(ma.queueOffset).toBe(a.queueOffset);
    expect(ma.storeHost).toBe(master('broker-a'));
    expect(mb.storeHost).toBe(master('broker-b'));
    expect(ma.bornHost).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(ma.properties.UNIQ_KEY).toBe(a.msgId);
    expect(await admin.queryMessageByKey(T, 'no-such-key')).toEqual([]);
  });

  it('honours beginTimestamp / endTimestamp', async () => {
    const first = await rawSend(pool, master('broker-a'), { topic: T, keys: 'ranged', body: 'early' });
    const [early] = await admin.queryMessageByKey(T, 'ranged');
    expect(early.msgId).toBe(first.msgId);
    await sleep(30);
    await rawSend(pool, master('broker-b'), { topic: T, keys: 'ranged', body: 'late' });
    const all = await admin.queryMessageByKey(T, 'ranged');
    expect(all.map((m) => m.body.toString())).toEqual(['early', 'late']);
    const cut = early.storeTimestamp + 1;
    expect((await admin.queryMessageByKey(T, 'ranged', { beginTimestamp: cut })).map((m) => m.body.toString())).toEqual(['late']);
    expect((await admin.queryMessageByKey(T, 'ranged', { endTimestamp: early.storeTimestamp })).map((m) => m.body.toString())).toEqual(['early']);
    expect(await admin.queryMessageByKey(T, 'ranged', { beginTimestamp: 1, endTimestamp: 2 })).toEqual([]);
  });

  it('respects maxNum per broker group', async () => {
    for (let i = 0; i < 3; i++) await rawSend(pool, master('broker-a'), { topic: T, keys: 'many', body: `m${i}` });
    expect(await admin.queryMessageByKey(T, 'many', { maxNum: 2 })).toHaveLength(2);
    expect(await admin.queryMessageByKey(T, 'many')).toHaveLength(3);
  });

  it('rejects bad arguments and unknown topics with typed errors', async () => {
    await expect(admin.queryMessageByKey('', 'k')).rejects.toBeInstanceOf(ValidationError);
    await expect(admin.queryMessageByKey('bad topic!', 'k')).rejects.toBeInstanceOf(ValidationError);
    await expect(admin.queryMessageByKey(T, '')).rejects.toBeInstanceOf(ValidationError);
    await expect(admin.queryMessageByKey(T, 'k', { maxNum: 0 })).rejects.toBeInstanceOf(ValidationError);
    await expect(admin.queryMessageByKey(T, 'k', { beginTimestamp: 10, endTimestamp: 5 })).rejects.toBeInstanceOf(ValidationError);
    await expect(admin.queryMessageByKey('no_such_topic_x', 'k')).rejects.toBeInstanceOf(NoRouteError);
    const idle = new Admin({ namesrvAddr: cluster.namesrvAddr });
    await expect(idle.queryMessageByKey(T, 'k')).rejects.toBeInstanceOf(ClientStateError);
    await idle.shutdown();
  });
});

describe('Admin lookups by id', () => {
  let sent: RawSendResult;
  beforeAll(async () => {
    sent = await rawSend(pool, master('broker-b'), { topic: T, queueId: 3, keys: 'by-id', tags: 'TagId', body: 'look me up' });
  });

  it('viewMessage goes straight to the store host in the offsetMsgId', async () => {
    const m = await admin.viewMessage(sent.offsetMsgId);
    expect(m.body.toString()).toBe('look me up');
    expect(m.msgId).toBe(sent.msgId);
    expect(m.offsetMsgId).toBe(sent.offsetMsgId);
    expect(m.storeHost).toBe(master('broker-b'));
    expect(m.tags).toBe('TagId');
    expect(m.queueId).toBe(3);
  });

  it('viewMessage: malformed id → ValidationError, nothing there → NotFoundError', async () => {
    await expect(admin.viewMessage('zz')).rejects.toBeInstanceOf(ValidationError);
    await expect(admin.viewMessage('')).rejects.toBeInstanceOf(ValidationError);
    const beyond = createOffsetMsgId(master('broker-b'), 10 * 1024 * 1024);
    await expect(admin.viewMessage(beyond)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('queryMessageByUniqKey finds the message by its client id', async () => {
    const m = await admin.queryMessageByUniqKey(T, sent.msgId);
    expect(m.body.toString()).toBe('look me up');
    expect(m.offsetMsgId).toBe(sent.offsetMsgId);
    await expect(admin.queryMessageByUniqKey(T, '0A0B0C0D0E0F0000000000000000FFFF')).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('Admin offsets, topics, cluster and consumer progress', () => {
  it('maxOffset / minOffset / searchOffset', async () => {
    const mq = { topic: P, brokerName: 'broker-a', queueId: 1 };
    expect(await admin.maxOffset(mq)).toBe(0);
    const before = Date.now();
    await sleep(5);
    for (let i = 0; i < 4; i++) await rawSend(pool, master('broker-a'), { topic: P, queueId: 1, body: `o${i}` });
    expect(await admin.maxOffset(mq)).toBe(4);
    expect(await admin.minOffset(mq)).toBe(0);
    expect(await admin.searchOffset(mq, before)).toBe(0);
    expect(await admin.searchOffset(mq, Date.now() + 60_000, 'upper')).toBe(3);
    await expect(admin.maxOffset({ topic: P, brokerName: 'nope', queueId: 0 })).rejects.toBeInstanceOf(NoRouteError);
    await expect(admin.maxOffset({ topic: P, brokerName: 'broker-a', queueId: -1 })).rejects.toBeInstanceOf(ValidationError);
  });

  it('consumerProgress reports exact lag per queue', async () => {
    // queue 0 of broker-b: 5 messages, 2 consumed; queue 1 of broker-b: 3 messages, all consumed.
    for (let i = 0; i < 5; i++) await rawSend(pool, master('broker-b'), { topic: P, queueId: 0, body: `p${i}` });
    for (let i = 0; i < 3; i++) await rawSend(pool, master('broker-b'), { topic: P, queueId: 1, body: `q${i}` });
    const commit = async (queueId: number, commitOffset: number): Promise<void> => {
      const cmd = encodeUpdateConsumerOffsetRequest({ consumerGroup: 'cg_progress', topic: P, queueId, commitOffset });
      decodeUpdateConsumerOffsetResponse(await pool.invoke(master('broker-b'), cmd, { timeoutMs: 3000 }));
    };
    await commit(0, 2);
    await commit(1, 3);
    const p = await admin.consumerProgress('cg_progress');
    expect(p.queues).toEqual([
      { topic: P, brokerName: 'broker-b', queueId: 0, brokerOffset: 5, consumerOffset: 2, lag: 3 },
      { topic: P, brokerName: 'broker-b', queueId: 1, brokerOffset: 3, consumerOffset: 3, lag: 0 },
    ]);
    expect(p.totalLag).toBe(3);
    // Naming the topic lists every queue, including broker-a's where the group never committed (lag = all stored).
    const all = await admin.consumerProgress('cg_progress', { topics: [P] });
    expect(all.queues.map((q) => [q.brokerName, q.queueId, q.consumerOffset, q.lag])).toEqual([
      ['broker-a', 0, -1, 0],
      ['broker-a', 1, -1, 4],
      ['broker-b', 0, 2, 3],
      ['broker-b', 1, 3, 0],
    ]);
    expect(all.totalLag).toBe(7);
  });

  it('createTopic on every master, then topicRoute shows it', async () => {
    const out = await admin.createTopic({ topic: 'admin_created', queues: 3 });
    expect(out.map((o) => [o.brokerName, o.ok])).toEqual([['broker-a', true], ['broker-b', true]]);
    const route = await admin.topicRoute('admin_created');
    expect(route.queueDatas.map((q) => [q.brokerName, q.readQueueNums, q.writeQueueNums, q.perm]).sort()).toEqual([
      ['broker-a', 3, 3, 6],
      ['broker-b', 3, 3, 6],
    ]);
    expect(await admin.topicList()).toContain('admin_created');
    await expect(admin.createTopic({ topic: 'x', queues: 0 })).rejects.toBeInstanceOf(ValidationError);
    await expect(admin.createTopic({ topic: 'x', queues: 1, clusterName: 'NoSuchCluster' })).rejects.toBeInstanceOf(NotFoundError);
  });

  it('clusterInfo names groups, leaders and runtime roles', async () => {
    const c = await admin.clusterInfo({ runtime: true });
    expect(c.groups.map((g) => [g.clusterName, g.brokerName, g.leaderAddr])).toEqual([
      ['DefaultCluster', 'broker-a', master('broker-a')],
      ['DefaultCluster', 'broker-b', master('broker-b')],
    ]);
    expect(c.groups[0].replicas).toEqual([
      expect.objectContaining({ brokerId: 0, addr: master('broker-a'), leader: true, brokerRole: 'ASYNC_MASTER' }),
    ]);
  });
});
