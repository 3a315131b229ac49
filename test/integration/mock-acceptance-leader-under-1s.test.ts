/**
 * Issue 3 acceptance: "at the test timeScale, a 3-replica group has a registered leader in under 1 s", measured over
 * TCP on several fresh clusters (not once): from the call to MockCluster.start until GET_ROUTEINFO_BY_TOPIC on the
 * nameserver names a brokerId 0 whose replica is the DLedger leader, and the two followers are registered at
 * selfNum+1.
 */
import { describe, expect, it } from 'vitest';
import { MockCluster } from '../../src/mock/index.js';
import { decodeRouteInfoResponse, encodeRouteInfoRequest } from '../../src/protocol/route-info.js';
import { ResponseCode } from '../../src/protocol/response-codes.js';
import { Conns, until } from './mock-helpers.js';

const CLUSTERS = 5;
const SCALE = 0.05; // the timeScale the mock-dledger-* integration tests use

describe('a 3-replica DLedger group registers a leader in under 1 s at the test timeScale', () => {
  it(`holds on ${CLUSTERS} fresh clusters, observed over TCP`, async () => {
    const took: number[] = [];
    for (let i = 0; i < CLUSTERS; i++) {
      const conns = new Conns();
      const t0 = Date.now();
      // autoCreateTopicEnable: the TBW102 route exists as soon as a broker registers, so no createTopic step skews it.
      const cluster = await MockCluster.start({ groups: [{ brokerName: 'broker-a', mode: 'dledger', replicas: 3 }], timeScale: SCALE, autoCreateTopicEnable: true });
      try {
        const addrs = await until(
          async () => {
            const res = await conns.call(cluster.namesrvAddr, encodeRouteInfoRequest({ topic: 'TBW102', acceptStandardJsonOnly: true }), 1000);
            if (res.code !== ResponseCode.SUCCESS) return undefined;
            const bd = decodeRouteInfoResponse(res).brokerDatas.find((b) => b.brokerName === 'broker-a');
            return bd?.brokerAddrs['0'] !== undefined ? bd.brokerAddrs : undefined;
          },
          5000,
          'brokerId 0 in the route',
        );
        took.push(Date.now() - t0);
        const leader = cluster.nodes('broker-a').find((n) => n.broker.addr === addrs['0']);
        expect(leader?.dledger?.role).toBe('LEADER');
        // Followers register at selfNum+1 (they may still be on their way in when the leader appears).
        const all = await until(
          async () => {
            const bd = decodeRouteInfoResponse(await conns.call(cluster.namesrvAddr, encodeRouteInfoRequest({ topic: 'TBW102', acceptStandardJsonOnly: true })))
              .brokerDatas.find((b) => b.brokerName === 'broker-a');
            return bd && Object.keys(bd.brokerAddrs).length === 3 ? bd.brokerAddrs : undefined;
          },
          3000,
          'three registrations',
        );
        for (const n of cluster.nodes('broker-a')) {
          if (n === leader) continue;
          expect(all[String(Number(n.id.slice(1)) + 1)], n.id).toBe(n.broker.addr);
        }
      } finally {
        await conns.closeAll();
        await cluster.stop();
      }
    }
    console.log(`registered leader after (ms): ${took.join(', ')}`);
    for (const ms of took) expect(ms).toBeLessThan(1000);
  });
});
