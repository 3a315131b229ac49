/**
 * Producer → mock over TLS with ACL signing, end to end: TLS remoting fronts (throwaway CA from `openssl`) enforce
 * ACL and forward to the mock's nameserver and broker; the nameserver front rewrites broker addresses in routes to
 * the broker front, so every connection the Producer opens (route, heartbeat, send) is TLS and signed.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrokerResponseError, SendFailedError } from '../../src/errors.js';
import { createAclInterceptor, type MockAclConfig } from '../../src/mock/acl/index.js';
import { MockCluster } from '../../src/mock/index.js';
import { Producer } from '../../src/producer/index.js';
import { RemotingConnection } from '../../src/remoting/connection.js';
import { RemotingServer } from '../../src/remoting/server.js';

const ACL: MockAclConfig = { accounts: [{ accessKey: 'tlsProducer', secretKey: 'tlsProducerSecret', topicPerms: ['SecureTopic=PUB'], defaultGroupPerm: 'SUB' }] };

let dir: string;
let ca: string;
let cluster: MockCluster;
const fronts: Array<{ server: RemotingServer; up: RemotingConnection }> = [];

function makePki(): { ca: string; key: string; cert: string } {
  const run = (...args: string[]): void => void execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  run('req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '1', '-subj', '/CN=producer test CA');
  run('req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1');
  writeFileSync(join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1\n');
  run('x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.crt', '-days', '1', '-extfile', 'san.ext');
  const read = (f: string): string => readFileSync(join(dir, f), 'utf8');
  return { ca: read('ca.crt'), key: read('server.key'), cert: read('server.crt') };
}

/**
 * A TLS front forwarding to `target`, enforcing ACL when `acl`; `rewrite` maps response bodies (route addresses).
 * The nameserver front does not enforce ACL, like a 4.x nameserver, so the broker's answer is what a bad key meets.
 */
async function front(target: string, tlsOpts: { key: string; cert: string }, acl: boolean, rewrite?: (body: Buffer) => Buffer): Promise<string> {
  const i = target.lastIndexOf(':');
  const up = await RemotingConnection.connect({ host: target.slice(0, i), port: Number(target.slice(i + 1)) });
  const server = new RemotingServer({ tls: tlsOpts });
  if (acl) server.setInterceptor(createAclInterceptor(ACL));
  server.handle('*', async (req) => {
    const res = await up.invoke(req, { timeoutMs: 5000 });
    return rewrite && res.body ? { ...res, body: rewrite(res.body) } : res;
  });
  fronts.push({ server, up });
  return `127.0.0.1:${await server.listen()}`;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rmq-tls-producer-'));
  const pki = makePki();
  ca = pki.ca;
  cluster = await MockCluster.start({ groups: [{ brokerName: 'secure-a', mode: 'single' }] });
  await cluster.createTopic('SecureTopic', { queues: 2 });
  const brokerAddr = cluster.broker('secure-a', 'n0').addr;
  const brokerFront = await front(brokerAddr, pki, true);
  await front(cluster.namesrvAddr, pki, false, (body) => Buffer.from(body.toString('utf8').split(brokerAddr).join(brokerFront)));
}, 30_000);

afterAll(async () => {
  for (const f of fronts) {
    await f.server.close();
    await f.up.close();
  }
  await cluster?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const nsFront = (): string => `127.0.0.1:${fronts[1]!.server.port}`;

describe('Producer over TLS with ACL', () => {
  it('sends through TLS with signed requests', async () => {
    const producer = new Producer({
      namesrvAddr: nsFront(),
      producerGroup: 'secure_producer_group',
      transport: { tls: { ca }, credentials: { accessKey: 'tlsProducer', secretKey: 'tlsProducerSecret' } },
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

  it('a wrong secret fails at once with NO_PERMISSION (no retries)', async () => {
    const producer = new Producer({
      namesrvAddr: nsFront(),
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
