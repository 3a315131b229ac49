/**
 * OUR SDK over TLS against a real RocketMQ 5.3.3 name server and broker (issue 8).
 *
 * Real RocketMQ takes its TLS settings from JVM system properties (`TlsSystemConfig`), not from broker.conf, so the
 * harness passes them with `extraJvmArgs`. Both JVMs run `tls.server.mode=enforcing`: their `TlsModeHandler` looks at
 * the first byte of a connection and closes it unless it is a TLS handshake record (0x16). `tls.test.mode.enable=false`
 * makes them serve OUR certificate (a throwaway CA made by `openssl` at test time; the key handed over as unencrypted
 * PKCS#8 PEM, the only form netty's `SslContextBuilder.forServer(cert, key, null)` reads) instead of netty's
 * self-signed one. The broker registers with the enforcing name server over TLS as a client: `tls.enable=true`
 * (5.3.3's default under enforcing anyway) with `tls.client.authServer=true` and `tls.client.trustCertPath` = our
 * CA, so that registration really verifies the name server's certificate. `tls.config.file` points into the run
 * folder so a stray `/etc/rocketmq/tls.properties` on the machine cannot change anything.
 *
 * Checked over real sockets: both servers present our CA-signed certificate; our Admin creates the topic, our Producer
 * sends keyed messages, and our Admin (query by key) and PullConsumer read them back, all with `tls: { ca }`; a
 * client trusting another CA (or only the system CAs) gets a ConnectionError naming the certificate problem, as the
 * mock-TLS tests assert; a plain-TCP client is cut off by the enforcing servers with ConnectionClosedError at once
 * (no hang until its timeout).
 */
import { createPrivateKey } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Admin } from '../../src/admin/index.js';
import { PullConsumer, type MessageExt } from '../../src/consumer/index.js';
import {
  ConnectionClosedError, ConnectionError, NoNameServerError, RocketMQError, SendFailedError,
} from '../../src/errors.js';
import { Producer } from '../../src/producer/index.js';
import { RemotingConnection } from '../../src/remoting/connection.js';
import { makeTestPki, type TestPki } from '../integration/tls-pki.js';
import { eventually } from './eventually.js';
import {
  ROCKETMQ_5, cleanupAll, createRunDir, missingJavaTools, startBroker, startNamesrv, stopJvm, type ClusterNode,
} from './harness.js';
import { sendRequest } from './real-requests.js';

const V = ROCKETMQ_5;
const NS_PORT = 34_876;
const BROKER_PORT = 34_911;
const BROKER = 'broker-tls';
const TOPIC = 'TlsRealTopic';
const KEYS = ['tls-real-0', 'tls-real-1', 'tls-real-2', 'tls-real-3', 'tls-real-4'];
const missing = missingJavaTools();

/** The `-D` flags that switch a 5.3.3 JVM to enforcing TLS with our certificate (see the file comment). */
function tlsJvmArgs(dir: string): string[] {
  return [
    '-Dtls.server.mode=enforcing',
    '-Dtls.test.mode.enable=false',
    `-Dtls.config.file=${path.join(dir, 'tls.properties.absent')}`,
    `-Dtls.server.certPath=${path.join(dir, 'server.pem')}`,
    `-Dtls.server.keyPath=${path.join(dir, 'server.pkcs8.pem')}`,
    '-Dtls.server.need.client.auth=none',
    '-Dtls.enable=true',
    '-Dtls.client.authServer=true',
    `-Dtls.client.trustCertPath=${path.join(dir, 'ca.pem')}`,
  ];
}

/** Writes the PKI where the JVMs read it; the key is re-exported as PKCS#8 whatever form openssl produced. */
function writePki(dir: string, pki: TestPki): void {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'ca.pem'), pki.ca);
  fs.writeFileSync(path.join(dir, 'server.pem'), pki.cert);
  const pkcs8 = createPrivateKey(pki.key).export({ type: 'pkcs8', format: 'pem' });
  fs.writeFileSync(path.join(dir, 'server.pkcs8.pem'), pkcs8, { mode: 0o600 });
}

/** The first error of class `cls` in an error's cause chain or in a SendFailedError's attempts. */
function findCause<T extends Error>(err: unknown, cls: new (...args: never[]) => T, depth = 0): T | undefined {
  if (!(err instanceof Error) || depth > 10) return undefined;
  if (err instanceof cls) return err;
  if (err instanceof SendFailedError) {
    for (const a of err.attempts) {
      const hit = findCause(a.error, cls, depth + 1);
      if (hit) return hit;
    }
  }
  return findCause((err as Error & { cause?: unknown }).cause, cls, depth + 1);
}

/** Settles a promise into its value or its rejection, with the elapsed time. */
async function outcome<T>(p: () => Promise<T>): Promise<{ value?: T; error?: unknown; ms: number }> {
  const started = Date.now();
  try {
    return { value: await p(), ms: Date.now() - started };
  } catch (error) {
    return { error, ms: Date.now() - started };
  }
}

describe.skipIf(missing.length > 0)(`TLS (enforcing) against real RocketMQ ${V}`, () => {
  let pki: TestPki;
  let namesrv: ClusterNode | undefined;
  let broker: ClusterNode | undefined;
  const nsAddr = `127.0.0.1:${NS_PORT}`;
  const brokerAddr = `127.0.0.1:${BROKER_PORT}`;
  const closers: Array<{ shutdown(): Promise<void> }> = [];
  const track = <T extends { shutdown(): Promise<void> }>(c: T): T => {
    closers.push(c);
    return c;
  };

  beforeAll(async () => {
    const runDir = createRunDir('tls');
    const pkiDir = path.join(runDir, 'pki');
    pki = makeTestPki();
    writePki(pkiDir, pki);
    const extraJvmArgs = tlsJvmArgs(pkiDir);
    namesrv = await startNamesrv(V, { port: NS_PORT, runDir, extraJvmArgs });
    // autoCreateSubscriptionGroup: the PullConsumer's group must exist, and mqadmin (plain TCP) cannot reach this broker.
    broker = await startBroker(
      V,
      { brokerName: BROKER, listenPort: BROKER_PORT, namesrvAddr: nsAddr, brokerId: 0, autoCreateSubscriptionGroup: true },
      { runDir, extraJvmArgs },
    );
    // The enforcing name server drops plain connections, so a registration seen here went over TLS.
    const admin = track(new Admin({ namesrvAddr: nsAddr, tls: { ca: pki.ca }, timeoutMs: 5000 }));
    await admin.start();
    await eventually(
      () => admin.clusterInfo(),
      (o) => o.groups.some((g) => g.brokerName === BROKER && g.replicas.some((r) => r.brokerId === 0)),
      60_000,
    );
    const created = await admin.createTopic({ topic: TOPIC, queues: 2, brokerAddr });
    console.log(`TLS ${V}: namesrv boot ${namesrv.bootMs} ms, broker boot ${broker.bootMs} ms; createTopic ${JSON.stringify(created)}`);
  });

  afterAll(async () => {
    await Promise.all(closers.map((c) => c.shutdown().catch(() => undefined)));
    if (broker) await stopJvm(broker.proc);
    if (namesrv) await stopJvm(namesrv.proc);
    await cleanupAll();
  });

  it('both servers present our CA-signed certificate, not netty\'s self-signed test one', async () => {
    for (const port of [NS_PORT, BROKER_PORT]) {
      const conn = await RemotingConnection.connect({ host: '127.0.0.1', port, tls: { ca: pki.ca } });
      try {
        const socket = conn.socket as TLSSocket;
        expect(socket.constructor.name).toBe('TLSSocket');
        expect(socket.authorized).toBe(true);
        const peer = socket.getPeerCertificate();
        expect([peer.subject.CN, peer.issuer.CN]).toEqual(['127.0.0.1', 'rocketmq-ts test CA']);
        console.log(`TLS ${V} port ${port}: ${socket.getProtocol()} ${socket.getCipher().name}`);
      } finally {
        await conn.close();
      }
    }
  });

  it('Producer sends keyed messages over TLS; Admin query by key and PullConsumer read them back', async () => {
    const producer = track(new Producer({ producerGroup: 'tls_real_pg', namesrvAddr: nsAddr, tls: { ca: pki.ca }, sendMsgTimeout: 8000 }));
    await producer.start();
    const sent = new Map<string, string>();
    for (const key of KEYS) {
      const r = await producer.send({ topic: TOPIC, keys: key, body: `over tls ${key}` });
      expect([r.status, r.brokerAddr]).toEqual(['SEND_OK', brokerAddr]);
      sent.set(r.msgId, key);
    }

    const admin = track(new Admin({ namesrvAddr: nsAddr, tls: { ca: pki.ca } }));
    await admin.start();
    for (const key of KEYS) {
      // The broker's key index is built asynchronously after the store acknowledges.
      const found = await eventually(() => admin.queryMessageByKey(TOPIC, key), (ms) => ms.length === 1);
      expect([found[0]!.keys, found[0]!.body.toString()]).toEqual([[key], `over tls ${key}`]);
      expect(sent.get(found[0]!.msgId)).toBe(key);
    }

    const consumer = track(new PullConsumer({
      consumerGroup: 'tls_real_cg', namesrvAddr: nsAddr, tls: { ca: pki.ca }, consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
    }));
    consumer.subscribe(TOPIC, '*');
    await consumer.start();
    const got = new Map<string, MessageExt>();
    const deadline = Date.now() + 30_000;
    while (got.size < sent.size && Date.now() < deadline) {
      for (const m of await consumer.poll(1000)) got.set(m.msgId, m);
    }
    expect([...got.keys()].sort()).toEqual([...sent.keys()].sort());
    for (const [id, m] of got) expect(m.body.toString()).toBe(`over tls ${sent.get(id)}`);
  });

  it('trusting another CA, or only the system CAs: ConnectionError naming the certificate problem', async () => {
    for (const tls of [{ ca: pki.otherCa }, true] as const) {
      for (const port of [NS_PORT, BROKER_PORT]) {
        const r = await outcome(() => RemotingConnection.connect({ host: '127.0.0.1', port, tls, connectTimeoutMs: 5000 }));
        expect(r.error).toBeInstanceOf(ConnectionError);
        expect((r.error as ConnectionError).message).toMatch(/certificate|self.signed|issuer/i);
      }
    }
    const producer = track(new Producer({ producerGroup: 'tls_real_wrong_ca', namesrvAddr: nsAddr, tls: { ca: pki.otherCa }, sendMsgTimeout: 5000 }));
    await producer.start();
    const sent = await outcome(() => producer.send({ topic: TOPIC, body: 'must not arrive' }));
    expect(sent.error).toBeInstanceOf(RocketMQError);
    expect(findCause(sent.error, ConnectionError)?.message).toMatch(/certificate|self.signed|issuer/i);
    const admin = track(new Admin({ namesrvAddr: nsAddr, tls: { ca: pki.otherCa }, connectTimeoutMs: 5000 }));
    await admin.start();
    const route = await outcome(() => admin.topicRoute(TOPIC));
    expect(route.error).toBeInstanceOf(NoNameServerError);
    expect((route.error as NoNameServerError).cause).toBeInstanceOf(ConnectionError);
  });

  it('a plain-TCP client is cut off by the enforcing servers with ConnectionClosedError, without waiting out its timeout', async () => {
    // Name server, broker, and the broker's fast ("VIP") port listenPort-2: every remoting server enforces TLS.
    for (const port of [NS_PORT, BROKER_PORT, BROKER_PORT - 2]) {
      const conn = await RemotingConnection.connect({ host: '127.0.0.1', port });
      try {
        const r = await outcome(() => conn.invoke(sendRequest(TOPIC, 'plain-1'), { timeoutMs: 20_000 }));
        console.log(`plain TCP to enforcing ${V} port ${port}: ${String(r.error)} after ${r.ms} ms`);
        expect(r.error).toBeInstanceOf(ConnectionClosedError);
        expect(r.ms).toBeLessThan(5000);
      } finally {
        await conn.close();
      }
    }
    const admin = track(new Admin({ namesrvAddr: nsAddr, timeoutMs: 20_000 }));
    await admin.start();
    const route = await outcome(() => admin.topicRoute(TOPIC));
    expect(route.error).toBeInstanceOf(NoNameServerError);
    expect(findCause(route.error, ConnectionClosedError)).toBeDefined();
    expect(route.ms).toBeLessThan(5000);
    const producer = track(new Producer({ producerGroup: 'tls_real_plain', namesrvAddr: nsAddr, sendMsgTimeout: 20_000 }));
    await producer.start();
    const sent = await outcome(() => producer.send({ topic: TOPIC, body: 'must not arrive' }));
    console.log(`plain Producer to enforcing ${V}: ${String(sent.error)} after ${sent.ms} ms`);
    expect(sent.error).toBeInstanceOf(RocketMQError);
    expect(findCause(sent.error, ConnectionClosedError)).toBeDefined();
    expect(sent.ms).toBeLessThan(10_000);
  });
});
