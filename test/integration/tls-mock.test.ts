/**
 * TLS end to end with a throwaway CA made by `openssl` at test time: a TLS RemotingServer fronts the mock's
 * nameserver and broker (forwarding commands unchanged), and the client's NamesrvClient / BrokerPool connect with
 * `tls: { ca }` (plus ACL signing on top). A client trusting another CA, or only the system CAs, fails with a typed
 * ConnectionError.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrokerPool } from '../../src/client/broker-pool.js';
import { NamesrvClient } from '../../src/client/namesrv-client.js';
import { ConnectionError, NoNameServerError } from '../../src/errors.js';
import { createAclInterceptor } from '../../src/mock/acl/index.js';
import { MockCluster } from '../../src/mock/index.js';
import { decodeSendMessageResponse } from '../../src/protocol/send-message.js';
import { RemotingConnection } from '../../src/remoting/connection.js';
import { RemotingServer } from '../../src/remoting/server.js';
import { sendReq } from './mock-helpers.js';

interface Pki {
  ca: string;
  otherCa: string;
  key: string;
  cert: string;
}

/** A CA, a server certificate for 127.0.0.1 signed by it, and an unrelated second CA. */
function makePki(dir: string): Pki {
  const run = (...args: string[]): void => {
    execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  };
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  run('req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '1', '-subj', '/CN=rocketmq-ts test CA');
  run('req', '-x509', ...ec, '-keyout', 'other.key', '-out', 'other.crt', '-days', '1', '-subj', '/CN=someone else');
  run('req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1');
  writeFileSync(join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  run('x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.crt', '-days', '1', '-extfile', 'san.ext');
  const read = (f: string): string => readFileSync(join(dir, f), 'utf8');
  return { ca: read('ca.crt'), otherCa: read('other.crt'), key: read('server.key'), cert: read('server.crt') };
}

let dir: string;
let pki: Pki;
let cluster: MockCluster;
const fronts: Array<{ server: RemotingServer; up: RemotingConnection }> = [];

/** A TLS remoting server forwarding every command to `target` over plain TCP. */
async function tlsFront(target: string, acl = false): Promise<string> {
  const i = target.lastIndexOf(':');
  const up = await RemotingConnection.connect({ host: target.slice(0, i), port: Number(target.slice(i + 1)) });
  const server = new RemotingServer({ tls: { key: pki.key, cert: pki.cert } });
  if (acl) server.setInterceptor(createAclInterceptor({ accounts: [{ accessKey: 'tlsUser01', secretKey: 'tlsSecret01', defaultTopicPerm: 'PUB' }] }));
  server.handle('*', (req) => up.invoke(req, { timeoutMs: 5000 }));
  fronts.push({ server, up });
  return `127.0.0.1:${await server.listen()}`;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rmq-tls-'));
  pki = makePki(dir);
  cluster = await MockCluster.start({ groups: [{ brokerName: 'tls-a', mode: 'single' }] });
  await cluster.createTopic('TlsTopic', { queues: 2 });
}, 30_000);

afterAll(async () => {
  for (const f of fronts) {
    await f.server.close();
    await f.up.close();
  }
  await cluster?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('TLS', () => {
  it('nameserver route and a signed send work over TLS with the test CA', async () => {
    const nsAddr = await tlsFront(cluster.namesrvAddr);
    const brokerAddr = await tlsFront(cluster.broker('tls-a', 'n0').addr, true);
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
    const brokerAddr = await tlsFront(cluster.broker('tls-a', 'n0').addr);
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
