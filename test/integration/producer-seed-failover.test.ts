/**
 * Seed scenario (issue 4): one 3-replica DLedger group, keys m600200…m600299, the leader is killed at message 50.
 * Every send ends in SEND_OK or a typed error; sends succeed again within 1 s of the new leader's registration; every
 * acknowledged message is then found by key on the new leader.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MockCluster } from '../../src/mock/index.js';
import { Producer } from '../../src/producer/index.js';
import { RocketMQError } from '../../src/errors.js';
import { BrokerPool } from '../../src/client/broker-pool.js';
import { decodeQueryMessageResponse, encodeQueryMessageRequest } from '../../src/protocol/query-message.js';
import { decodeStoredMessages } from '../../src/message/stored.js';

const TOPIC = 'topic_dw_test_by_order_01';

describe('seed scenario: leader killed mid-loop in a one-group DLedger cluster', () => {
  let cluster: MockCluster;
  let producer: Producer;
  const pool = new BrokerPool();

  beforeAll(async () => {
    cluster = await MockCluster.start({ groups: [{ brokerName: 'broker-a', mode: 'dledger', replicas: 3 }], timeScale: 0.05 });
    await cluster.waitForLeader('broker-a');
    await cluster.createTopic(TOPIC, { queues: 4 });
    producer = new Producer({ namesrvAddr: cluster.namesrvAddr, producerGroup: 'producer_dw_test' });
    await producer.start();
  });

  afterAll(async () => {
    await producer?.shutdown();
    await pool.close();
    await cluster?.stop();
  });

  it('loses no acknowledged message and resumes within 1 s of the new leader registering', async () => {
    const ok = new Map<string, string>();
    const failures: RocketMQError[] = [];
    const leaderChanges: Array<{ from?: string; to?: string }> = [];
    producer.on('leaderChange', (e) => leaderChanges.push(e));
    let killedAt = 0;
    let registeredAt = 0;
    let firstOkAfterKill = 0;
    let registration: Promise<void> | undefined;
    const oldLeader = cluster.leaderOf('broker-a')?.addr;

    for (let i = 600200; i < 600300; i++) {
      if (i === 600250) {
        await cluster.killLeader('broker-a');
        killedAt = Date.now();
        registration = (async () => {
          // The nameserver first drops the dead leader's id 0, then a new one registers.
          for (;;) {
            const addr = cluster.nameServer.routes.brokerAddrs('broker-a')?.['0'];
            if (addr && addr !== oldLeader) break;
            await new Promise((r) => setTimeout(r, 2));
          }
          registeredAt = Date.now();
        })();
      }
      try {
        const r = await producer.send({ topic: TOPIC, keys: `m${i}`, body: `Hello RocketMQ${i}` });
        expect(r.status).toBe('SEND_OK');
        ok.set(`m${i}`, r.msgId);
        if (killedAt && !firstOkAfterKill) firstOkAfterKill = Date.now();
      } catch (err) {
        expect(err).toBeInstanceOf(RocketMQError);
        failures.push(err as RocketMQError);
      }
    }
    await registration;
    expect(registeredAt).toBeGreaterThan(killedAt);
    expect(firstOkAfterKill).toBeGreaterThan(0);
    // Not after the 30 s poll: within 1 s of the registration.
    expect(firstOkAfterKill - registeredAt).toBeLessThan(1000);
    expect(leaderChanges.some((e) => e.to !== undefined && e.to !== oldLeader)).toBe(true);

    // Every acknowledged message is on the new leader, found by key.
    const leader = await cluster.waitForLeader('broker-a');
    const lost: string[] = [];
    for (const [key, msgId] of ok) {
      const res = await pool.invoke(
        leader.addr,
        encodeQueryMessageRequest({ topic: TOPIC, key, maxNum: 32, beginTimestamp: 0, endTimestamp: Number.MAX_SAFE_INTEGER }),
        { timeoutMs: 3000 },
      );
      const q = decodeQueryMessageResponse(res);
      const msgs = q.found ? decodeStoredMessages(q.body) : [];
      if (!msgs.some((m) => m.msgId === msgId && m.keys.includes(key))) lost.push(key);
    }
    expect(lost).toEqual([]);
    expect(ok.size + failures.length).toBe(100);
    console.log(
      `seed: ${ok.size} SEND_OK, ${failures.length} typed failures, election ${registeredAt - killedAt} ms, ` +
        `first OK ${firstOkAfterKill - registeredAt} ms after registration`,
    );
  });
});
