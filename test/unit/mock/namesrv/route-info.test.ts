import { describe, expect, it } from 'vitest';
import { RouteInfoManager, type BrokerRegistration } from '../../../../src/mock/namesrv/route-info.js';

const topic = { topicName: 'T', readQueueNums: 4, writeQueueNums: 4, perm: 6, topicSysFlag: 0 };
const reg = (over: Partial<BrokerRegistration>): BrokerRegistration => ({
  clusterName: 'C',
  brokerAddr: '127.0.0.1:1',
  brokerName: 'a',
  brokerId: 0,
  haServerAddr: '127.0.0.1:2',
  topics: [topic],
  dataVersion: '1',
  timeoutMs: 120_000,
  channel: undefined,
  ...over,
});

describe('RouteInfoManager', () => {
  it('builds a route from the master registration and answers slaves with the master address', () => {
    const r = new RouteInfoManager();
    expect(r.pickupTopicRouteData('T')).toBeUndefined();
    r.register(reg({}), 0);
    const res = r.register(reg({ brokerAddr: '127.0.0.1:3', brokerId: 1, topics: [] }), 0);
    expect(res).toEqual({ masterAddr: '127.0.0.1:1', haServerAddr: '127.0.0.1:2' });
    const route = r.pickupTopicRouteData('T');
    expect(route?.brokerDatas[0].brokerAddrs).toEqual({ '0': '127.0.0.1:1', '1': '127.0.0.1:3' });
    expect(route?.queueDatas[0]).toMatchObject({ brokerName: 'a', readQueueNums: 4, perm: 6 });
  });

  it('drops the old id when an address re-registers under a new one (slave → master and back)', () => {
    const r = new RouteInfoManager();
    r.register(reg({ brokerAddr: 'x:1', brokerId: 0 }), 0);
    r.register(reg({ brokerAddr: 'y:1', brokerId: 2 }), 0);
    r.register(reg({ brokerAddr: 'x:1', brokerId: 1, topics: [] }), 0);
    expect(r.brokerAddrs('a')).toEqual({ '1': 'x:1', '2': 'y:1' });
    r.register(reg({ brokerAddr: 'y:1', brokerId: 0 }), 0);
    expect(r.brokerAddrs('a')).toEqual({ '0': 'y:1', '1': 'x:1' });
    // The queue layout survives while the group has any address.
    expect(r.pickupTopicRouteData('T')?.brokerDatas[0].brokerAddrs['0']).toBe('y:1');
  });

  it('expires silent brokers and removes brokers whose channel closed; an empty group takes its topics along', () => {
    const r = new RouteInfoManager();
    const ch = {};
    r.register(reg({ brokerAddr: 'x:1', channel: ch }), 0);
    r.register(reg({ brokerAddr: 'y:1', brokerId: 1, topics: [], timeoutMs: 100 }), 0);
    expect(r.scanNotActive(50)).toEqual([]);
    expect(r.scanNotActive(101).map((e) => e.addr)).toEqual(['y:1']);
    expect(r.brokerAddrs('a')).toEqual({ '0': 'x:1' });
    expect(r.onChannelClosed(ch)).toEqual(['x:1']);
    expect(r.brokerAddrs('a')).toBeUndefined();
    expect(r.pickupTopicRouteData('T')).toBeUndefined();
    expect(r.clusterInfo()).toEqual({ brokerAddrTable: {}, clusterAddrTable: {} });
  });

  it('unregisters one address', () => {
    const r = new RouteInfoManager();
    r.register(reg({}), 0);
    expect(r.unregister('C', '127.0.0.1:1', 'a', 0)).toBe(true);
    expect(r.topicList()).toEqual([]);
  });
});
