import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectionError } from '../../../src/errors.js';
import { createRequest, createResponse } from '../../../src/remoting/command.js';
import { RemotingConnection } from '../../../src/remoting/connection.js';
import { RemotingServer } from '../../../src/remoting/server.js';

/**
 * A throwaway self-signed certificate for 127.0.0.1, made with openssl at test time. If openssl is missing, the
 * test-only pair shipped in fixtures/ is used instead (it protects nothing; never use it elsewhere).
 */
function makeCert(): { key: Buffer; cert: Buffer; source: string } {
  const dir = mkdtempSync(join(tmpdir(), 'rmq-tls-'));
  try {
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', join(dir, 'key.pem'),
        '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'],
      { stdio: 'ignore', timeout: 10_000 },
    );
    return { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')), source: 'openssl' };
  } catch {
    const fixture = (name: string): Buffer => readFileSync(fileURLToPath(new URL(`fixtures/${name}`, import.meta.url)));
    return { key: fixture('tls-test-key.pem'), cert: fixture('tls-test-cert.pem'), source: 'fixture' };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('RemotingConnection over TLS', () => {
  let pair: ReturnType<typeof makeCert>;
  let server: RemotingServer;
  let port: number;
  beforeAll(async () => {
    pair = makeCert();
    server = new RemotingServer({ tls: { key: pair.key, cert: pair.cert } });
    server.handle(105, (req) => createResponse(req, 0, undefined, { topic: req.extFields!.topic }, Buffer.from('route')));
    server.handle(40, () => undefined);
    port = await server.listen();
  });
  afterAll(() => server.close());

  it('serves requests and peer-initiated requests over a verified TLS connection', async () => {
    const conn = await RemotingConnection.connect({ host: '127.0.0.1', port, tls: { ca: pair.cert } });
    try {
      expect(conn.socket.constructor.name).toBe('TLSSocket');
      const res = await conn.invoke(createRequest(105, { topic: 'T' }), { timeoutMs: 2000 });
      expect(res.extFields).toEqual({ topic: 'T' });
      expect(res.body!.toString()).toBe('route');
      const [peer] = [...server.connections];
      const seen = new Promise((resolve) => conn.onRequest(40, (req) => void resolve(req.extFields)));
      await peer.invokeOneway(createRequest(40, { consumerGroup: 'G' }));
      expect(await seen).toEqual({ consumerGroup: 'G' });
    } finally {
      await conn.close();
    }
  });

  it('rejects an untrusted self-signed certificate with ConnectionError (tls: true keeps verification on)', async () => {
    const err = await RemotingConnection.connect({ host: '127.0.0.1', port, tls: true }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ConnectionError);
    expect((err as ConnectionError).message).toMatch(/self.signed/i);
  });
});
