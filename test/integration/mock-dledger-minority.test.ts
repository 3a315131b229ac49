import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MockCluster } from '../../src/mock/index.js';
import { ResponseCode } from '../../src/protocol/response-codes.js';
import { decodePullMessageResponse } from '../../src/protocol/pull-message.js';
import { decodeStoredMessages } from '../../src/message/stored.js';
import { Conns, pullReq, sendReq, until } from './mock-helpers.js';

describe('dledger group: a minority leader accepts a send that times out', () => {
  let cluster: MockCluster;
  const conns = new Conns();
  beforeAll(async () => {
    // timeScale 0.5: the quorum-ack timeout (2.5 s) becomes 1.25 s, well inside the 3 s step-down window, so a
    // loaded machine still resumes the followers while the minority leader leads (0.2 left too little margin).
    cluster = await MockCluster.start({ groups: [{ brokerName: 'broker-a', mode: 'dledger' }], timeScale: 0.5 });
    await cluster.waitForLeader('broker-a', 10_000);
    await cluster.createTopic('T', { queues: 1 });
  });
  afterAll(async () => {
    await conns.closeAll();
    await cluster.stop();
  });

  it('answers the quorum timeout, never serves the message uncommitted, and serves it once committed', async () => {
    const leader = await cluster.waitForLeader('broker-a', 10_000);
    const followers = ['n0', 'n1', 'n2'].filter((id) => id !== leader.id);
    for (const f of followers) cluster.pause('broker-a', f);
    const res = await conns.call(leader.addr, sendReq('T', 'ambiguous'));
    expect(res.code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(res.remark).toBe('in-sync replicas not enough');
    // Not served: either "nothing there" from the (still) leader, or SYSTEM_BUSY if it has already stepped down.
    const pulled = await conns.call(leader.addr, pullReq('T', 0, 0));
    if (pulled.code === ResponseCode.SYSTEM_BUSY) expect(pulled.remark).toMatch(/REJECTREQUEST/);
    else expect(decodePullMessageResponse(pulled).status).not.toBe('FOUND');
    expect(cluster.broker('broker-a', leader.id).store.getMaxOffset('T', 0)).toBe(0);
    // The followers come back before the leader gave up: the entry commits late and becomes consumable.
    for (const f of followers) cluster.resume('broker-a', f);
    const now = await cluster.waitForLeader('broker-a', 10_000);
    const found = await until(
      async () => {
        const r = decodePullMessageResponse(await conns.call(now.addr, pullReq('T', 0, 0)));
        return r.status === 'FOUND' ? r : undefined;
      },
      20_000,
      'late commit',
    );
    expect(decodeStoredMessages(found.body).map((m) => m.body.toString())).toEqual(['ambiguous']);
  });
});
