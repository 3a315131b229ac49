import { describe, expect, it } from 'vitest';
import {
  LatencyFaultTolerance,
  notAvailableDurationFor,
  type BrokerIsolatedEvent,
  type BrokerRecoveredEvent,
} from '../../../src/client/latency-fault.js';

function setup() {
  let now = 1_000_000;
  const isolated: BrokerIsolatedEvent[] = [];
  const recovered: BrokerRecoveredEvent[] = [];
  const ft = new LatencyFaultTolerance({
    now: () => now,
    onIsolated: (e) => isolated.push(e),
    onRecovered: (e) => recovered.push(e),
  });
  return { ft, isolated, recovered, advance: (ms: number) => (now += ms), now: () => now };
}

describe('notAvailableDurationFor (5.x tables)', () => {
  const cases: [number, number][] = [
    [0, 0], [49, 0], [50, 0], [99, 0], [100, 0], [549, 0], [550, 2000], [1799, 2000], [1800, 5000],
    [2999, 5000], [3000, 6000], [4999, 6000], [5000, 10000], [10000, 10000], [14999, 10000], [15000, 30000],
    [1e9, 30000], [-5, 0], [Number.NaN, 0], [Number.POSITIVE_INFINITY, 30000],
  ];
  for (const [lat, dur] of cases) it(`${lat} ms → ${dur} ms`, () => expect(notAvailableDurationFor(lat)).toBe(dur));
  it('accepts 4.x tables', () => {
    expect(notAvailableDurationFor(1000, [50, 100, 550, 1000, 2000, 3000, 15000], [0, 0, 30000, 60000, 120000, 180000, 600000])).toBe(60000);
  });
});

describe('LatencyFaultTolerance', () => {
  it('unknown brokers are available and reachable', () => {
    const { ft } = setup();
    expect(ft.isAvailable('b')).toBe(true);
    expect(ft.isReachable('b')).toBe(true);
  });

  it('an exception isolates for 10 s, then the window ends', () => {
    const { ft, isolated, recovered, advance } = setup();
    ft.update('broker-a', 12, true);
    expect(isolated).toEqual([
      { brokerName: 'broker-a', latencyMs: 10000, durationMs: 10000, untilMs: 1_010_000, reason: 'isolation' },
    ]);
    expect(ft.isAvailable('broker-a')).toBe(false);
    expect(ft.isReachable('broker-a')).toBe(false);
    advance(9999);
    expect(ft.isAvailable('broker-a')).toBe(false);
    expect(recovered).toEqual([]);
    advance(1);
    expect(ft.isAvailable('broker-a')).toBe(true);
    expect(recovered).toEqual([{ brokerName: 'broker-a', reason: 'window-end' }]);
    // announced once only
    expect(ft.isAvailable('broker-a')).toBe(true);
    expect(recovered).toHaveLength(1);
  });

  it('slow calls isolate by latency bucket but stay reachable', () => {
    const { ft, isolated, advance } = setup();
    ft.update('b', 600, false);
    expect(isolated[0]).toMatchObject({ durationMs: 2000, reason: 'latency' });
    expect(ft.isAvailable('b')).toBe(false);
    expect(ft.isReachable('b')).toBe(true);
    advance(2000);
    expect(ft.isAvailable('b')).toBe(true);
    ft.update('b', 3100, false);
    expect(isolated[1]).toMatchObject({ durationMs: 6000 });
    advance(5999);
    expect(ft.isAvailable('b')).toBe(false);
    advance(1);
    expect(ft.isAvailable('b')).toBe(true);
  });

  it('a fast success re-admits at once', () => {
    const { ft, recovered } = setup();
    ft.update('b', 0, true);
    // another attempt (e.g. a heartbeat) to the same group succeeded quickly
    ft.update('b', 20, false);
    expect(ft.isAvailable('b')).toBe(true);
    expect(ft.isReachable('b')).toBe(true);
    expect(recovered).toEqual([{ brokerName: 'b', reason: 'success' }]);
  });

  it('isolation is announced once while it lasts', () => {
    const { ft, isolated } = setup();
    ft.update('b', 0, true);
    ft.update('b', 0, true);
    expect(isolated).toHaveLength(1);
  });

  it('recover() re-admits on route change', () => {
    const { ft, recovered } = setup();
    ft.update('b', 0, true);
    ft.recover('b', 'route-change');
    expect(ft.isAvailable('b')).toBe(true);
    expect(ft.isReachable('b')).toBe(true);
    expect(recovered).toEqual([{ brokerName: 'b', reason: 'route-change' }]);
    ft.recover('b');
    ft.recover('never-seen');
    expect(recovered).toHaveLength(1);
  });

  it('pickLeastBad: available, then reachable, then soonest window, then latency', () => {
    const { ft, advance } = setup();
    expect(ft.pickLeastBad([])).toBeUndefined();
    ft.update('a', 0, true); // unreachable, 10 s
    ft.update('b', 16000, false); // reachable, 30 s
    ft.update('c', 2000, false); // reachable, 5 s
    expect(ft.pickLeastBad(['a', 'b', 'c'])).toBe('c');
    expect(ft.pickLeastBad(['a', 'b'])).toBe('b');
    expect(ft.pickLeastBad(['a', 'b', 'fresh'])).toBe('fresh');
    advance(1);
    ft.update('d', 0, true); // unreachable, 10 s but 1 ms later than a
    expect(ft.pickLeastBad(['d', 'a'])).toBe('a');
    advance(10_000);
    expect(ft.pickLeastBad(['b', 'a'])).toBe('a'); // a's window is over
  });

  it('sweep() notices ended windows; snapshot and clear', () => {
    const { ft, recovered, advance } = setup();
    ft.update('a', 0, true);
    ft.update('b', 700, false);
    expect(ft.snapshot().map((i) => i.brokerName).sort()).toEqual(['a', 'b']);
    advance(2000);
    ft.sweep();
    expect(recovered).toEqual([{ brokerName: 'b', reason: 'window-end' }]);
    ft.clear();
    expect(ft.snapshot()).toEqual([]);
  });
});
