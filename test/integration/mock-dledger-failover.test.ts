import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MockCluster } from '../../src/mock/index.js';
import { decodeSendMessageResponse } from '../../src/protocol/send-message.js';
import { decodePullMessageResponse } from '../../src/protocol/pull-message.js';
import { decodeStoredMessages } from '../../src/message/stored.js';
import { Conns, brokerDataOf, pullReq, sendReq, until } from './mock-helpers.js';

describe('dledger group: leader killed, a new leader takes over at another address', () => {
  let cluster: MockCluster;
  const conns = new Conns();
  beforeAll(async () => {
    cluster = await MockCluster.start({ groups: [{ brokerName: 'broker-a', mode: 'dledger' }], timeScale: 0.05 });
    await cluster.waitForLeader('broker-a', 5000);
    await cluster.createTopic('T', { queues: 1 });
  });
  afterAll(async () => {
    await conns.closeAll();
    await cluster.stop();
  });

  it('re-registers id 0 at the new leader, keeps committed messages and continues queue offsets', async () => {
    const old = await cluster.waitForLeader('broker-a', 5000);
    for (let i = 0; i < 5; i++) {
      const r = decodeSendMessageResponse(await conns.call(old.addr, sendReq('T', `m${i}`)));
      expect(r.queueOffset).toBe(i);
    }
    const leaderChanges: string[] = [];
    cluster.on('leaderChange', (e) => leaderChanges.push(e.id));
    const killed = await cluster.killLeader('broker-a');
    expect(killed).toBe(old.id);
    const fresh = await cluster.waitForLeader('broker-a', 10_000);
    expect(fresh.addr).not.toBe(old.addr);
    expect(leaderChanges).toContain(fresh.id);

    const bd = await until(
      async () => {
        const b = await brokerDataOf(conns, cluster.namesrvAddr, 'broker-a');
        return b && b.brokerAddrs['0'] === fresh.addr && Object.keys(b.brokerAddrs).length === 2 ? b : undefined;
      },
      5000,
      'new registration',
    );
    const survivor = ['n0', 'n1', 'n2'].find((id) => id !== killed && id !== fresh.id) as string;
    expect(bd.brokerAddrs[String(Number(survivor.slice(1)) + 1)]).toBe(cluster.broker('broker-a', survivor).addr);
    expect(Object.values(bd.brokerAddrs)).not.toContain(old.addr);

    const r = decodeSendMessageResponse(await conns.call(fresh.addr, sendReq('T', 'm5')));
    expect(r.queueOffset).toBe(5);
    const p = decodePullMessageResponse(await conns.call(fresh.addr, pullReq('T', 0, 0)));
    expect(p.status).toBe('FOUND');
    expect(decodeStoredMessages(p.body).map((m) => m.body.toString())).toEqual(['m0', 'm1', 'm2', 'm3', 'm4', 'm5']);
    expect(decodeStoredMessages(p.body).map((m) => m.queueOffset)).toEqual([0, 1, 2, 3, 4, 5]);
  });
});
