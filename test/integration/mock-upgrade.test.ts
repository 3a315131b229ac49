import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MockCluster } from '../../src/mock/index.js';
import { ValidationError } from '../../src/errors.js';
import { decodeSendMessageResponse } from '../../src/protocol/send-message.js';
import { decodePullMessageResponse } from '../../src/protocol/pull-message.js';
import { decodeQueryMessageResponse, encodeQueryMessageRequest } from '../../src/protocol/query-message.js';
import { decodeStoredMessages } from '../../src/message/stored.js';
import { Conns, pullReq, sendReq, until } from './mock-helpers.js';

const FILE = 64 * 1024;

describe('smooth upgrade: master/slave → DLedger keeps the legacy messages', () => {
  let cluster: MockCluster;
  const conns = new Conns();
  beforeAll(async () => {
    cluster = await MockCluster.start({
      groups: [{ brokerName: 'broker-a', mode: 'master-slave' }, { brokerName: 'broker-b', mode: 'master-slave' }],
      timeScale: 0.05,
      mappedFileSize: FILE,
    });
    await cluster.createTopic('T', { queues: 2 });
  });
  afterAll(async () => {
    await conns.closeAll();
    await cluster.stop();
  });

  it('finds all 100 old messages by key, pulls them, and continues the queue offsets', async () => {
    const master = (await cluster.waitForLeader('broker-a')).addr;
    for (let i = 0; i < 100; i++) {
      const r = decodeSendMessageResponse(await conns.call(master, sendReq('T', `old-${i}`, { KEYS: `key-${i}` }, i % 2)));
      expect(r.status).toBe('SEND_OK');
    }
    const masterLog = cluster.broker('broker-a', 'n0').store.commitLog;
    await until(() => cluster.broker('broker-a', 'n1').store.commitLog.maxOffset === masterLog.maxOffset, 5000, 'slave copy');
    await conns.closeAll();

    await cluster.upgradeToDLedger('broker-a', { replicas: 3 });
    const leader = await cluster.waitForLeader('broker-a', 10_000);
    for (const id of ['n0', 'n1', 'n2']) {
      const st = cluster.broker('broker-a', id).store;
      expect(st.mode).toBe('dledger');
      expect(st.dividedOffset).toBeGreaterThan(0);
      expect(st.dividedOffset! % FILE).toBe(0);
    }

    for (let i = 0; i < 100; i++) {
      const q = decodeQueryMessageResponse(
        await conns.call(leader.addr, encodeQueryMessageRequest({ topic: 'T', key: `key-${i}`, maxNum: 32, beginTimestamp: 0, endTimestamp: Date.now() + 1000 })),
      );
      expect(q.found).toBe(true);
      expect(decodeStoredMessages(q.body)[0].body.toString()).toBe(`old-${i}`);
    }
    const pulled: string[] = [];
    for (const queue of [0, 1]) {
      let offset = 0;
      for (;;) {
        const p = decodePullMessageResponse(await conns.call(leader.addr, pullReq('T', queue, offset)));
        if (p.status !== 'FOUND') break;
        for (const m of decodeStoredMessages(p.body)) pulled.push(m.body.toString());
        offset = p.nextBeginOffset;
      }
      expect(offset).toBe(50);
    }
    expect(pulled.sort()).toEqual(Array.from({ length: 100 }, (_, i) => `old-${i}`).sort());

    const next = decodeSendMessageResponse(await conns.call(leader.addr, sendReq('T', 'new-0', { KEYS: 'key-new' }, 0)));
    expect(next.queueOffset).toBe(50);
    const p = decodePullMessageResponse(await conns.call(leader.addr, pullReq('T', 0, 50)));
    expect(decodeStoredMessages(p.body).map((m) => [m.body.toString(), m.queueOffset])).toEqual([['new-0', 50]]);
    expect(decodeStoredMessages(p.body)[0].commitLogOffset).toBeGreaterThanOrEqual(cluster.broker('broker-a', leader.id).store.dividedOffset!);
  });

  it('refuses to start replicas whose legacy commitlogs differ', async () => {
    const master = (await cluster.waitForLeader('broker-b')).addr;
    decodeSendMessageResponse(await conns.call(master, sendReq('T', 'b-old', { KEYS: 'b' })));
    await expect(cluster.upgradeToDLedger('broker-b', { replicas: 3, copyLegacyCommitLog: false })).rejects.toThrow(ValidationError);
    await expect(cluster.upgradeToDLedger('broker-b', { replicas: 3, copyLegacyCommitLog: false })).rejects.toThrow(/copy the master's commitlog to every replica first/);
  });
});
