import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MockCluster } from '../../src/mock/index.js';
import { decodeSendMessageResponse } from '../../src/protocol/send-message.js';
import { decodePullMessageResponse } from '../../src/protocol/pull-message.js';
import { decodeStoredMessages } from '../../src/message/stored.js';
import { Conns, pullReq, sendReq } from './mock-helpers.js';

describe('dledger group: a full restart from disk keeps every committed message', () => {
  let cluster: MockCluster;
  const conns = new Conns();
  beforeAll(async () => {
    cluster = await MockCluster.start({ groups: [{ brokerName: 'broker-a', mode: 'dledger' }], timeScale: 0.05, mappedFileSize: 4096 });
    await cluster.waitForLeader('broker-a', 5000);
    await cluster.createTopic('T', { queues: 2 });
  });
  afterAll(async () => {
    await conns.closeAll();
    await cluster.stop();
  });

  it('serves the same messages at the same offsets after every replica restarted on its port', async () => {
    const leader = await cluster.waitForLeader('broker-a', 5000);
    const acked: string[] = [];
    for (let i = 0; i < 40; i++) {
      const r = decodeSendMessageResponse(await conns.call(leader.addr, sendReq('T', `msg-${i}-${'x'.repeat(100)}`, { KEYS: `k${i}` }, i % 2)));
      expect(r.status).toBe('SEND_OK');
      acked.push(r.offsetMsgId);
    }
    const ports = ['n0', 'n1', 'n2'].map((id) => cluster.broker('broker-a', id).port);
    for (const id of ['n0', 'n1', 'n2']) await cluster.kill('broker-a', id);
    await conns.closeAll();
    for (const id of ['n0', 'n1', 'n2']) await cluster.restart('broker-a', id);
    expect(['n0', 'n1', 'n2'].map((id) => cluster.broker('broker-a', id).port)).toEqual(ports);
    const again = await cluster.waitForLeader('broker-a', 10_000);
    const bodies: string[] = [];
    const ids: string[] = [];
    for (const q of [0, 1]) {
      const p = decodePullMessageResponse(await conns.call(again.addr, pullReq('T', q, 0)));
      expect(p.status).toBe('FOUND');
      for (const m of decodeStoredMessages(p.body)) {
        bodies.push(m.body.toString().split('-').slice(0, 2).join('-'));
        ids.push(m.offsetMsgId);
      }
    }
    expect(bodies.length).toBe(40);
    expect(new Set(ids.map((id) => id.slice(16)))).toEqual(new Set(acked.map((id) => id.slice(16))));
  });
});
