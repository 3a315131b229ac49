/**
 * TLS end to end with a throwaway CA made by `openssl` at test time: `MockCluster.start({ tls, acl })` serves TLS on
 * the nameserver and the broker (which registers over TLS, trusting the CA), and the client's NamesrvClient /
 * BrokerPool connect with `tls: { ca }` (plus ACL signing on top). A client trusting another CA, or only the system
 * CAs, fails with a typed ConnectionError.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrokerPool } from '../../src/client/broker-pool.js';
import { NamesrvClient } from '../../src/client/namesrv-client.js';
import { ConnectionError, NoNameServerError } from '../../src/errors.js';
import { MockCluster } from '../../src/mock/index.js';
import { decodeSendMessageResponse } from '../../src/protocol/send-message.js';
import { sendReq } from './mock-helpers.js';
import { makeTestPki, type TestPki } from './tls-pki.js';

let pki: TestPki;
let cluster: MockCluster;
let brokerAddr: string;

beforeAll(async () => {
  pki = makeTestPki();
  cluster = await MockCluster.start({
    groups: [{ brokerName: 'tls-a', mode: 'single' }],
    tls: { key: pki.key, cert: pki.cert, ca: pki.ca },
    acl: { accounts: [{ accessKey: 'tlsUser01', secretKey: 'tlsSecret01', defaultTopicPerm: 'PUB' }] },
  });
  await cluster.createTopic('TlsTopic', { queues: 2 });
  brokerAddr = cluster.broker('tls-a', 'n0').addr;
}, 30_000);

afterAll(async () => {
  await cluster?.stop();
});

describe('TLS', () => {
  it('nameserver route and a signed send work over TLS with the test CA', async () => {
    const nsAddr = cluster.namesrvAddr;
    const ns = new NamesrvClient({ addrs: [nsAddr], tls: { ca: pki.ca } });
    const pool = new BrokerPool({ tls: { ca: pki.ca }, credentials: { accessKey: 'tlsUser01', secretKey: 'tlsSecret01' } });
    try {
      const route = await ns.getRouteInfo('TlsTopic');
      expect(route.brokerDatas[0]?.brokerName).toBe('tls-a');
      const conn = await pool.getConnection(brokerAddr);
      expect(conn.socket.constructor.name).toBe('TLSSocket');
      const res = decodeSendMessageResponse(await pool.invoke(brokerAddr, sendReq('TlsTopic', 'over tls'), { timeoutMs: 3000 }));
      expect(res.status).toBe('SEND_OK');
    } finally {
      await Promise.all([ns.close(), pool.close()]);
    }
  });

  it('a client trusting another CA, or only the system CAs, fails with ConnectionError', async () => {
    for (const tls of [{ ca: pki.otherCa }, true] as const) {
      const pool = new BrokerPool({ tls, connectTimeoutMs: 2000 });
      try {
        const err = await pool.getConnection(brokerAddr).then(() => undefined, (e: unknown) => e);
        expect(err).toBeInstanceOf(ConnectionError);
        expect(String((err as ConnectionError).message)).toMatch(/certificate|self.signed|issuer/i);
      } finally {
        await pool.close();
      }
    }
    // The nameserver client reports it as "no nameserver answered", with the ConnectionError as the cause.
    const ns = new NamesrvClient({ addrs: [brokerAddr], tls: { ca: pki.otherCa } });
    try {
      const err = await ns.getRouteInfo('TlsTopic').then(() => undefined, (e: unknown) => e);
      expect(err).toBeInstanceOf(NoNameServerError);
      expect((err as NoNameServerError).cause).toBeInstanceOf(ConnectionError);
    } finally {
      await ns.close();
    }
  });
});
