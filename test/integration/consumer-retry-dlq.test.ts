import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MockCluster } from '../../src/mock/index.js';
import { PullConsumer, PushConsumer, type MessageExt } from '../../src/consumer/index.js';
import type { Producer } from '../../src/producer/index.js';
import { startProducer, waitFor } from './consumer-helpers.js';

describe('RECONSUME_LATER → retry topic with growing delays → DLQ', () => {
  let cluster: MockCluster;
  let producer: Producer;
  let consumer: PushConsumer;
  let dlq: PullConsumer;

  beforeAll(async () => {
    cluster = await MockCluster.start({ groups: [{ brokerName: 'broker-a', mode: 'single' }], timeScale: 0.02 });
    await cluster.createTopic('RT', { queues: 2 });
    producer = await startProducer(cluster.namesrvAddr);
  });
  afterAll(async () => {
    await consumer?.shutdown();
    await dlq?.shutdown();
    await producer?.shutdown();
    await cluster?.stop();
  });

  it('redelivers with reconsumeTimes 1..max at growing intervals, then dead-letters; good messages are acked once', async () => {
    const deliveries: { at: number; times: number; topic: string }[] = [];
    const good = new Map<string, number>();
    consumer = new PushConsumer({
      namesrvAddr: cluster.namesrvAddr,
      consumerGroup: 'GR',
      consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
      maxReconsumeTimes: 3,
      suspendTimeoutMillis: 200,
      rebalanceInterval: 300,
    });
    consumer.subscribe('RT', '*');
    consumer.registerMessageListener((msgs: MessageExt[]) => {
      const m = msgs[0];
      const body = m.body.toString();
      if (body === 'poison') {
        deliveries.push({ at: Date.now(), times: m.reconsumeTimes, topic: m.topic });
        return 'RECONSUME_LATER';
      }
      good.set(body, (good.get(body) ?? 0) + 1);
      return 'CONSUME_SUCCESS';
    });
    await consumer.start();
    const sent = await producer.send({ topic: 'RT', body: 'poison', keys: 'poison-key' });
    for (let i = 0; i < 20; i++) await producer.send({ topic: 'RT', body: `ok${i}` });

    await waitFor(() => deliveries.length >= 4, 20_000, 'four deliveries of the poison message');
    expect(deliveries.map((d) => d.times)).toEqual([0, 1, 2, 3]);
    // Users see the original topic, not %RETRY%GR.
    expect(deliveries.every((d) => d.topic === 'RT')).toBe(true);
    const gaps = deliveries.slice(1).map((d, i) => d.at - deliveries[i].at);
    // Levels 3, 4, 5 = 10 s, 30 s, 1 min, scaled by 0.02 → 200, 600, 1200 ms (plus pull latency).
    expect(gaps[0]).toBeGreaterThanOrEqual(150);
    expect(gaps[1]).toBeGreaterThan(gaps[0]);
    expect(gaps[2]).toBeGreaterThan(gaps[1]);
    console.log(`retry gaps (ms, scaled 0.02): ${gaps.join(', ')}`);

    dlq = new PullConsumer({ namesrvAddr: cluster.namesrvAddr, consumerGroup: 'GR-DLQ-READER', consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET', suspendTimeoutMillis: 200 });
    dlq.assign([{ topic: '%DLQ%GR', brokerName: 'broker-a', queueId: 0 }]);
    await dlq.start();
    const dead = await waitFor(async () => {
      const r = await dlq.poll(300);
      return r.length > 0 ? r : undefined;
    }, 10_000, 'the DLQ message');
    expect(dead[0].body.toString()).toBe('poison');
    expect(dead[0].properties.ORIGIN_MESSAGE_ID ?? dead[0].properties.DLQ_ORIGIN_MESSAGE_ID).toBeDefined();
    expect(dead[0].msgId).toBe(sent.msgId);
    // No fifth delivery after the DLQ.
    await new Promise((r) => setTimeout(r, 500));
    expect(deliveries.length).toBe(4);
    await waitFor(() => good.size === 20, 5000, 'good messages');
    expect([...good.values()].every((n) => n === 1)).toBe(true);
  });
});
