import { describe, expect, it } from 'vitest';
import type { TopicRouteData } from '../../../src/protocol/route.js';
import { LatencyFaultTolerance } from '../../../src/client/latency-fault.js';
import fc from 'fast-check';
import { MAX_QUEUES_PER_BROKER, buildTopicPublishInfo, canonicalRoute, diffRoutes } from '../../../src/client/topic-publish-info.js';

function route(): TopicRouteData {
  return {
    queueDatas: [
      { brokerName: 'broker-c', readQueueNums: 2, writeQueueNums: 2, perm: 6, topicSysFlag: 0 },
      { brokerName: 'broker-a', readQueueNums: 2, writeQueueNums: 2, perm: 6, topicSysFlag: 0 },
      { brokerName: 'broker-b', readQueueNums: 4, writeQueueNums: 3, perm: 6, topicSysFlag: 0 },
      { brokerName: 'broker-r', readQueueNums: 4, writeQueueNums: 4, perm: 4, topicSysFlag: 0 },
      { brokerName: 'broker-s', readQueueNums: 4, writeQueueNums: 4, perm: 6, topicSysFlag: 0 },
    ],
    brokerDatas: [
      { cluster: 'C', brokerName: 'broker-a', brokerAddrs: { '0': '10.0.0.1:10911', '1': '10.0.0.2:10911' } },
      { cluster: 'C', brokerName: 'broker-b', brokerAddrs: { '0': '10.0.0.3:10911' } },
      { cluster: 'C', brokerName: 'broker-c', brokerAddrs: { '0': '10.0.0.4:10911' } },
      { cluster: 'C', brokerName: 'broker-r', brokerAddrs: { '0': '10.0.0.5:10911' } },
      // slaves only: mid-election
      { cluster: 'C', brokerName: 'broker-s', brokerAddrs: { '2': '10.0.0.6:10911' } },
    ],
    filterServerTable: {},
  };
}

const ids = (qs: readonly { brokerName: string; queueId: number }[]) => qs.map((q) => `${q.brokerName}/${q.queueId}`);

describe('buildTopicPublishInfo', () => {
  it('sorts by broker name, keeps writable groups with a master, one queue per write queue', () => {
    const info = buildTopicPublishInfo('T', route(), { startIndex: 0 });
    expect(info.orderTopic).toBe(false);
    expect(ids(info.messageQueues)).toEqual(['broker-a/0', 'broker-a/1', 'broker-b/0', 'broker-b/1', 'broker-b/2', 'broker-c/0', 'broker-c/1']);
    expect(info.messageQueues[0].topic).toBe('T');
    expect(info.brokerNames()).toEqual(['broker-a', 'broker-b', 'broker-c']);
    expect(info.ok).toBe(true);
  });

  it('caps queue counts (default-topic route)', () => {
    const info = buildTopicPublishInfo('T', route(), { maxQueueNumsPerBroker: 1 });
    expect(ids(info.messageQueues)).toEqual(['broker-a/0', 'broker-b/0', 'broker-c/0']);
  });

  it('an empty route yields no queue', () => {
    const info = buildTopicPublishInfo('T', { queueDatas: [], brokerDatas: [], filterServerTable: {} });
    expect(info.ok).toBe(false);
    expect(info.selectQueue()).toBeUndefined();
    expect(info.selectQueue({ faultTolerance: new LatencyFaultTolerance() })).toBeUndefined();
  });

  it('orderTopicConf lists the queues exactly, skipping malformed items', () => {
    const r = { ...route(), orderTopicConf: 'broker-z:2;bad;broker-a:1;x:-1;y:abc;' };
    const info = buildTopicPublishInfo('T', r);
    expect(info.orderTopic).toBe(true);
    expect(ids(info.messageQueues)).toEqual(['broker-z/0', 'broker-z/1', 'broker-a/0']);
  });
});

describe('selectQueue', () => {
  it('round robin from the start index, wrapping at 0x7FFFFFFF', () => {
    const info = buildTopicPublishInfo('T', route(), { startIndex: 0x7ffffffe });
    const seen = Array.from({ length: 8 }, () => info.selectQueue()!);
    // counter goes 0x7FFFFFFF, 0, 1, ... ; 0x7FFFFFFF % 7 = 1
    expect(ids(seen)).toEqual(['broker-a/1', 'broker-a/0', 'broker-a/1', 'broker-b/0', 'broker-b/1', 'broker-b/2', 'broker-c/0', 'broker-c/1']);
  });

  it('random start spreads', () => {
    const starts = new Set(Array.from({ length: 50 }, () => ids([buildTopicPublishInfo('T', route()).selectQueue()!])[0]));
    expect(starts.size).toBeGreaterThan(1);
  });

  it('avoids the last broker', () => {
    const info = buildTopicPublishInfo('T', route(), { startIndex: 0 });
    for (let i = 0; i < 20; i++) expect(info.selectQueue({ lastBrokerName: 'broker-b' })!.brokerName).not.toBe('broker-b');
    const ft = new LatencyFaultTolerance();
    for (let i = 0; i < 20; i++) expect(info.selectQueue({ lastBrokerName: 'broker-a', faultTolerance: ft })!.brokerName).not.toBe('broker-a');
  });

  it('falls back to the last broker when it is the only one', () => {
    const r = route();
    r.queueDatas = r.queueDatas.filter((q) => q.brokerName === 'broker-a');
    const info = buildTopicPublishInfo('T', r);
    expect(info.selectQueue({ lastBrokerName: 'broker-a' })!.brokerName).toBe('broker-a');
    expect(info.selectQueue({ lastBrokerName: 'broker-a', faultTolerance: new LatencyFaultTolerance() })!.brokerName).toBe('broker-a');
  });

  it('skips isolated groups', () => {
    let now = 0;
    const ft = new LatencyFaultTolerance({ now: () => now });
    ft.update('broker-a', 0, true);
    ft.update('broker-b', 0, true);
    const info = buildTopicPublishInfo('T', route(), { startIndex: 0 });
    for (let i = 0; i < 10; i++) expect(info.selectQueue({ faultTolerance: ft })!.brokerName).toBe('broker-c');
    now = 10_000;
    const names = new Set(Array.from({ length: 10 }, () => info.selectQueue({ faultTolerance: ft })!.brokerName));
    expect(names).toEqual(new Set(['broker-a', 'broker-b', 'broker-c']));
  });

  it('prefers a slow-but-reachable group over unreachable ones', () => {
    const ft = new LatencyFaultTolerance({ now: () => 0 });
    ft.update('broker-a', 0, true);
    ft.update('broker-b', 16_000, false);
    ft.update('broker-c', 0, true);
    const info = buildTopicPublishInfo('T', route());
    for (let i = 0; i < 10; i++) expect(info.selectQueue({ faultTolerance: ft })!.brokerName).toBe('broker-b');
  });

  it('all isolated and unreachable → least bad group', () => {
    let now = 0;
    const ft = new LatencyFaultTolerance({ now: () => now });
    ft.update('broker-b', 0, true);
    now = 1;
    ft.update('broker-a', 0, true);
    now = 2;
    ft.update('broker-c', 0, true); // ends last
    const info = buildTopicPublishInfo('T', route());
    for (let i = 0; i < 10; i++) expect(info.selectQueue({ faultTolerance: ft })!.brokerName).toBe('broker-b');
    // even when b was the last broker: everything is bad, b is least bad
    expect(info.selectQueue({ faultTolerance: ft, lastBrokerName: 'broker-b' })!.brokerName).toBe('broker-b');
  });
});

describe('diffRoutes', () => {
  it('first discovery: changed, no leader change', () => {
    expect(diffRoutes(undefined, route())).toEqual({ leaderChanges: [], changed: true });
  });

  it('same data in another order is unchanged', () => {
    const a = route();
    const b = route();
    b.queueDatas.reverse();
    b.brokerDatas.reverse();
    b.brokerDatas[4].brokerAddrs = { '1': '10.0.0.2:10911', '0': '10.0.0.1:10911' };
    expect(diffRoutes(a, b)).toEqual({ leaderChanges: [], changed: false });
    expect(canonicalRoute(a)).toBe(canonicalRoute(b));
  });

  it('reports a master that moved, appeared or vanished', () => {
    const a = route();
    const b = route();
    b.brokerDatas[0].brokerAddrs = { '0': '10.0.0.2:10911' }; // a: slave promoted
    b.brokerDatas[4].brokerAddrs = { '0': '10.0.0.6:10911' }; // s: new leader elected
    b.brokerDatas[1].brokerAddrs = { '2': '10.0.0.3:10911' }; // b: leader lost
    b.brokerDatas.push({ cluster: 'C', brokerName: 'broker-new', brokerAddrs: { '0': '10.0.0.9:10911' } });
    b.brokerDatas.splice(2, 1); // c removed
    expect(diffRoutes(a, b)).toEqual({
      changed: true,
      leaderChanges: [
        { brokerName: 'broker-a', from: '10.0.0.1:10911', to: '10.0.0.2:10911' },
        { brokerName: 'broker-b', from: '10.0.0.3:10911' },
        { brokerName: 'broker-c', from: '10.0.0.4:10911' },
        { brokerName: 'broker-new', to: '10.0.0.9:10911' },
        { brokerName: 'broker-s', to: '10.0.0.6:10911' },
      ],
    });
  });

  it('queue count change is a change without leader change', () => {
    const b = route();
    b.queueDatas[0].writeQueueNums = 8;
    expect(diffRoutes(route(), b)).toEqual({ leaderChanges: [], changed: true });
  });
});

describe('selectQueue properties', () => {
  it('never undefined with queues; prefers an available group other than the last one', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ n: fc.integer({ min: 0, max: 5 }), perm: fc.constantFrom(2, 4, 6), master: fc.boolean(), fault: fc.constantFrom('none', 'slow', 'dead') }), { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 0, max: 10 }),
        fc.integer({ min: 0, max: 0x7fffffff }),
        (groups, lastIdx, start) => {
          const r: TopicRouteData = { queueDatas: [], brokerDatas: [], filterServerTable: {} };
          const ft = new LatencyFaultTolerance({ now: () => 0 });
          groups.forEach((g, i) => {
            const name = `g${i}`;
            r.queueDatas.push({ brokerName: name, readQueueNums: g.n, writeQueueNums: g.n, perm: g.perm, topicSysFlag: 0 });
            r.brokerDatas.push({ cluster: 'C', brokerName: name, brokerAddrs: g.master ? { '0': `h${i}:1` } : { '1': `h${i}:1` } });
            if (g.fault === 'slow') ft.update(name, 2000, false);
            if (g.fault === 'dead') ft.update(name, 0, true);
          });
          const info = buildTopicPublishInfo('T', r, { startIndex: start });
          const last = `g${lastIdx}`;
          const mq = info.selectQueue({ lastBrokerName: last, faultTolerance: ft });
          if (!info.ok) {
            expect(mq).toBeUndefined();
            return;
          }
          expect(info.messageQueues).toContain(mq);
          const good = info.brokerNames().filter((b) => b !== last && ft.isAvailable(b));
          if (good.length > 0) expect(good).toContain(mq!.brokerName);
        },
      ),
    );
  });

  it('a hostile queue count is capped', () => {
    const r = route();
    r.queueDatas = [{ brokerName: 'broker-a', readQueueNums: 1, writeQueueNums: 0x7fffffff, perm: 6, topicSysFlag: 0 }];
    expect(buildTopicPublishInfo('T', r).messageQueues).toHaveLength(MAX_QUEUES_PER_BROKER);
    r.queueDatas[0].writeQueueNums = Number.NaN;
    expect(buildTopicPublishInfo('T', r).messageQueues).toHaveLength(0);
    expect(buildTopicPublishInfo('T', { ...r, orderTopicConf: 'broker-a:99999999999' }).messageQueues).toHaveLength(MAX_QUEUES_PER_BROKER);
  });
});
