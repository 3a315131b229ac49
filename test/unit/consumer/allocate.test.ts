import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { allocateMessageQueueAveragely, allocateMessageQueueByCircle, compareMessageQueues, type MessageQueue } from '../../../src/consumer/index.js';
import { ValidationError } from '../../../src/errors.js';

const queues = (n: number, brokers = ['a', 'b']): MessageQueue[] =>
  brokers.flatMap((b) => Array.from({ length: n / brokers.length }, (_, i) => ({ topic: 'T', brokerName: b, queueId: i }))).sort(compareMessageQueues);

describe('allocateMessageQueueAveragely', () => {
  it('splits 8 queues over 3 clients as Java does: 3, 3, 2 in contiguous blocks', () => {
    const mqs = queues(8);
    const cids = ['c1', 'c2', 'c3'];
    const got = cids.map((c) => allocateMessageQueueAveragely('G', c, mqs, cids).map((q) => `${q.brokerName}${q.queueId}`));
    expect(got).toEqual([['a0', 'a1', 'a2'], ['a3', 'b0', 'b1'], ['b2', 'b3']]);
  });

  it('gives one queue each to the first clients when there are more clients than queues, none to the rest', () => {
    const mqs = queues(2);
    const cids = ['c1', 'c2', 'c3'];
    expect(cids.map((c) => allocateMessageQueueAveragely('G', c, mqs, cids).length)).toEqual([1, 1, 0]);
  });

  it('gives nothing to an unknown client and rejects an empty id', () => {
    expect(allocateMessageQueueAveragely('G', 'zz', queues(4), ['c1'])).toEqual([]);
    expect(() => allocateMessageQueueAveragely('G', '', queues(4), ['c1'])).toThrow(ValidationError);
  });

  it('property: every queue goes to exactly one client and shares differ by at most one', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 64 }), fc.integer({ min: 1, max: 20 }), (nq, nc) => {
        const mqs = Array.from({ length: nq }, (_, i) => ({ topic: 'T', brokerName: 'b', queueId: i }));
        const cids = Array.from({ length: nc }, (_, i) => `c${String(i).padStart(2, '0')}`);
        for (const strategy of [allocateMessageQueueAveragely, allocateMessageQueueByCircle]) {
          const shares = cids.map((c) => strategy('G', c, mqs, cids));
          const all = shares.flat().map((q) => q.queueId).sort((a, b) => a - b);
          expect(all).toEqual(mqs.map((q) => q.queueId));
          const sizes = shares.map((s) => s.length);
          expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
        }
      }),
    );
  });
});
