import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ProcessQueue } from '../../../src/consumer/index.js';
import type { MessageExt } from '../../../src/message/types.js';

const mq = { topic: 'T', brokerName: 'b', queueId: 0 };
const msg = (offset: number, size = 10): MessageExt => ({ queueOffset: offset, body: Buffer.alloc(size) }) as MessageExt;

describe('ProcessQueue', () => {
  it('commits the lowest in-flight offset, then the frontier when empty', () => {
    const pq = new ProcessQueue(mq, 100);
    expect(pq.committableOffset()).toBe(100);
    const ms = [100, 101, 102].map((o) => msg(o));
    pq.put(ms, 105); // 103 and 104 were filtered out by tag
    expect(pq.count).toBe(3);
    expect(pq.size).toBe(30);
    expect(pq.remove([ms[1]])).toBe(100);
    expect(pq.remove([ms[0]])).toBe(102);
    expect(pq.remove([ms[2]])).toBe(105);
    expect(pq.size).toBe(0);
  });

  it('ignores duplicates of in-flight messages and keeps order after an out-of-order arrival', () => {
    const pq = new ProcessQueue(mq, 0);
    pq.put([msg(5), msg(6)], 7);
    expect(pq.put([msg(6)], 7)).toHaveLength(0);
    pq.put([msg(3)], 7);
    expect(pq.head(3).map((m) => m.queueOffset)).toEqual([3, 5, 6]);
    expect(pq.committableOffset()).toBe(3);
    pq.reset(50);
    expect(pq.count).toBe(0);
    expect(pq.committableOffset()).toBe(50);
  });

  it('property: whatever order acks come in, the committable offset never passes an unacked message', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), fc.array(fc.nat(), { maxLength: 80 }), (n, picks) => {
        const pq = new ProcessQueue(mq, 0);
        const ms = Array.from({ length: n }, (_, i) => msg(i));
        pq.put(ms, n);
        const pending = new Set(ms.map((m) => m.queueOffset));
        let last = 0;
        for (const p of picks) {
          if (pending.size === 0) break;
          const pick = [...pending][p % pending.size];
          pending.delete(pick);
          const c = pq.remove([ms[pick]]);
          expect(c).toBeGreaterThanOrEqual(last);
          last = c;
          const lowest = Math.min(...pending);
          expect(c).toBe(pending.size === 0 ? n : lowest);
        }
      }),
    );
  });
});

describe('ProcessQueue window bookkeeping', () => {
  it('lists each in-flight message once after a re-put of an acknowledged offset, and keeps the lowest cheap over a long run', () => {
    const pq = new ProcessQueue(mq, 0);
    const a = [0, 1, 2].map((o) => msg(o));
    pq.put(a, 3);
    pq.remove([a[2]]);
    pq.put([msg(2)], 3);
    expect(pq.head(10).map((m) => m.queueOffset)).toEqual([0, 1, 2]);
    expect(pq.maxInFlight()).toBe(2);
    pq.remove(pq.head(10));
    expect(pq.committableOffset()).toBe(3);
    // 200k messages acknowledged in order, 32 at a time: each committable lookup stays O(1) amortised.
    const t0 = performance.now();
    let wrong = 0;
    for (let base = 3; base < 200_003; base += 32) {
      const ms = Array.from({ length: 32 }, (_, i) => msg(base + i, 1));
      pq.put(ms, base + 32);
      for (const m of ms) if (pq.remove([m]) !== m.queueOffset + 1) wrong++;
    }
    expect(wrong).toBe(0);
    expect(pq.count).toBe(0);
    expect(performance.now() - t0).toBeLessThan(5000);
  });
});
