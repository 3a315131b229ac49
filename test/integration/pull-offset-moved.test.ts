/**
 * The mock's PULL_MESSAGE answers for offsets outside the queue, as PullMessageProcessor + DefaultMessageStore
 * (4.9.x and 5.x): a master corrects the offset (PULL_OFFSET_MOVED; OFFSET_OVERFLOW_BADLY → 0 when the min offset is
 * 0 on 4.x, the max offset on 5.x; an empty queue → 0), a slave without offsetCheckInSlave never does — it answers
 * PULL_RETRY_IMMEDIATELY, keeps the requested offset and points at the master.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MockCluster } from '../../src/mock/index.js';
import { decodePullMessageResponse } from '../../src/protocol/pull-message.js';
import { ResponseCode } from '../../src/protocol/response-codes.js';
import { Conns, pullReq, sendReq, until } from './mock-helpers.js';

describe.each(['4.9', '5'] as const)('PULL_OFFSET_MOVED on a %s.x master/slave group', (version) => {
  let cluster: MockCluster;
  const conns = new Conns();

  beforeAll(async () => {
    cluster = await MockCluster.start({ groups: [{ brokerName: 'broker-a', mode: 'master-slave', syncMaster: true }], timeScale: 0.02, brokerVersion: version });
    await cluster.createTopic('T', { queues: 2 });
    const master = cluster.broker('broker-a', 'n0');
    for (let i = 0; i < 3; i++) expect((await conns.call(master.addr, sendReq('T', `b${i}`))).code).toBe(ResponseCode.SUCCESS);
    await until(() => cluster.broker('broker-a', 'n1').store.getMaxOffset('T', 0) === 3, 5000, 'slave catch-up');
  }, 30_000);
  afterAll(async () => {
    await conns.closeAll();
    await cluster?.stop();
  });

  const pull = async (id: 'n0' | 'n1', queueId: number, offset: number) =>
    decodePullMessageResponse(await conns.call(cluster.broker('broker-a', id).addr, pullReq('T', queueId, offset)));

  it('the master moves an offset beyond the end back (4.9: to 0, 5.x: to the max offset), an empty queue to 0', async () => {
    expect(await pull('n0', 0, 10)).toMatchObject({ status: 'OFFSET_ILLEGAL', nextBeginOffset: version === '4.9' ? 0 : 3, maxOffset: 3, suggestWhichBrokerId: 0 });
    expect(await pull('n0', 0, 3)).toMatchObject({ status: 'NO_NEW_MSG', nextBeginOffset: 3 });
    expect(await pull('n0', 1, 5)).toMatchObject({ status: 'OFFSET_ILLEGAL', nextBeginOffset: 0 });
  });

  it('the slave answers retry-immediately from the master and keeps the offset', async () => {
    expect(await pull('n1', 0, 10)).toMatchObject({ status: 'NO_MATCHED_MSG', nextBeginOffset: 10, suggestWhichBrokerId: 0 });
    expect(await pull('n1', 1, 5)).toMatchObject({ status: 'NO_MATCHED_MSG', nextBeginOffset: 5, suggestWhichBrokerId: 0 });
  });
});
