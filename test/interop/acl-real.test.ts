/**
 * OUR SDK against a real RocketMQ 5.3.3 broker with ACL on.
 *
 * 5.3.3 ships no `rocketmq-acl` module: `aclEnable=true` alone changes nothing. What it enforces on remoting is
 * ACL 2.0 (`rocketmq-auth`: `authenticationEnabled` / `authorizationEnabled`), which checks the very same ACL 1.0
 * request signature (`AccessKey` + `Signature` over the sorted extField values and the body). Accounts come from a
 * classic `$ROCKETMQ_HOME/conf/plain_acl.yml`, imported at boot by `migrateAuthFromV1Enabled=true` (AuthMigrator:
 * accessKey → user, secretKey → password, topicPerms → ACL policies); `initAuthenticationUser` adds a super user.
 *
 * One name server (no auth, like the default) and one broker, started with the harness's `startNamesrv` /
 * `startBroker` and a conf map. Checked: the super user creates topics through our Admin (signed admin code); our
 * Producer with the right keys sends; a wrong secret, an unknown key, a denied topic and a tampered frame all get
 * NO_PERMISSION-class answers that the Producer surfaces after ONE attempt as a non-retriable BrokerResponseError.
 * The wrong-secret answer is captured byte for byte (`RMQ_WRITE_FIXTURES=1` writes
 * `test/unit/protocol/fixtures/real-acl-denied-5.3.3.hex/.md`).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Admin } from '../../src/admin/index.js';
import { signRequest } from '../../src/client/acl.js';
import { BrokerResponseError, SendFailedError } from '../../src/errors.js';
import { Producer } from '../../src/producer/index.js';
import { RemotingConnection } from '../../src/remoting/connection.js';
import {
  ROCKETMQ_5, cleanupAll, createRunDir, missingJavaTools, startBroker, startNamesrv, stopJvm, waitForRegistration, writeRocketMQHome,
  type ClusterNode,
} from './harness.js';
import { captureExchange, saveFixture, writingFixtures, FIXTURE_DIR } from './real-capture.js';
import { sendRequest } from './real-requests.js';

const V = ROCKETMQ_5;
const NS_PORT = 33_876;
const BROKER_PORT = 33_911;
const BROKER = 'broker-acl';
const TOPIC = 'AclRealTopic';
const DENIED = 'AclDeniedTopic';
const SUPER = { accessKey: 'rocketmq2', secretKey: '12345678' };
const PRODUCER = { accessKey: 'RocketMQ', secretKey: '12345678' };
const missing = missingJavaTools();

/** Classic ACL 1.0 accounts; 5.3.3 imports them as users + policies (migrateAuthFromV1Enabled). */
const PLAIN_ACL_YML = `globalWhiteRemoteAddresses: []
accounts:
  - accessKey: ${PRODUCER.accessKey}
    secretKey: ${PRODUCER.secretKey}
    whiteRemoteAddress:
    admin: false
    defaultTopicPerm: DENY
    defaultGroupPerm: SUB
    topicPerms:
      - ${TOPIC}=PUB|SUB
      - ${DENIED}=DENY
    groupPerms:
      - acl_real_group=PUB|SUB
`;

/** ACL 2.0 switches of 5.3.3 (AuthConfig fields, read from broker.conf by BrokerStartup). */
const AUTH_CONF = {
  authenticationEnabled: true,
  authenticationProvider: 'org.apache.rocketmq.auth.authentication.provider.DefaultAuthenticationProvider',
  authenticationMetadataProvider: 'org.apache.rocketmq.auth.authentication.provider.LocalAuthenticationMetadataProvider',
  authorizationEnabled: true,
  authorizationProvider: 'org.apache.rocketmq.auth.authorization.provider.DefaultAuthorizationProvider',
  authorizationMetadataProvider: 'org.apache.rocketmq.auth.authorization.provider.LocalAuthorizationMetadataProvider',
  initAuthenticationUser: JSON.stringify({ username: SUPER.accessKey, password: SUPER.secretKey }),
  innerClientAuthenticationCredentials: JSON.stringify({ accessKey: SUPER.accessKey, secretKey: SUPER.secretKey }),
  migrateAuthFromV1Enabled: true,
};

/** The Producer's single failed attempt, asserted to be a non-retriable broker answer. */
async function deniedSend(producer: Producer, topic: string): Promise<BrokerResponseError> {
  await producer.start();
  const err = await producer.send({ topic, body: 'should be refused' }).then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(SendFailedError);
  const attempts = (err as SendFailedError).attempts;
  expect(attempts).toHaveLength(1);
  const denial = attempts[0]!.error;
  expect(denial).toBeInstanceOf(BrokerResponseError);
  expect((denial as BrokerResponseError).retriable).toBe(false);
  return denial as BrokerResponseError;
}

describe.skipIf(missing.length > 0)(`ACL against real RocketMQ ${V}`, () => {
  let runDir: string;
  let namesrv: ClusterNode | undefined;
  let broker: ClusterNode | undefined;
  const nsAddr = `127.0.0.1:${NS_PORT}`;
  const brokerAddr = `127.0.0.1:${BROKER_PORT}`;
  const producers: Producer[] = [];
  const producer = (group: string, keys: { accessKey: string; secretKey: string }): Producer => {
    const p = new Producer({ producerGroup: group, namesrvAddr: nsAddr, sendMsgTimeout: 8000, ...keys });
    producers.push(p);
    return p;
  };

  beforeAll(async () => {
    runDir = createRunDir('acl');
    // startBroker/startNamesrv use <runDir>/home as ROCKETMQ_HOME; plain_acl.yml must be there before boot.
    const home = writeRocketMQHome(path.join(runDir, 'home'));
    fs.writeFileSync(path.join(home, 'conf', 'plain_acl.yml'), PLAIN_ACL_YML);
    namesrv = await startNamesrv(V, { port: NS_PORT, runDir });
    broker = await startBroker(V, { brokerName: BROKER, listenPort: BROKER_PORT, namesrvAddr: nsAddr, brokerId: 0, ...AUTH_CONF }, { runDir });
    await waitForRegistration(nsAddr, BROKER, { master: true });
    const admin = new Admin({ namesrvAddr: nsAddr, ...SUPER });
    await admin.start();
    try {
      for (const topic of [TOPIC, DENIED]) await admin.createTopic({ topic, queues: 2, brokerAddr });
    } finally {
      await admin.shutdown();
    }
  });

  afterAll(async () => {
    await Promise.all(producers.map((p) => p.shutdown().catch(() => undefined)));
    if (broker) await stopJvm(broker.proc);
    if (namesrv) await stopJvm(namesrv.proc);
    await cleanupAll();
  });

  it('our Producer with the right keys sends (signed requests pass)', async () => {
    const p = producer('acl_real_group', PRODUCER);
    await p.start();
    const r = await p.send({ topic: TOPIC, keys: 'acl-real-1', body: 'signed, accepted' });
    expect([r.status, r.attempts, r.brokerAddr]).toEqual(['SEND_OK', 1, brokerAddr]);
  });

  it('an Admin without keys is refused creating a topic; an unsigned request gets the real answer', async () => {
    const admin = new Admin({ namesrvAddr: nsAddr });
    await admin.start();
    try {
      const outcomes = await admin.createTopic({ topic: 'AclNoKeyTopic', queues: 1, brokerAddr }).then((o) => o, (e: unknown) => e);
      console.log(`unsigned createTopic on ${V}: ${JSON.stringify(outcomes, (_k, v: unknown) => (v instanceof Error ? { name: v.name, message: v.message } : v))}`);
      const text = JSON.stringify(outcomes, (_k, v: unknown) => (v instanceof Error ? v.message : v));
      expect(text).toMatch(/16|NO_PERMISSION|authentic/i);
    } finally {
      await admin.shutdown();
    }
  });

  it('a wrong secret: one attempt, non-retriable NO_PERMISSION; the answer frame is captured', async () => {
    const denial = await deniedSend(producer('acl_real_wrong_secret', { ...PRODUCER, secretKey: 'wrong-secret' }), TOPIC);
    console.log(`wrong secret on ${V}: code ${denial.responseCode} ${denial.responseName} remark ${JSON.stringify(denial.context.remark)}`);
    expect([denial.responseCode, denial.responseName]).toEqual([16, 'NO_PERMISSION']);
    // The same refusal through the capture proxy, for the golden fixture.
    const dir = path.join(runDir, 'captures');
    fs.mkdirSync(dir, { recursive: true });
    const req = signRequest(sendRequest(TOPIC, 'acl-denied-1'), { ...PRODUCER, secretKey: 'wrong-secret' });
    const ex = await captureExchange(brokerAddr, req, path.join(dir, 'acl-denied.jsonl'));
    expect(ex.responseCmd.code).toBe(16);
    expect(ex.responseCmd.remark).toBe(denial.context.remark);
    if (writingFixtures() || !fs.existsSync(path.join(FIXTURE_DIR, `real-acl-denied-${V}.hex`))) {
      process.env.RMQ_WRITE_FIXTURES = '1';
      saveFixture(`acl-denied-${V}`, ex.response, fixtureMd(ex.responseCmd.remark ?? '', ex.elapsedMs));
      if (!writingFixtures()) delete process.env.RMQ_WRITE_FIXTURES;
    }
  });

  it('an unknown access key and a denied topic are refused the same way', async () => {
    const ghost = await deniedSend(producer('acl_real_ghost', { accessKey: 'ghostAK', secretKey: 'ghostSK' }), TOPIC);
    console.log(`unknown key on ${V}: code ${ghost.responseCode} remark ${JSON.stringify(ghost.context.remark)}`);
    expect(ghost.responseCode).toBe(16);
    const denied = await deniedSend(producer('acl_real_denied', PRODUCER), DENIED);
    console.log(`denied topic on ${V}: code ${denied.responseCode} remark ${JSON.stringify(denied.context.remark)}`);
    expect(denied.responseCode).toBe(16);
  });

  it('a correctly signed frame whose body is changed in flight is refused; the untouched one is stored', async () => {
    const conn = await RemotingConnection.connect({ host: '127.0.0.1', port: BROKER_PORT });
    try {
      const signed = signRequest(sendRequest(TOPIC, 'acl-tamper-1'), PRODUCER);
      const tampered = await conn.invoke({ ...signed, body: Buffer.from('tampered body') }, { timeoutMs: 8000 });
      console.log(`tampered frame on ${V}: code ${tampered.code} remark ${JSON.stringify(tampered.remark)}`);
      expect(tampered.code).toBe(16);
      const intact = await conn.invoke(signRequest(sendRequest(TOPIC, 'acl-tamper-2'), PRODUCER), { timeoutMs: 8000 });
      expect(intact.code).toBe(0);
    } finally {
      await conn.close();
    }
  });
});

function fixtureMd(remark: string, elapsedMs: number): string {
  return [
    `# real-acl-denied-${V}.hex`,
    '',
    `A response frame captured from a **real Apache RocketMQ ${V}** broker with ACL on (ACL 2.0: \`authenticationEnabled\`,`,
    '`authorizationEnabled`, accounts imported from a classic `plain_acl.yml` by `migrateAuthFromV1Enabled`), started',
    'from the Maven Central jars by `test/interop/acl-real.test.ts` on 127.0.0.1 (JDK 17), and recorded byte for byte by',
    '`test/interop/capture-proxy.ts` (`RMQ_WRITE_FIXTURES=1`).',
    '',
    'Request: SEND_MESSAGE_V2 (code 310) signed by `AccessKey=RocketMQ` with the WRONG secret key (Java',
    '`AclClientRPCHook` layout: `AccessKey` + `Signature` = Base64(HMAC-SHA1) over the sorted extField values and the body).',
    `Answer: code 16 (NO_PERMISSION), remark "${remark}", no body, answered after ${elapsedMs} ms.`,
    '',
    'The Java side: `AuthenticationPipeline` → `DefaultAuthenticationHandler` throws `AuthenticationException`, which the',
    'remoting layer answers as NO_PERMISSION with the exception message.',
    '',
    `Checked by \`test/unit/protocol/real-acl-fixture.test.ts\`. Captured ${new Date().toISOString().slice(0, 10)}.`,
  ].join('\n');
}
