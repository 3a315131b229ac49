import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MockCluster } from '../../src/mock/index.js';
import { Conns, brokerDataOf, until } from './mock-helpers.js';

describe('dledger group: exactly one leader of three, registered quickly', () => {
  let cluster: MockCluster;
  const conns = new Conns();
  let startedAt = 0;
  beforeAll(async () => {
    startedAt = Date.now();
    cluster = await MockCluster.start({ groups: [{ brokerName: 'broker-a', mode: 'dledger', replicas: 3 }], timeScale: 0.05 });
  });
  afterAll(async () => {
    await conns.closeAll();
    await cluster.stop();
  });

  it('has one brokerId 0 and followers at selfNum+1 in the nameserver, within 1 s', async () => {
    const leader = await cluster.waitForLeader('broker-a', 5000);
    expect(Date.now() - startedAt).toBeLessThan(1000);
    const bd = await until(
      async () => {
        const b = await brokerDataOf(conns, cluster.namesrvAddr, 'broker-a');
        return b && Object.keys(b.brokerAddrs).length === 3 ? b : undefined;
      },
      3000,
      'three registrations',
    );
    expect(bd.brokerAddrs['0']).toBe(leader.addr);
    const expectedSlaveIds = ['n0', 'n1', 'n2'].filter((id) => id !== leader.id).map((id) => String(Number(id.slice(1)) + 1));
    const slaveIds = Object.keys(bd.brokerAddrs).filter((k) => k !== '0').sort();
    expect(slaveIds).toEqual(expectedSlaveIds.sort());
    const masters = cluster.nodes('broker-a').filter((n) => n.broker.role === 'SYNC_MASTER');
    expect(masters.map((n) => n.id)).toEqual([leader.id]);
    expect(cluster.nodes('broker-a').filter((n) => n.dledger?.role === 'LEADER')).toHaveLength(1);
  });
});
