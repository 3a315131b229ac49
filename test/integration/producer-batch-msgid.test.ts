/**
 * Batch msgIds as the STORE sees them. A real plain-CommitLog broker (4.9.x, 5.x up to 5.3.3) appends the batch
 * request's own properties to every inner message and readers keep the last value of a repeated name, so a UNIQ_KEY
 * in the batch request replaces each message's own id; a DLedger broker does not append. Seen against real 5.3.3
 * (test/interop/sdk-5.test.ts): the message at queueOffset+7 had another UNIQ_KEY than entry 7 of SendResult.msgId
 * whenever the batch landed on the master/slave group. The mock reproduces the broker rule; our producer sends no
 * batch UNIQ_KEY, so every entry of SendResult.msgId is the id stored, on both kinds of group.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Admin } from '../../src/admin/index.js';
import { encodeBatchBody } from '../../src/message/batch.js';
import { createUniqId } from '../../src/message/ids.js';
import { encodeProperties } from '../../src/message/properties.js';
import { MockCluster } from '../../src/mock/index.js';
import { Producer } from '../../src/producer/index.js';
import { decodeSendMessageResponse, encodeSendMessageRequest } from '../../src/protocol/send-message.js';
import { Conns, until } from './mock-helpers.js';

const TOPIC = 'batch_msgid_topic';
const GROUPS = ['broker-ms', 'broker-dl'] as const;

describe('batch msgIds on a plain and a DLedger group (mock over TCP)', () => {
  let cluster: MockCluster;
  let producer: Producer;
  let admin: Admin;
  const conns = new Conns();

  beforeAll(async () => {
    cluster = await MockCluster.start({
      groups: [{ brokerName: 'broker-ms', mode: 'master-slave' }, { brokerName: 'broker-dl', mode: 'dledger' }],
      timeScale: 0.05,
    });
    await cluster.createTopic(TOPIC, { queues: 2 });
    admin = new Admin({ namesrvAddr: cluster.namesrvAddr });
    await admin.start();
    // Both groups writable in the route (the DLedger group registers once its leader is elected).
    await until(async () => {
      const route = await admin.topicRoute(TOPIC).catch(() => undefined);
      return GROUPS.every((g) => route?.brokerDatas.some((b) => b.brokerName === g && b.brokerAddrs[0] !== undefined)) && route?.queueDatas.length === 2;
    }, 20_000, 'both groups in the route');
    producer = new Producer({ namesrvAddr: cluster.namesrvAddr, producerGroup: 'batch_msgid_group' });
    await producer.start();
  }, 30_000);

  afterAll(async () => {
    await producer?.shutdown();
    await admin?.shutdown();
    await conns.closeAll();
    await cluster?.stop();
  });

  for (const group of GROUPS) {
    it(`${group}: entry i of SendResult.msgId is the UNIQ_KEY stored at queueOffset+i`, async () => {
      const batch = Array.from({ length: 8 }, (_, i) => ({ topic: TOPIC, body: `${group} batch ${i}`, keys: `${group}-b${i}` }));
      const r = await producer.send(batch, { selector: (qs) => qs.find((q) => q.brokerName === group)! });
      expect(r.messageQueue.brokerName).toBe(group);
      const ids = r.msgId.split(',');
      expect(new Set(ids).size).toBe(8);
      for (let i = 0; i < 8; i++) {
        const [m] = await admin.queryMessageByKey(TOPIC, `${group}-b${i}`);
        expect(m).toMatchObject({ queueId: r.messageQueue.queueId, queueOffset: r.queueOffset + i, msgId: ids[i] });
        const byId = await admin.queryMessageByUniqKey(TOPIC, ids[i]);
        expect(byId.body.toString()).toBe(`${group} batch ${i}`);
      }
    });
  }

  it('the mock stores a batch as real brokers do: a batch UNIQ_KEY (Java style) overrides inner ids on the plain group only', async () => {
    for (const group of GROUPS) {
      const inner = [createUniqId(), createUniqId()];
      const batchId = createUniqId();
      const body = encodeBatchBody(inner.map((id, i) => ({ body: Buffer.from(`java ${i}`), flag: 0, properties: { UNIQ_KEY: id, KEYS: `${group}-j${i}`, WAIT: 'true' } })));
      const req = encodeSendMessageRequest({
        producerGroup: 'PG', topic: TOPIC, defaultTopic: 'TBW102', defaultTopicQueueNums: 4, queueId: 0, sysFlag: 0,
        bornTimestamp: Date.now(), flag: 0, properties: encodeProperties({ WAIT: 'true', UNIQ_KEY: batchId }), batch: true,
      }, body);
      const addr = cluster.leaderOf(group)!.addr;
      expect(decodeSendMessageResponse(await conns.call(addr, req)).status).toBe('SEND_OK');
      const stored = await Promise.all([0, 1].map(async (i) => (await admin.queryMessageByKey(TOPIC, `${group}-j${i}`))[0].msgId));
      expect(stored).toEqual(group === 'broker-ms' ? [batchId, batchId] : inner);
    }
  });
});
