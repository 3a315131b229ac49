/**
 * Admin during a DLedger election: the leader is killed, no brokerId 0 is left (or the dead one still is), and a
 * query by key is answered by a follower.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Admin } from '../../src/admin/index.js';
import { BrokerPool } from '../../src/client/broker-pool.js';
import { ConnectionError } from '../../src/errors.js';
import { MockCluster } from '../../src/mock/index.js';
import { rawSend } from '../unit/admin/raw-send.js';

let cluster: MockCluster;
let admin: Admin;
let pool: BrokerPool;
const T = 'admin_election_topic';

beforeAll(async () => {
  cluster = await MockCluster.start({ groups: [{ brokerName: 'broker-d', mode: 'dledger', replicas: 3 }], timeScale: 0.3 });
  await cluster.waitForLeader('broker-d');
  await cluster.createTopic(T, { queues: 2 });
  pool = new BrokerPool();
  admin = new Admin({ namesrvAddr: cluster.namesrvAddr });
  await admin.start();
});

afterAll(async () => {
  await admin?.shutdown();
  await pool?.close();
  await cluster?.stop();
});

it('a follower answers a query by key while the group has no leader', async () => {
  const leader = await cluster.waitForLeader('broker-d');
  const sent = await rawSend(pool, leader.addr, { topic: T, keys: 'during-election', body: 'survives' });
  // Wait until every follower has applied it, so whichever one answers has it.
  const deadline = Date.now() + 10_000;
  for (;;) {
    const ready = cluster
      .nodes('broker-d')
      .every((n) => n.broker.store.queryByKey(T, 'during-election', 4).records.length === 1);
    if (ready) break;
    if (Date.now() > deadline) throw new Error('followers did not apply the message');
    await new Promise((r) => setTimeout(r, 20));
  }
  const before = await admin.queryMessage(T, 'during-election');
  expect(before.sources).toEqual([expect.objectContaining({ brokerName: 'broker-d', brokerId: 0, addr: leader.addr, found: 1 })]);

  await cluster.killLeader('broker-d');
  expect(cluster.leaderOf('broker-d')).toBeUndefined();
  const during = await admin.queryMessage(T, 'during-election');
  expect(during.messages.map((m) => m.body.toString())).toEqual(['survives']);
  expect(during.messages[0].msgId).toBe(sent.msgId);
  const src = during.sources[0];
  expect(src.addr).not.toBe(leader.addr);
  expect(src.brokerId).toBeGreaterThan(0);
  expect(src.error).toBeUndefined();

  // DLedger logs are byte-identical, so the copy still names the dead leader as store host: a plain view fails to
  // connect, and with the topic a replica at the same commit-log offset answers.
  expect(during.messages[0].offsetMsgId).toBe(sent.offsetMsgId);
  await expect(admin.viewMessage(sent.offsetMsgId)).rejects.toBeInstanceOf(ConnectionError);
  const copy = await admin.viewMessage(sent.offsetMsgId, { topic: T });
  expect(copy.body.toString()).toBe('survives');
  expect(copy.msgId).toBe(sent.msgId);

  const next = await cluster.waitForLeader('broker-d');
  const after = await admin.queryMessage(T, 'during-election');
  expect(after.sources[0]).toEqual(expect.objectContaining({ brokerId: 0, addr: next.addr, found: 1 }));
  const overview = await admin.clusterInfo();
  expect(overview.groups[0].leaderAddr).toBe(next.addr);
});
