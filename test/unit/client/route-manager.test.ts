import { afterEach, describe, expect, it } from 'vitest';
import { BrokerResponseError } from '../../../src/errors.js';
import type { TopicRouteData } from '../../../src/protocol/route.js';
import { LatencyFaultTolerance } from '../../../src/client/latency-fault.js';
import { RouteManager, type LeaderChangeEvent, type RouteChangeEvent, type RouteSource } from '../../../src/client/route-manager.js';

/** A fake nameserver client: counts requests, answers from a mutable table after an optional delay. */
class FakeSource implements RouteSource {
  calls: string[] = [];
  routes = new Map<string, TopicRouteData>();
  delayMs = 0;
  fail = false;
  async getRouteInfo(topic: string): Promise<TopicRouteData> {
    this.calls.push(topic);
    if (this.delayMs) await new Promise((r) => setTimeout(r, this.delayMs));
    if (this.fail) throw new BrokerResponseError('SYSTEM_ERROR', { responseCode: 1, responseName: 'SYSTEM_ERROR', retriable: true, refreshRoute: true });
    const r = this.routes.get(topic);
    if (!r) throw new BrokerResponseError('TOPIC_NOT_EXIST', { responseCode: 17, responseName: 'TOPIC_NOT_EXIST', retriable: true, refreshRoute: true });
    return structuredClone(r);
  }
}

function route(masterA: string | undefined, extra: Record<string, string> = {}): TopicRouteData {
  const addrsA: Record<string, string> = { ...extra };
  if (masterA) addrsA['0'] = masterA;
  return {
    queueDatas: [
      { brokerName: 'a', readQueueNums: 2, writeQueueNums: 2, perm: 6, topicSysFlag: 0 },
      { brokerName: 'b', readQueueNums: 2, writeQueueNums: 2, perm: 6, topicSysFlag: 0 },
    ],
    brokerDatas: [
      { cluster: 'C', brokerName: 'a', brokerAddrs: addrsA },
      { cluster: 'C', brokerName: 'b', brokerAddrs: { '0': '127.0.0.1:2000', '1': '127.0.0.1:2001' } },
    ],
    filterServerTable: {},
  };
}

const managers: RouteManager[] = [];
afterEach(() => {
  for (const m of managers.splice(0)) m.stop();
});
function manager(source: FakeSource, extra: Partial<ConstructorParameters<typeof RouteManager>[0]> = {}) {
  const m = new RouteManager({ source, ...extra });
  managers.push(m);
  const changes: RouteChangeEvent[] = [];
  const leaders: LeaderChangeEvent[] = [];
  m.on('routeChange', (e) => changes.push(e));
  m.on('leaderChange', (e) => leaders.push(e));
  return { m, changes, leaders };
}

describe('RouteManager', () => {
  it('single-flight: 10 concurrent refreshes send 1 request and share the result', async () => {
    const src = new FakeSource();
    src.routes.set('T', route('127.0.0.1:1000'));
    src.delayMs = 20;
    const { m, changes } = manager(src);
    const results = await Promise.all(Array.from({ length: 10 }, () => m.refresh('T')));
    expect(src.calls).toEqual(['T']);
    for (const r of results) expect(r).toBe(results[0]);
    expect(changes).toHaveLength(1);
    // after it settled, a new refresh sends a new request
    await m.refresh('T');
    expect(src.calls).toEqual(['T', 'T']);
    // and getRoute/getPublishInfo use the cache
    await m.getRoute('T');
    expect((await m.getPublishInfo('T')).messageQueues).toHaveLength(4);
    expect(src.calls).toHaveLength(2);
  });

  it('single-flight shares failures too, and per topic', async () => {
    const src = new FakeSource();
    src.routes.set('U', route('127.0.0.1:1000'));
    src.delayMs = 10;
    const { m } = manager(src);
    const settled = await Promise.allSettled([m.refresh('T'), m.refresh('T'), m.refresh('U'), m.refresh('U')]);
    expect(src.calls.sort()).toEqual(['T', 'U']);
    expect(settled.map((s) => s.status)).toEqual(['rejected', 'rejected', 'fulfilled', 'fulfilled']);
    expect((settled[0] as PromiseRejectedResult).reason).toBeInstanceOf(BrokerResponseError);
    expect(m.topics().sort()).toEqual(['T', 'U']);
  });

  it('getPublishInfo fetches once for concurrent first calls', async () => {
    const src = new FakeSource();
    src.routes.set('T', route('127.0.0.1:1000'));
    src.delayMs = 5;
    const { m } = manager(src);
    const infos = await Promise.all(Array.from({ length: 5 }, () => m.getPublishInfo('T')));
    expect(src.calls).toEqual(['T']);
    expect(new Set(infos).size).toBe(1);
  });

  it('routeChange only when the route differs; leaderChange once per group across topics', async () => {
    const src = new FakeSource();
    src.routes.set('T1', route('127.0.0.1:1000', { '1': '127.0.0.1:1001' }));
    src.routes.set('T2', route('127.0.0.1:1000', { '1': '127.0.0.1:1001' }));
    const ft = new LatencyFaultTolerance();
    ft.update('a', 0, true);
    const { m, changes, leaders } = manager(src, { faultTolerance: ft });
    await m.refresh('T1');
    await m.refresh('T2');
    await m.refresh('T1');
    expect(changes.map((c) => c.topic)).toEqual(['T1', 'T2']);
    expect(leaders).toEqual([]);
    expect(m.findBrokerAddressInPublish('a')).toBe('127.0.0.1:1000');

    // DLedger election: n1 becomes leader (id 0), n0 becomes follower id 1
    src.routes.set('T1', route('127.0.0.1:1001', { '1': '127.0.0.1:1000' }));
    src.routes.set('T2', route('127.0.0.1:1001', { '1': '127.0.0.1:1000' }));
    await m.pollOnce();
    expect(leaders).toEqual([{ topic: expect.any(String), brokerName: 'a', from: '127.0.0.1:1000', to: '127.0.0.1:1001' }]);
    expect(changes).toHaveLength(4);
    expect(changes[2].leaderChanges).toEqual([{ brokerName: 'a', from: '127.0.0.1:1000', to: '127.0.0.1:1001' }]);
    expect(changes[2].previous).toBeDefined();
    expect(m.findBrokerAddressInPublish('a')).toBe('127.0.0.1:1001');
    // the fault table re-admitted the group
    expect(ft.isAvailable('a')).toBe(true);

    // mid-election: no leader at all; the group drops out of publishing
    src.routes.set('T1', route(undefined, { '1': '127.0.0.1:1000' }));
    await m.refresh('T1');
    expect(leaders[1]).toEqual({ topic: 'T1', brokerName: 'a', from: '127.0.0.1:1001' });
    expect(m.findBrokerAddressInPublish('a')).toBeUndefined();
    expect(m.cachedPublishInfo('T1')!.brokerNames()).toEqual(['b']);
  });

  it('a failed poll keeps the cached route and emits refreshError', async () => {
    const src = new FakeSource();
    src.routes.set('T', route('127.0.0.1:1000'));
    const { m } = manager(src);
    const errors: unknown[] = [];
    m.on('refreshError', (e) => errors.push(e.error));
    await m.refresh('T');
    src.fail = true;
    await m.pollOnce();
    expect(errors).toHaveLength(1);
    expect(m.cachedRoute('T')).toBeDefined();
  });

  it('periodic poll over all known topics; stop() ends it', async () => {
    const src = new FakeSource();
    src.routes.set('T', route('127.0.0.1:1000'));
    src.routes.set('U', route('127.0.0.1:1000'));
    const { m } = manager(src, { pollNameServerInterval: 20, firstPollDelayMs: 1 });
    m.addTopic('T');
    m.addTopic('U');
    m.start();
    await new Promise((r) => setTimeout(r, 75));
    m.stop();
    const n = src.calls.length;
    expect(n).toBeGreaterThanOrEqual(4);
    expect(src.calls.filter((t) => t === 'T').length).toBe(src.calls.filter((t) => t === 'U').length);
    await new Promise((r) => setTimeout(r, 50));
    expect(src.calls.length).toBeLessThanOrEqual(n + 2);
  });

  it('removeTopic stops polling it and drops unreferenced brokers', async () => {
    const src = new FakeSource();
    src.routes.set('T', route('127.0.0.1:1000'));
    const { m } = manager(src);
    await m.refresh('T');
    expect(m.brokerAddrs().length).toBe(3);
    m.removeTopic('T');
    expect(m.topics()).toEqual([]);
    expect(m.brokerAddrs()).toEqual([]);
    expect(m.findBrokerAddressInPublish('a')).toBeUndefined();
  });

  it('findBrokerAddressInSubscribe: exact, next slave, any', async () => {
    const src = new FakeSource();
    src.routes.set('T', route(undefined, { '1': '127.0.0.1:1001', '3': '127.0.0.1:1003' }));
    const { m } = manager(src);
    await m.refresh('T');
    expect(m.findBrokerAddressInSubscribe('a', 1, false)).toEqual({ brokerAddr: '127.0.0.1:1001', brokerId: 1, slave: true });
    expect(m.findBrokerAddressInSubscribe('a', 2, true)).toEqual({ brokerAddr: '127.0.0.1:1003', brokerId: 3, slave: true });
    expect(m.findBrokerAddressInSubscribe('a', 0, true)).toBeUndefined();
    expect(m.findBrokerAddressInSubscribe('a', 0, false)).toEqual({ brokerAddr: '127.0.0.1:1001', brokerId: 1, slave: true });
    expect(m.findBrokerAddressInSubscribe('b', 0, true)).toEqual({ brokerAddr: '127.0.0.1:2000', brokerId: 0, slave: false });
    expect(m.findBrokerAddressInSubscribe('zz', 0, false)).toBeUndefined();
    expect(m.brokerAddrs()).toEqual(
      expect.arrayContaining([
        { brokerName: 'a', brokerId: 1, addr: '127.0.0.1:1001' },
        { brokerName: 'b', brokerId: 0, addr: '127.0.0.1:2000' },
      ]),
    );
  });

  it('keeps the round-robin position across route rebuilds', async () => {
    const src = new FakeSource();
    src.routes.set('T', route('127.0.0.1:1000'));
    const { m } = manager(src);
    const info = await m.getPublishInfo('T');
    info.selectQueue();
    const idx = info.roundRobinIndex;
    src.routes.set('T', route('127.0.0.1:1009'));
    await m.refresh('T');
    expect(m.cachedPublishInfo('T')!.roundRobinIndex).toBe(idx);
  });
});

describe('RouteManager.requestRefresh', () => {
  it('joins the in-flight refresh and reports failures as refreshError', async () => {
    const src = new FakeSource();
    src.delayMs = 5;
    const m = new RouteManager({ source: src });
    const errors: { topic: string }[] = [];
    m.on('refreshError', (e) => errors.push(e));
    const p = m.refresh('T').catch(() => undefined);
    m.requestRefresh('T');
    m.requestRefresh('T');
    await p;
    await new Promise((r) => setTimeout(r, 10));
    expect(src.calls).toEqual(['T']);
    expect(errors).toEqual([expect.objectContaining({ topic: 'T' }), expect.objectContaining({ topic: 'T' })]);
  });
});
