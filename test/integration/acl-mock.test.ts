/**
 * ACL end to end over loopback: `MockCluster.start({ acl, namesrvAcl: true })` makes the mock's broker and nameserver
 * enforce ACL, and the client's BrokerPool / NamesrvClient sign with `credentials`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signRequest } from '../../src/client/acl.js';
import { BrokerPool } from '../../src/client/broker-pool.js';
import { NamesrvClient } from '../../src/client/namesrv-client.js';
import { decideRetry } from '../../src/client/retry-policy.js';
import { BrokerResponseError } from '../../src/errors.js';
import { MockCluster, type MockAclConfig } from '../../src/mock/index.js';
import { decodeSendMessageResponse } from '../../src/protocol/send-message.js';
import { RemotingConnection } from '../../src/remoting/connection.js';
import { sendReq } from './mock-helpers.js';

const ACL: MockAclConfig = {
  accounts: [
    { accessKey: 'producerAK', secretKey: 'producerSK', defaultTopicPerm: 'DENY', topicPerms: ['AclTopic=PUB'] },
    { accessKey: 'adminAK01', secretKey: 'adminSK01', admin: true },
  ],
};
const GOOD = { accessKey: 'producerAK', secretKey: 'producerSK' };

let cluster: MockCluster;
let brokerAddr: string;

beforeAll(async () => {
  cluster = await MockCluster.start({ groups: [{ brokerName: 'acl-a', mode: 'single' }], acl: ACL, namesrvAcl: true });
  await cluster.createTopic('AclTopic', { queues: 2 });
  await cluster.createTopic('OtherTopic', { queues: 2 });
  brokerAddr = cluster.broker('acl-a', 'n0').addr;
});

afterAll(async () => {
  await cluster?.stop();
});

describe('ACL against the mock', () => {
  it('a signed send through a BrokerPool with credentials is stored', async () => {
    const pool = new BrokerPool({ credentials: GOOD });
    try {
      const res = decodeSendMessageResponse(await pool.invoke(brokerAddr, sendReq('AclTopic', 'hello'), { timeoutMs: 3000 }));
      expect(res.status).toBe('SEND_OK');
      // The oneway path is signed too (no answer expected, but it must not throw).
      await pool.invokeOneway(brokerAddr, sendReq('AclTopic', 'oneway'));
    } finally {
      await pool.close();
    }
  });

  it('wrong secret, missing keys, denied topic and tampering get NO_PERMISSION as a non-retriable typed error', async () => {
    const cases: Array<[BrokerPool, string, string]> = [
      [new BrokerPool({ credentials: { ...GOOD, secretKey: 'nope' } }), 'AclTopic', 'Check signature failed for accessKey=producerAK'],
      [new BrokerPool(), 'AclTopic', 'No accessKey is configured'],
      [new BrokerPool({ credentials: { accessKey: 'ghost', secretKey: 'x' } }), 'AclTopic', 'No acl config for ghost'],
      [new BrokerPool({ credentials: GOOD }), 'OtherTopic', 'No default permission for topic:OtherTopic'],
    ];
    for (const [pool, topic, remark] of cases) {
      try {
        const res = await pool.invoke(brokerAddr, sendReq(topic, 'x'), { timeoutMs: 3000 });
        let err: unknown;
        try {
          decodeSendMessageResponse(res, { brokerAddr: brokerAddr });
        } catch (e) {
          err = e;
        }
        expect(err).toBeInstanceOf(BrokerResponseError);
        const b = err as BrokerResponseError;
        expect([b.responseCode, b.responseName, b.retriable, b.context.remark]).toEqual([16, 'NO_PERMISSION', false, remark]);
        const d = decideRetry({ attempt: 1, elapsedMs: 5, budgetMs: 3000, maxAttempts: 3, error: b, anyGroupAvailable: true });
        expect(d.retry).toBe(false);
      } finally {
        await pool.close();
      }
    }
    // Tampering after signing: the body changes in flight.
    const conn = await RemotingConnection.connect({ host: '127.0.0.1', port: cluster.broker('acl-a', 'n0').port });
    try {
      const signed = signRequest(sendReq('AclTopic', 'original'), GOOD);
      const res = await conn.invoke({ ...signed, body: Buffer.from('tampered') }, { timeoutMs: 3000 });
      expect([res.code, res.remark]).toEqual([16, 'Check signature failed for accessKey=producerAK']);
    } finally {
      await conn.close();
    }
  });

  it('the nameserver client signs too; admin codes need an admin account', async () => {
    const ns = new NamesrvClient({ addrs: [cluster.namesrvAddr], credentials: GOOD });
    const bare = new NamesrvClient({ addrs: [cluster.namesrvAddr] });
    const admin = new NamesrvClient({ addrs: [cluster.namesrvAddr], credentials: { accessKey: 'adminAK01', secretKey: 'adminSK01' } });
    try {
      const route = await ns.getRouteInfo('AclTopic');
      expect(route.brokerDatas.map((b) => b.brokerName)).toEqual(['acl-a']);
      await expect(bare.getRouteInfo('AclTopic')).rejects.toMatchObject({ responseCode: 16, retriable: false });
      const put = { code: 100, language: 'JAVA', version: 401, opaque: 0, flag: 0, extFields: { namespace: 'NS', key: 'k', value: 'v' } };
      expect((await ns.invoke(put)).response).toMatchObject({ code: 16, remark: 'Need admin permission for request code=100, but accessKey=producerAK is not' });
      expect((await admin.invoke(put)).response.code).toBe(0);
      expect(await admin.getKvConfig('NS', 'k')).toBe('v');
    } finally {
      await Promise.all([ns.close(), bare.close(), admin.close()]);
    }
  });
});
