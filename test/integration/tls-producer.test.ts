/**
 * `MockCluster.start({ tls })` (throwaway CA from `openssl`; the broker registers with the nameserver over TLS, trusting
 * the CA) and the Producer's top-level `tls` option: with the CA every connection is TLS and sends work; trusting
 * another CA, the first send fails with a typed error whose cause is a ConnectionError naming the certificate problem.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Admin } from '../../src/admin/index.js';
import { ConnectionError, NoNameServerError, RocketMQError } from '../../src/errors.js';
import { MockCluster } from '../../src/mock/index.js';
import { Producer } from '../../src/producer/index.js';
import { makeTestPki, type TestPki } from './tls-pki.js';

let pki: TestPki;
let cluster: MockCluster;

beforeAll(async () => {
  pki = makeTestPki();
  cluster = await MockCluster.start({ groups: [{ brokerName: 'tls-p', mode: 'single' }], tls: { key: pki.key, cert: pki.cert, ca: pki.ca } });
  await cluster.createTopic('TlsProducerTopic', { queues: 2 });
}, 30_000);

afterAll(async () => {
  await cluster?.stop();
});

/** The first ConnectionError in an error's cause chain. */
function connectionCause(err: unknown): ConnectionError | undefined {
  for (let e: unknown = err, i = 0; e instanceof Error && i < 10; e = (e as Error & { cause?: unknown }).cause, i++) {
    if (e instanceof ConnectionError) return e;
    const attempts = (e as { attempts?: Array<{ error: unknown }> }).attempts;
    if (attempts?.length) return connectionCause(attempts[0]!.error);
  }
  return undefined;
}

describe('Producer → MockCluster over TLS', () => {
  it('with the test CA: route, heartbeat and send all over TLS', async () => {
    const producer = new Producer({ producerGroup: 'tls_pg', namesrvAddr: cluster.namesrvAddr, tls: { ca: pki.ca } });
    await producer.start();
    try {
      const r = await producer.send({ topic: 'TlsProducerTopic', keys: 'tls-1', body: 'encrypted' });
      expect([r.status, r.attempts, r.brokerAddr]).toEqual(['SEND_OK', 1, cluster.broker('tls-p', 'n0').addr]);
      // Every connection the broker accepted is a TLS socket (the producer's, and none in plain text).
      const conns = [...(cluster.broker('tls-p', 'n0') as unknown as { server: { connections: Set<{ socket: object }> } }).server.connections];
      expect(conns.length).toBeGreaterThan(0);
      expect(conns.every((c) => c.socket.constructor.name === 'TLSSocket')).toBe(true);
    } finally {
      await producer.shutdown();
    }
  });

  it('trusting another CA: a typed error caused by ConnectionError (certificate), for Producer and Admin', async () => {
    const producer = new Producer({ producerGroup: 'tls_pg_wrong', namesrvAddr: cluster.namesrvAddr, tls: { ca: pki.otherCa }, sendMsgTimeout: 2000 });
    await producer.start();
    try {
      const err = await producer.send({ topic: 'TlsProducerTopic', body: 'x' }).then(() => undefined, (e: unknown) => e);
      expect(err).toBeInstanceOf(RocketMQError);
      const conn = connectionCause(err);
      expect(conn).toBeInstanceOf(ConnectionError);
      expect(conn!.message).toMatch(/certificate|self.signed|issuer/i);
    } finally {
      await producer.shutdown();
    }
    const admin = new Admin({ namesrvAddr: cluster.namesrvAddr, tls: { ca: pki.otherCa }, connectTimeoutMs: 2000 });
    await admin.start();
    try {
      const err = await admin.topicRoute('TlsProducerTopic').then(() => undefined, (e: unknown) => e);
      expect(err).toBeInstanceOf(NoNameServerError);
      expect((err as NoNameServerError).cause).toBeInstanceOf(ConnectionError);
    } finally {
      await admin.shutdown();
    }
  });
});
