/**
 * Issue 7: a broker whose queue is behind our offset answers PULL_OFFSET_MOVED with a *backward* nextBeginOffset
 * (0 or its own max offset). From a stale master (here: a second broker registered as broker-a's master, standing in
 * for a resumed, deposed DLedger leader) that must not rewind the consumer; from a queue that really was truncated
 * (store wiped) it must be accepted once it persists, or the consumer would be stuck above the new end forever.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MockBroker, MockCluster } from '../../src/mock/index.js';
import { PushConsumer, type MessageExt, type OffsetMovedEvent, type OffsetMoveSuspectedEvent } from '../../src/consumer/index.js';
import { sendMany, startProducer, waitFor } from './consumer-helpers.js';

const TIME_SCALE = 0.05;

/** A push consumer on `topic` recording every delivery (body → count) and the offset-move events. */
function recordingConsumer(namesrvAddr: string, group: string, topic: string, offsetRewindConfirmMillis: number) {
  const received = new Map<string, number>();
  const moved: OffsetMovedEvent[] = [];
  const suspected: OffsetMoveSuspectedEvent[] = [];
  const consumer = new PushConsumer({
    namesrvAddr,
    consumerGroup: group,
    consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
    suspendTimeoutMillis: 200,
    pollNameServerInterval: 100,
    pullTimeDelayMillsWhenException: 50,
    persistConsumerOffsetInterval: 100,
    rebalanceInterval: 500,
    offsetRewindConfirmMillis,
  });
  consumer.subscribe(topic, '*');
  consumer.registerMessageListener((msgs: MessageExt[]) => {
    for (const m of msgs) received.set(m.body.toString(), (received.get(m.body.toString()) ?? 0) + 1);
  });
  consumer.on('offsetMoved', (e) => moved.push(e));
  consumer.on('offsetMoveSuspected', (e) => suspected.push(e));
  return { consumer, received, moved, suspected };
}

describe('a stale master answering for the queue', () => {
  let cluster: MockCluster;
  let stale: MockBroker | undefined;
  let dir: string;
  const closers: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    // Real registration period (30 s): the stale master, once registered, stays in the route for the whole test.
    cluster = await MockCluster.start({ groups: [{ brokerName: 'broker-a', mode: 'single' }], timeScale: 1 });
    await cluster.createTopic('RW', { queues: 1 });
    dir = mkdtempSync(join(tmpdir(), 'rmq-stale-'));
  }, 30_000);
  afterAll(async () => {
    for (const c of closers.reverse()) await c().catch(() => undefined);
    await stale?.close();
    await cluster?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps the offset while the stale master is in the route, then continues from it with no loss and no redelivery', async () => {
    const producer = await startProducer(cluster.namesrvAddr);
    closers.push(() => producer.shutdown());
    const first = await sendMany(producer, 'RW', 40, 'r');
    const c = recordingConsumer(cluster.namesrvAddr, 'G_STALE', 'RW', 60_000);
    closers.push(() => c.consumer.shutdown());
    await c.consumer.start();
    await waitFor(() => first.every((b) => c.received.has(b)), 10_000, 'the first 40');

    // A second "master" of broker-a whose queue holds only 5 messages takes over the route.
    stale = new MockBroker({ brokerName: 'broker-a', brokerId: 0, namesrvAddrs: [cluster.namesrvAddr], storePathRootDir: dir });
    await stale.start();
    stale.store.config.putTopic({ topicName: 'RW', readQueueNums: 1, writeQueueNums: 1, perm: 6, topicFilterType: 'SINGLE_TAG', topicSysFlag: 0, order: false });
    await stale.registerAll();
    const staleProducer = await startProducer(cluster.namesrvAddr, 'PG_STALE');
    closers.push(() => staleProducer.shutdown());
    await sendMany(staleProducer, 'RW', 5, 'stale');
    expect(stale.store.getMaxOffset('RW', 0)).toBe(5);

    // The consumer asks the stale master for offset 40: OFFSET_OVERFLOW_BADLY → "move back". It refuses, repeatedly.
    await waitFor(() => c.suspected.filter((e) => e.brokerAddr === stale!.addr).length >= 3, 10_000, 'three suspected moves');
    const s = c.suspected.find((e) => e.brokerAddr === stale!.addr)!;
    expect(s).toMatchObject({ from: 40, brokerMaxOffset: 5 });
    expect(s.to).toBeLessThan(40);
    expect(c.moved).toEqual([]);
    expect(c.consumer.processQueues()[0].nextOffset).toBe(40);

    // The real master is back in the route; new messages continue from offset 40.
    await stale.close();
    stale = undefined;
    await cluster.broker('broker-a', 'n0').registerAll();
    const fresh = await startProducer(cluster.namesrvAddr, 'PG_FRESH');
    closers.push(() => fresh.shutdown());
    const second = await sendMany(fresh, 'RW', 10, 'n');
    await waitFor(() => second.every((b) => c.received.has(b)), 10_000, 'the next 10');
    expect([...c.received.keys()].filter((b) => b.startsWith('stale'))).toEqual([]);
    expect([...c.received.values()].every((n) => n === 1)).toBe(true);
    expect(c.received.size).toBe(50);
    expect(c.moved).toEqual([]);
  }, 30_000);
});

describe('a queue that really was truncated', () => {
  let cluster: MockCluster;
  const closers: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    cluster = await MockCluster.start({ groups: [{ brokerName: 'broker-a', mode: 'single' }], timeScale: TIME_SCALE });
    await cluster.createTopic('TR', { queues: 1 });
  }, 30_000);
  afterAll(async () => {
    for (const c of closers.reverse()) await c().catch(() => undefined);
    await cluster?.stop();
  });

  it('is accepted once the same broker keeps saying so for the confirmation window', async () => {
    const producer = await startProducer(cluster.namesrvAddr);
    closers.push(() => producer.shutdown());
    const first = await sendMany(producer, 'TR', 20, 't');
    const c = recordingConsumer(cluster.namesrvAddr, 'G_TRUNC', 'TR', 600);
    closers.push(() => c.consumer.shutdown());
    await c.consumer.start();
    await waitFor(() => first.every((b) => c.received.has(b)), 10_000, 'the first 20');

    // Lose the messages (commitlog and consume queues), keep the topic and offset config, restart on the same port.
    const broker = cluster.broker('broker-a', 'n0');
    const root = broker.options.storePathRootDir;
    await cluster.kill('broker-a', 'n0');
    rmSync(join(root, 'commitlog'), { recursive: true, force: true });
    rmSync(join(root, 'consumequeue'), { recursive: true, force: true });
    const t0 = Date.now();
    await cluster.restart('broker-a', 'n0');

    await waitFor(() => c.moved.length > 0, 10_000, 'the move to be accepted');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(600);
    expect(c.moved[0]).toMatchObject({ from: 20, to: 0, backward: true, brokerAddr: broker.addr });
    expect(c.moved[0].confirmations).toBeGreaterThanOrEqual(3);
    expect(c.suspected.length).toBeGreaterThanOrEqual(2);

    // The queue restarted at 0: messages stored after the truncation are delivered.
    const after = await sendMany(producer, 'TR', 5, 'after');
    await waitFor(() => after.every((b) => c.received.has(b)), 10_000, 'messages after the truncation');
    expect([...c.received.values()].every((n) => n === 1)).toBe(true);
  }, 30_000);
});
