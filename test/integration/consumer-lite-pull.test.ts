import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MockCluster } from '../../src/mock/index.js';
import { PullConsumer, type MessageExt } from '../../src/consumer/index.js';
import type { Producer } from '../../src/producer/index.js';
import { ValidationError } from '../../src/errors.js';
import { sendMany, startProducer, waitFor } from './consumer-helpers.js';

describe('PullConsumer (lite pull) against the mock', () => {
  let cluster: MockCluster;
  let producer: Producer;
  const open: PullConsumer[] = [];
  const make = (o: Partial<ConstructorParameters<typeof PullConsumer>[0]> = {}): PullConsumer => {
    const c = new PullConsumer({ namesrvAddr: cluster.namesrvAddr, consumerGroup: 'LP', consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET', suspendTimeoutMillis: 300, pollTimeoutMillis: 300, ...o });
    open.push(c);
    return c;
  };

  beforeAll(async () => {
    cluster = await MockCluster.start({ groups: [{ brokerName: 'broker-a', mode: 'single' }], timeScale: 0.05 });
    await cluster.createTopic('LT', { queues: 2 });
    producer = await startProducer(cluster.namesrvAddr);
  });
  afterAll(async () => {
    await Promise.all(open.map((c) => c.shutdown()));
    await producer?.shutdown();
    await cluster?.stop();
  });

  it('for await yields everything once; a restarted consumer resumes from the auto-committed offset', async () => {
    const sent = await sendMany(producer, 'LT', 100, 'a');
    const c = make({ consumerGroup: 'LP1', autoCommitIntervalMillis: 50 });
    c.subscribe('LT', '*');
    await c.start();
    const got: string[] = [];
    for await (const m of c) {
      got.push(m.body.toString());
      if (got.length === 100) break;
    }
    expect(new Set(got)).toEqual(new Set(sent));
    expect(got.length).toBe(100);
    await c.shutdown();

    const more = await sendMany(producer, 'LT', 20, 'b');
    const c2 = make({ consumerGroup: 'LP1' });
    c2.subscribe('LT', '*');
    await c2.start();
    const again: string[] = [];
    while (again.length < 20) again.push(...(await c2.poll(1000)).map((m) => m.body.toString()));
    expect(new Set(again)).toEqual(new Set(more));
  });

  it('assign + seek + pause/resume + manual commit', async () => {
    const c = make({ consumerGroup: 'LP2', autoCommit: false });
    const mqs = await (async () => {
      c.assign([{ topic: 'LT', brokerName: 'broker-a', queueId: 0 }]);
      await c.start();
      return c.assignment();
    })();
    expect(mqs).toHaveLength(1);
    const mq = mqs[0];
    const all: MessageExt[] = [];
    await waitFor(async () => {
      all.push(...(await c.poll(200)));
      return all.length >= 60;
    }, 10_000, '60 messages of queue 0');
    expect(all.every((m) => m.queueId === 0)).toBe(true);
    const offsets = all.map((m) => m.queueOffset);
    expect(offsets).toEqual([...offsets].sort((a, b) => a - b));

    // seek back to 5: the next poll starts there again.
    await c.seek(mq, 5);
    const afterSeek = await waitFor(async () => {
      const r = await c.poll(500);
      return r.length > 0 ? r : undefined;
    }, 5000, 'messages after seek');
    expect(afterSeek[0].queueOffset).toBe(5);
    await expect(c.seek(mq, 1_000_000)).rejects.toBeInstanceOf(ValidationError);
    await expect(c.seek({ ...mq, queueId: 1 }, 0)).rejects.toBeInstanceOf(ValidationError);

    // pause: nothing is handed out; resume: it flows again.
    c.pause([mq]);
    await sendMany(producer, 'LT', 10, 'p');
    expect(await c.poll(300)).toEqual([]);
    c.resume([mq]);
    const resumed = await waitFor(async () => {
      const r = await c.poll(500);
      return r.length > 0 ? r : undefined;
    }, 5000, 'messages after resume');
    expect(resumed.length).toBeGreaterThan(0);

    // manual commit: nothing stored before commit(), the consumed offset after.
    expect(await c.committed(mq)).toBeLessThanOrEqual(0);
    await c.commit();
    const last = resumed[resumed.length - 1].queueOffset;
    expect(await c.committed(mq)).toBeGreaterThanOrEqual(last + 1);
  });

  it('rejects bad input with typed errors', () => {
    expect(() => new PullConsumer({ consumerGroup: '' })).toThrow(ValidationError);
    const c = new PullConsumer({ consumerGroup: 'X', namesrvAddr: '127.0.0.1:1' });
    expect(() => c.assign([{ topic: 'T', brokerName: 'b', queueId: -1 }])).toThrow(ValidationError);
  });
});
