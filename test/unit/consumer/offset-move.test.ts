import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OffsetMoveGuard } from '../../../src/consumer/offset-move.js';

describe('OffsetMoveGuard', () => {
  it('accepts a forward (or no-op) move at once', () => {
    const g = new OffsetMoveGuard({ confirmMillis: 10_000 });
    expect(g.judge(5, 100, 'a', 0)).toEqual({ kind: 'accept', confirmations: 1 });
    expect(g.judge(7, 7, 'a', 0)).toEqual({ kind: 'accept', confirmations: 1 });
  });

  it('accepts a backward move only after the window and the pull count, from one broker', () => {
    const g = new OffsetMoveGuard({ confirmMillis: 1000, confirmPulls: 3 });
    expect(g.judge(40, 0, 'a', 0)).toEqual({ kind: 'suspect', confirmations: 1 });
    expect(g.judge(40, 0, 'a', 400)).toEqual({ kind: 'suspect', confirmations: 2 });
    expect(g.judge(40, 0, 'a', 800)).toEqual({ kind: 'suspect', confirmations: 3 }); // enough pulls, window not over
    expect(g.judge(40, 0, 'a', 1000)).toEqual({ kind: 'accept', confirmations: 4 });
    expect(g.suspecting).toBe(false);
  });

  it('restarts the window when another broker answers, the target changes, or a normal answer comes in between', () => {
    const g = new OffsetMoveGuard({ confirmMillis: 100, confirmPulls: 2 });
    g.judge(40, 0, 'a', 0);
    expect(g.judge(40, 0, 'b', 500)).toEqual({ kind: 'suspect', confirmations: 1 });
    expect(g.judge(40, 5, 'b', 700)).toEqual({ kind: 'suspect', confirmations: 1 });
    g.clear();
    expect(g.judge(40, 5, 'b', 900)).toEqual({ kind: 'suspect', confirmations: 1 });
    expect(g.judge(40, 5, 'b', 1000)).toEqual({ kind: 'accept', confirmations: 2 });
  });

  it('with a zero window and one pull obeys at once (the Java behaviour)', () => {
    const g = new OffsetMoveGuard({ confirmMillis: 0, confirmPulls: 1 });
    expect(g.judge(40, 0, 'a', 0).kind).toBe('accept');
  });

  it('never accepts a backward move before the window, whatever the answers', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ to: fc.nat(39), addr: fc.constantFrom('a', 'b'), dt: fc.nat(50) }), { maxLength: 60 }), (answers) => {
        const g = new OffsetMoveGuard({ confirmMillis: 10_000, confirmPulls: 3 });
        let now = 0;
        for (const a of answers) {
          now += a.dt;
          expect(g.judge(40, a.to, a.addr, now).kind).toBe('suspect');
        }
      }),
    );
  });

  it('re-asks at a fifth of the window, between 20 ms and 2 s', () => {
    expect(new OffsetMoveGuard({ confirmMillis: 600 }).retryDelay()).toBe(120);
    expect(new OffsetMoveGuard({ confirmMillis: 60_000 }).retryDelay()).toBe(2000);
    expect(new OffsetMoveGuard({ confirmMillis: 0 }).retryDelay()).toBe(20);
  });
});
