import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MockCluster } from '../../src/mock/index.js';
import { ResponseCode } from '../../src/protocol/response-codes.js';
import { Conns, brokerDataOf, sendReq, until } from './mock-helpers.js';

describe('dledger group: followers killed, the leader steps down', () => {
  let cluster: MockCluster;
  const conns = new Conns();
  beforeAll(async () => {
    cluster = await MockCluster.start({ groups: [{ brokerName: 'broker-a', mode: 'dledger' }], timeScale: 0.05 });
    await cluster.createTopic('T', { queues: 1 });
  });
  afterAll(async () => {
    await conns.closeAll();
    await cluster.stop();
  });

  it('drops brokerId 0 from the nameserver and answers sends as a slave', async () => {
    const leader = await cluster.waitForLeader('broker-a', 5000);
    for (const id of ['n0', 'n1', 'n2']) if (id !== leader.id) await cluster.kill('broker-a', id);
    // More than 6 s (scaled: 300 ms) without a heartbeat quorum: the leader becomes a candidate, then a SLAVE.
    await until(() => cluster.broker('broker-a', leader.id).role === 'SLAVE', 5000, 'step down');
    const bd = await until(
      async () => {
        const b = await brokerDataOf(conns, cluster.namesrvAddr, 'broker-a');
        return b && b.brokerAddrs['0'] === undefined ? b : undefined;
      },
      3000,
      'id 0 to disappear',
    );
    expect(bd.brokerAddrs[String(Number(leader.id.slice(1)) + 1)]).toBe(leader.addr);
    expect(cluster.leaderOf('broker-a')).toBeUndefined();
    const res = await conns.call(leader.addr, sendReq('T', 'x'));
    expect(res.code).toBe(ResponseCode.SYSTEM_BUSY);
    expect(res.remark).toBe('[REJECTREQUEST]system busy, start flow control for a while');
  });
});
