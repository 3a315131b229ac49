import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MockCluster } from '../../src/mock/index.js';
import { PushConsumer, type MessageExt } from '../../src/consumer/index.js';
import type { Producer } from '../../src/producer/index.js';
import { startProducer, waitFor } from './consumer-helpers.js';

/** Messages sent in the run; `CONSUMER_FAILOVER_COUNT=10000 npx vitest run test/integration/consumer-failover.test.ts` for the long run. */
const COUNT = Number(process.env.CONSUMER_FAILOVER_COUNT ?? 2000);

describe(`leader killed while ${COUNT} messages flow`, () => {
  let cluster: MockCluster;
  let producer: Producer;
  let consumer: PushConsumer;

  beforeAll(async () => {
    cluster = await MockCluster.start({ groups: [{ brokerName: 'broker-a', mode: 'dledger', replicas: 3 }], timeScale: 0.05 });
    await cluster.waitForLeader('broker-a');
    await cluster.createTopic('FT', { queues: 4 });
    producer = await startProducer(cluster.namesrvAddr);
  }, 60_000);
  afterAll(async () => {
    await consumer?.shutdown();
    await producer?.shutdown();
    await cluster?.stop();
  });

  it('receives every acknowledged message (0 lost), pulls from the new leader, counts duplicates', async () => {
    const received = new Map<string, number>();
    consumer = new PushConsumer({
      namesrvAddr: cluster.namesrvAddr,
      consumerGroup: 'GF',
      consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
      suspendTimeoutMillis: 500,
      rebalanceInterval: 500,
      persistConsumerOffsetInterval: 100,
      pullTimeDelayMillsWhenException: 100,
      pollNameServerInterval: 500,
    });
    consumer.subscribe('FT', '*');
    consumer.registerMessageListener((msgs: MessageExt[]) => {
      for (const m of msgs) {
        const b = m.body.toString();
        received.set(b, (received.get(b) ?? 0) + 1);
      }
    });
    await consumer.start();
    const before = (await cluster.waitForLeader('broker-a')).addr;

    const acked: string[] = [];
    let failedSends = 0;
    let killed = false;
    const window = 32;
    for (let i = 0; i < COUNT; i += window) {
      if (!killed && i >= COUNT / 3) {
        killed = true;
        void cluster.killLeader('broker-a');
      }
      await Promise.all(
        Array.from({ length: Math.min(window, COUNT - i) }, async (_, j) => {
          const body = `f${i + j}`;
          try {
            await producer.send({ topic: 'FT', body });
            acked.push(body);
          } catch {
            failedSends++;
          }
        }),
      );
    }
    const after = (await cluster.waitForLeader('broker-a')).addr;
    expect(after).not.toBe(before);
    await waitFor(() => acked.every((b) => received.has(b)), 60_000, 'every acknowledged message');
    const lost = acked.filter((b) => !received.has(b));
    const duplicates = [...received.values()].reduce((n, c) => n + (c - 1), 0);
    console.log(`failover: sent ${COUNT}, acked ${acked.length}, send failures ${failedSends}, received ${received.size} distinct, lost ${lost.length}, duplicates ${duplicates}; leader ${before} → ${after}`);
    expect(lost).toEqual([]);
    // Pulls now go to the new leader (no follower reads: slaveReadEnable is off).
    await producer.send({ topic: 'FT', body: 'tail' });
    await waitFor(() => received.has('tail') && consumer.processQueues().every((pq) => consumer.brokerAddrOf(pq) === after), 10_000, 'pulls from the new leader');
    expect(acked.length).toBeGreaterThan(COUNT * 0.9);
  }, 120_000);
});
