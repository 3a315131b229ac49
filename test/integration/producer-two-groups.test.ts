/**
 * Two DLedger groups (broker-a, broker-b, 3 replicas each); broker-a's leader is killed during a 2,000-message loop.
 * No send may fail: they move to broker-b within the budget, and traffic returns to broker-a after its election.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MockCluster } from '../../src/mock/index.js';
import { Producer } from '../../src/producer/index.js';

const TOPIC = 'producer_two_groups_topic';

describe('two groups: a leader kill costs no failed send', () => {
  let cluster: MockCluster;
  let producer: Producer;

  beforeAll(async () => {
    cluster = await MockCluster.start({
      groups: [
        { brokerName: 'broker-a', mode: 'dledger', replicas: 3 },
        { brokerName: 'broker-b', mode: 'dledger', replicas: 3 },
      ],
      timeScale: 0.05,
    });
    await Promise.all([cluster.waitForLeader('broker-a'), cluster.waitForLeader('broker-b')]);
    await cluster.createTopic(TOPIC, { queues: 4 });
    producer = new Producer({ namesrvAddr: cluster.namesrvAddr, producerGroup: 'producer_two_groups' });
    await producer.start();
  });

  afterAll(async () => {
    await producer?.shutdown();
    await cluster?.stop();
  });

  it('moves sends to broker-b during the election and back to broker-a after it', { timeout: 120_000 }, async () => {
    const events = { isolated: 0, recovered: 0, retries: 0, leaderChanges: 0 };
    producer.on('brokerIsolated', () => events.isolated++);
    producer.on('brokerRecovered', () => events.recovered++);
    producer.on('sendRetry', () => events.retries++);
    producer.on('leaderChange', () => events.leaderChanges++);
    const oldLeader = cluster.leaderOf('broker-a')?.addr;
    let failed = 0;
    let killedAt = 0;
    let registeredAt = 0;
    const perPhase = { before: { a: 0, b: 0 }, during: { a: 0, b: 0 }, after: { a: 0, b: 0 } };
    let firstAAfterElection = 0;

    for (let i = 0; i < 2000; i++) {
      if (i === 500) {
        await cluster.killLeader('broker-a');
        killedAt = Date.now();
      }
      if (killedAt && !registeredAt) {
        const addr = cluster.nameServer.routes.brokerAddrs('broker-a')?.['0'];
        if (addr && addr !== oldLeader) registeredAt = Date.now();
      }
      try {
        const r = await producer.send({ topic: TOPIC, keys: `k${i}`, body: `two groups ${i}` });
        const phase = !killedAt ? perPhase.before : !registeredAt ? perPhase.during : perPhase.after;
        if (r.messageQueue.brokerName === 'broker-a') {
          phase.a++;
          if (registeredAt && !firstAAfterElection) firstAAfterElection = Date.now();
        } else phase.b++;
      } catch {
        failed++;
      }
      // Keep the loop going long enough to see the election end.
      if (i > 500 && !registeredAt) await new Promise((r) => setTimeout(r, 1));
    }
    console.log(`two groups: ${JSON.stringify(perPhase)} events ${JSON.stringify(events)} back on broker-a ${firstAAfterElection - registeredAt} ms after registration`);
    expect(failed).toBe(0);
    expect(perPhase.before.a).toBeGreaterThan(0);
    expect(perPhase.before.b).toBeGreaterThan(0);
    expect(registeredAt).toBeGreaterThan(0);
    expect(perPhase.during.b).toBeGreaterThan(0);
    expect(perPhase.after.a).toBeGreaterThan(0);
    expect(firstAAfterElection).toBeGreaterThan(0);
    expect(events.isolated).toBeGreaterThan(0);
  });
});
