import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MockCluster } from '../../src/mock/index.js';
import { PushConsumer, type MessageExt } from '../../src/consumer/index.js';
import type { Producer } from '../../src/producer/index.js';
import { sendMany, shutdownAll, startProducer, waitFor } from './consumer-helpers.js';

describe('push consumers: three in one group over 8 queues', () => {
  let cluster: MockCluster;
  let producer: Producer;
  const consumers: PushConsumer[] = [];

  beforeAll(async () => {
    cluster = await MockCluster.start({ groups: [{ brokerName: 'broker-a', mode: 'single' }, { brokerName: 'broker-b', mode: 'single' }], timeScale: 0.05 });
    await cluster.createTopic('GT', { queues: 4 });
    producer = await startProducer(cluster.namesrvAddr);
  });
  afterAll(async () => {
    await shutdownAll(consumers);
    await producer?.shutdown();
    await cluster?.stop();
  });

  it('consumes each message once, and takes over a leaver\'s queues at once on the notify', async () => {
    const seen = new Map<string, string[]>();
    const make = (name: string): PushConsumer => {
      const c = new PushConsumer({
        namesrvAddr: cluster.namesrvAddr,
        consumerGroup: 'G3',
        consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
        suspendTimeoutMillis: 1000,
        // Long enough that only the notify can explain a fast take-over.
        rebalanceInterval: 60_000,
        persistConsumerOffsetInterval: 200,
      });
      c.subscribe('GT', '*');
      c.registerMessageListener(async (msgs: MessageExt[]) => {
        for (const m of msgs) {
          const body = m.body.toString();
          seen.set(body, [...(seen.get(body) ?? []), name]);
        }
      });
      consumers.push(c);
      return c;
    };
    const [a, b, c] = [make('a'), make('b'), make('c')];
    await Promise.all([a.start(), b.start(), c.start()]);
    const owned = () => [a, b, c].map((x) => x.assignedQueues().filter((q) => q.topic === 'GT').length);
    await waitFor(() => owned().reduce((x, y) => x + y, 0) === 8 && owned().every((n) => n >= 2), 10_000, 'a 3/3/2 split');
    expect(owned().sort()).toEqual([2, 3, 3]);

    const first = await sendMany(producer, 'GT', 300, 'x');
    await waitFor(() => first.every((b) => seen.has(b)), 15_000, 'first 300 consumed');
    const dupes = first.filter((b) => (seen.get(b) ?? []).length > 1);
    expect(dupes).toEqual([]);

    const leaverQueues = c.assignedQueues().filter((q) => q.topic === 'GT');
    const t0 = Date.now();
    await c.shutdown();
    await waitFor(() => a.assignedQueues().filter((q) => q.topic === 'GT').length + b.assignedQueues().filter((q) => q.topic === 'GT').length === 8, 5000, 'take-over');
    const tookMs = Date.now() - t0;
    expect(tookMs).toBeLessThan(5000);
    expect(leaverQueues.length).toBeGreaterThan(0);

    const second = await sendMany(producer, 'GT', 300, 'y');
    await waitFor(() => second.every((b) => seen.has(b)), 15_000, 'second 300 consumed');
    for (const b of second) expect(seen.get(b)?.some((n) => n === 'a' || n === 'b')).toBe(true);
    expect(second.filter((b) => seen.get(b)?.includes('c'))).toEqual([]);
    console.log(`take-over after leave: ${tookMs} ms; duplicates in phase 2: ${second.filter((b) => (seen.get(b) ?? []).length > 1).length}`);
  });
});
