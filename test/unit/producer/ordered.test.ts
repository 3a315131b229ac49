import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { checkSelected, orderedQueues, pickerFor, selectQueueByHash } from '../../../src/producer/ordered.js';
import { buildTopicPublishInfo, type MessageQueue } from '../../../src/client/topic-publish-info.js';
import { ValidationError } from '../../../src/errors.js';
import type { TopicRouteData } from '../../../src/protocol/route.js';

const queues = (n: number): MessageQueue[] => Array.from({ length: n }, (_, i) => ({ topic: 'T', brokerName: 'a', queueId: i }));

describe('ordered sends', () => {
  it('hashes like Java SelectMessageQueueByHash (String.hashCode, abs, mod)', () => {
    // "hello".hashCode() = 99162322; 99162322 % 10 = 2. "polygenelubricants".hashCode() = Integer.MIN_VALUE.
    expect(selectQueueByHash(queues(10), "hello").queueId).toBe(2);
    const q = selectQueueByHash(queues(7), 'polygenelubricants');
    expect(q.queueId).toBeGreaterThanOrEqual(0);
    expect(q.queueId).toBeLessThan(7);
    fc.assert(
      fc.property(fc.string(), fc.integer({ min: 1, max: 64 }), (key, n) => {
        const a = selectQueueByHash(queues(n), key);
        expect(a).toEqual(selectQueueByHash(queues(n), key));
        expect(a.queueId).toBeLessThan(n);
      }),
    );
    expect(() => selectQueueByHash([], 'k')).toThrow(ValidationError);
  });

  it('keeps a key on its queue when its group loses the master', () => {
    const route = (bMaster: boolean): TopicRouteData => ({
      queueDatas: ['a', 'b'].map((brokerName) => ({ brokerName, readQueueNums: 4, writeQueueNums: 4, perm: 6, topicSysFlag: 0 })),
      brokerDatas: [
        { cluster: 'c', brokerName: 'a', brokerAddrs: { '0': 'a:1' } },
        { cluster: 'c', brokerName: 'b', brokerAddrs: (bMaster ? { '0': 'b:1' } : { '2': 'b:2' }) as Record<string, string> },
      ],
      filterServerTable: {},
    });
    const healthy = orderedQueues(buildTopicPublishInfo('T', route(true)));
    const electing = orderedQueues(buildTopicPublishInfo('T', route(false)));
    expect(electing).toEqual(healthy);
    expect(healthy).toHaveLength(8);
    expect(buildTopicPublishInfo('T', route(false)).messageQueues).toHaveLength(4);
  });

  it('validates selector results and finds explicit queues', () => {
    const qs = queues(4);
    expect(() => checkSelected(qs, undefined)).toThrow(ValidationError);
    expect(() => checkSelected(qs, { topic: 'T', brokerName: 'a', queueId: 9 })).toThrow(ValidationError);
    expect(pickerFor({ queue: { topic: 'T', brokerName: 'a', queueId: 2 } }, { topic: 'T', body: 'x' })?.(qs)?.queueId).toBe(2);
    expect(pickerFor({ queue: { topic: 'T', brokerName: 'z', queueId: 2 } }, { topic: 'T', body: 'x' })?.(qs)).toBeUndefined();
    expect(pickerFor({ selector: (list, _m, arg) => list[arg as number], arg: 1 }, { topic: 'T', body: 'x' })?.(qs)?.queueId).toBe(1);
    expect(pickerFor({}, { topic: 'T', body: 'x' })).toBeUndefined();
  });
});
