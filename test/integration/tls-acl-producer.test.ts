/**
 * Producer → mock over TLS with ACL signing, end to end: `MockCluster.start({ tls, acl })` serves TLS on the
 * nameserver and the broker (throwaway CA from `openssl`; the broker registers over TLS too) and the broker enforces
 * ACL, so every connection the Producer opens (route, heartbeat, send) is TLS and every request signed. The
 * nameserver does not enforce ACL, like a real one, so the broker's answer is what a bad key meets.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrokerResponseError, SendFailedError } from '../../src/errors.js';
import { MockCluster, type MockAclConfig } from '../../src/mock/index.js';
import { Producer } from '../../src/producer/index.js';
import { makeTestPki } from './tls-pki.js';

const ACL: MockAclConfig = { accounts: [{ accessKey: 'tlsProducer', secretKey: 'tlsProducerSecret', topicPerms: ['SecureTopic=PUB'], defaultGroupPerm: 'SUB' }] };

let ca: string;
let cluster: MockCluster;

beforeAll(async () => {
  const pki = makeTestPki();
  ca = pki.ca;
  cluster = await MockCluster.start({ groups: [{ brokerName: 'secure-a', mode: 'single' }], acl: ACL, tls: { key: pki.key, cert: pki.cert, ca } });
  await cluster.createTopic('SecureTopic', { queues: 2 });
}, 30_000);

afterAll(async () => {
  await cluster?.stop();
});

describe('Producer over TLS with ACL', () => {
  it('sends through TLS with signed requests (top-level accessKey/secretKey/tls)', async () => {
    const producer = new Producer({
      namesrvAddr: cluster.namesrvAddr,
      producerGroup: 'secure_producer_group',
      tls: { ca },
      accessKey: 'tlsProducer',
      secretKey: 'tlsProducerSecret',
    });
    await producer.start();
    try {
      const r = await producer.send({ topic: 'SecureTopic', keys: 'secure-1', body: 'over TLS, signed' });
      expect(r.status).toBe('SEND_OK');
      expect(r.attempts).toBe(1);
    } finally {
      await producer.shutdown();
    }
  });

  it('a wrong secret fails at once with NO_PERMISSION (no retries; transport.credentials form)', async () => {
    const producer = new Producer({
      namesrvAddr: cluster.namesrvAddr,
      producerGroup: 'secure_producer_group2',
      sendMsgTimeout: 3000,
      transport: { tls: { ca }, credentials: { accessKey: 'tlsProducer', secretKey: 'wrong-secret' } },
    });
    await producer.start();
    try {
      const err = await producer.send({ topic: 'SecureTopic', body: 'x' }).then(() => undefined, (e: unknown) => e);
      expect(err).toBeInstanceOf(SendFailedError);
      const attempts = (err as SendFailedError).attempts;
      expect(attempts).toHaveLength(1);
      const denial = attempts[0]!.error;
      expect(denial).toBeInstanceOf(BrokerResponseError);
      expect([(denial as BrokerResponseError).responseCode, (denial as BrokerResponseError).retriable]).toEqual([16, false]);
      expect(denial.context.remark).toBe('Check signature failed for accessKey=tlsProducer');
    } finally {
      await producer.shutdown();
    }
  });
});
