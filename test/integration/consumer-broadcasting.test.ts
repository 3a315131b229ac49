import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MockCluster } from '../../src/mock/index.js';
import { PushConsumer, type MessageExt } from '../../src/consumer/index.js';
import type { Producer } from '../../src/producer/index.js';
import { sendMany, startProducer, waitFor } from './consumer-helpers.js';

describe('broadcasting: every consumer gets every message; offsets survive a restart from the local file', () => {
  let cluster: MockCluster;
  let producer: Producer;
  const dir = mkdtempSync(join(tmpdir(), 'rmq-offsets-'));
  const open: PushConsumer[] = [];

  beforeAll(async () => {
    cluster = await MockCluster.start({ groups: [{ brokerName: 'broker-a', mode: 'single' }], timeScale: 0.05 });
    await cluster.createTopic('BT', { queues: 3 });
    producer = await startProducer(cluster.namesrvAddr);
  });
  afterAll(async () => {
    await Promise.all(open.map((c) => c.shutdown()));
    await producer?.shutdown();
    await cluster?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const make = (instanceName: string, sink: string[]): PushConsumer => {
    const c = new PushConsumer({
      namesrvAddr: cluster.namesrvAddr,
      consumerGroup: 'GB',
      messageModel: 'BROADCASTING',
      consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
      instanceName,
      offsetStoreDir: dir,
      suspendTimeoutMillis: 200,
      persistConsumerOffsetInterval: 50,
    });
    c.subscribe('BT', 'TagA || TagB');
    c.registerMessageListener((msgs: MessageExt[]) => {
      for (const m of msgs) sink.push(m.body.toString());
    });
    open.push(c);
    return c;
  };

  it('delivers everything to each member and resumes after a restart without replaying', async () => {
    const gotA: string[] = [];
    const gotB: string[] = [];
    const a = make('inst-a', gotA);
    const b = make('inst-b', gotB);
    await Promise.all([a.start(), b.start()]);
    expect(a.assignedQueues()).toHaveLength(3);
    expect(b.assignedQueues()).toHaveLength(3);
    // TagC is filtered out (client and broker side); A and B pass.
    const sent = await sendMany(producer, 'BT', 90, 'm', { tags: (i) => ['TagA', 'TagB', 'TagC'][i % 3] });
    const wanted = sent.filter((s) => Number(s.slice(1)) % 3 !== 2);
    await waitFor(() => gotA.length >= wanted.length && gotB.length >= wanted.length, 10_000, 'both members got everything');
    expect(new Set(gotA)).toEqual(new Set(wanted));
    expect(new Set(gotB)).toEqual(new Set(wanted));

    await a.shutdown();
    const file = join(dir, 'inst-a', 'GB', 'offsets.json');
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { offsetTable: { offset: number }[] };
    expect(saved.offsetTable.reduce((n, e) => n + e.offset, 0)).toBe(90);

    const more = await sendMany(producer, 'BT', 30, 'n', { tags: () => 'TagA' });
    const again: string[] = [];
    const a2 = make('inst-a', again);
    await a2.start();
    await waitFor(() => again.length >= 30, 10_000, 'the restarted member caught up');
    await new Promise((r) => setTimeout(r, 200));
    expect(new Set(again)).toEqual(new Set(more));
    expect(again).toHaveLength(30);
  });
});
