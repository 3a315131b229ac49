/**
 * The public clients' top-level ACL options (`accessKey`, `secretKey`) against `MockCluster.start({ acl })`:
 * Producer, PushConsumer, PullConsumer and Admin sign every broker request; a wrong secret or a denied topic is a
 * non-retriable NO_PERMISSION after one attempt; bad key combinations fail construction with ValidationError. Also
 * the broker's message limits (`maxMessageSize`, properties length) answered MESSAGE_ILLEGAL (13).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Admin } from '../../src/admin/index.js';
import { PullConsumer, PushConsumer, type MessageExt } from '../../src/consumer/index.js';
import { BrokerResponseError, SendFailedError, ValidationError } from '../../src/errors.js';
import { MockCluster, type MockAclConfig } from '../../src/mock/index.js';
import { Producer, type ProducerOptions } from '../../src/producer/index.js';
import { decodeSendMessageResponse } from '../../src/protocol/send-message.js';
import { RemotingConnection } from '../../src/remoting/connection.js';
import { waitFor } from './consumer-helpers.js';
import { sendReq } from './mock-helpers.js';

const ACL: MockAclConfig = {
  accounts: [
    { accessKey: 'appAK0001', secretKey: 'appSK0001', topicPerms: ['AclTopic=PUB|SUB'], defaultTopicPerm: 'DENY', defaultGroupPerm: 'SUB' },
    { accessKey: 'ops000001', secretKey: 'opsSK0001', admin: true },
  ],
};
const APP = { accessKey: 'appAK0001', secretKey: 'appSK0001' };
const OPS = { accessKey: 'ops000001', secretKey: 'opsSK0001' };
const MAX = 64 * 1024;

let cluster: MockCluster;
const closers: Array<() => Promise<unknown>> = [];

beforeAll(async () => {
  cluster = await MockCluster.start({ groups: [{ brokerName: 'acl-c', mode: 'single' }], acl: ACL, maxMessageSize: MAX });
  await cluster.createTopic('AclTopic', { queues: 2 });
  await cluster.createTopic('DeniedTopic', { queues: 2 });
});

afterAll(async () => {
  for (const c of closers.reverse()) await c().catch(() => undefined);
  await cluster?.stop();
});

async function producer(group: string, extra: Partial<ProducerOptions>): Promise<Producer> {
  const p = new Producer({ producerGroup: group, namesrvAddr: cluster.namesrvAddr, sendMsgTimeout: 3000, ...extra });
  closers.push(() => p.shutdown());
  await p.start();
  return p;
}

/** One failed send: exactly one attempt, a non-retriable NO_PERMISSION carrying `remark`. */
async function expectDenied(p: Producer, topic: string, remark: string): Promise<void> {
  const err = await p.send({ topic, body: 'nope' }).then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(SendFailedError);
  const attempts = (err as SendFailedError).attempts;
  expect(attempts).toHaveLength(1);
  const e = attempts[0]!.error as BrokerResponseError;
  expect(e).toBeInstanceOf(BrokerResponseError);
  expect([e.responseCode, e.responseName, e.retriable, e.context.remark]).toEqual([16, 'NO_PERMISSION', false, remark]);
}

describe('client ACL options against MockCluster({ acl })', () => {
  it('Producer: signed sends pass; a wrong secret and a denied topic fail once, not retried', async () => {
    const good = await producer('acl_pg_good', APP);
    const r = await good.send({ topic: 'AclTopic', keys: 'k1', body: 'signed' });
    expect([r.status, r.attempts]).toEqual(['SEND_OK', 1]);
    await expectDenied(good, 'DeniedTopic', 'No default permission for topic:DeniedTopic');
    const bad = await producer('acl_pg_bad', { ...APP, secretKey: 'not-the-secret' });
    await expectDenied(bad, 'AclTopic', 'Check signature failed for accessKey=appAK0001');
    const anonymous = await producer('acl_pg_anon', {});
    await expectDenied(anonymous, 'AclTopic', 'No accessKey is configured');
  });

  it('PushConsumer with the keys consumes; with a wrong secret its heartbeat and pulls are refused', async () => {
    const p = await producer('acl_pg_push', APP);
    const got: MessageExt[] = [];
    const consumer = new PushConsumer({ consumerGroup: 'acl_push_group', namesrvAddr: cluster.namesrvAddr, consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET', ...APP });
    closers.push(() => consumer.shutdown());
    consumer.subscribe('AclTopic', '*');
    consumer.registerMessageListener((msgs) => void got.push(...msgs));
    await consumer.start();
    await p.send({ topic: 'AclTopic', keys: 'push-1', body: 'to the consumer' });
    await waitFor(() => got.some((m) => m.keys.includes('push-1')), 15_000, 'signed consumer gets the message');
    expect(cluster.broker('acl-c', 'n0').clients.consumers.has('acl_push_group')).toBe(true);

    const wrong = new PushConsumer({ consumerGroup: 'acl_push_wrong', namesrvAddr: cluster.namesrvAddr, ...APP, secretKey: 'bad' });
    closers.push(() => wrong.shutdown());
    const wrongGot: MessageExt[] = [];
    wrong.subscribe('AclTopic', '*');
    wrong.registerMessageListener((msgs) => void wrongGot.push(...msgs));
    await wrong.start();
    await new Promise((r) => setTimeout(r, 500));
    // The broker refused its heartbeat, so it never joined the group, and nothing was delivered.
    expect(cluster.broker('acl-c', 'n0').clients.consumers.has('acl_push_wrong')).toBe(false);
    expect(wrongGot).toEqual([]);
  });

  it('PullConsumer: a signed offset query works; a wrong secret is a non-retriable NO_PERMISSION', async () => {
    const good = new PullConsumer({ consumerGroup: 'acl_pull_group', namesrvAddr: cluster.namesrvAddr, ...APP });
    const bad = new PullConsumer({ consumerGroup: 'acl_pull_group', namesrvAddr: cluster.namesrvAddr, ...APP, secretKey: 'bad' });
    closers.push(() => good.shutdown(), () => bad.shutdown());
    good.assign([{ topic: 'AclTopic', brokerName: 'acl-c', queueId: 0 }]);
    bad.assign([{ topic: 'AclTopic', brokerName: 'acl-c', queueId: 0 }]);
    await good.start();
    await bad.start();
    const mq = { topic: 'AclTopic', brokerName: 'acl-c', queueId: 0 };
    expect(typeof (await good.committed(mq))).toBe('number');
    const err = await bad.committed(mq).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(BrokerResponseError);
    expect([(err as BrokerResponseError).responseCode, (err as BrokerResponseError).retriable]).toEqual([16, false]);
  });

  it('Admin: the admin account creates topics; a non-admin or a wrong secret is refused', async () => {
    const ops = new Admin({ namesrvAddr: cluster.namesrvAddr, ...OPS });
    const app = new Admin({ namesrvAddr: cluster.namesrvAddr, ...APP });
    const wrong = new Admin({ namesrvAddr: cluster.namesrvAddr, ...OPS, secretKey: 'bad' });
    closers.push(() => ops.shutdown(), () => app.shutdown(), () => wrong.shutdown());
    await Promise.all([ops.start(), app.start(), wrong.start()]);
    const brokerAddr = cluster.broker('acl-c', 'n0').addr;
    expect((await ops.createTopic({ topic: 'OpsTopic', queues: 1, brokerAddr }))[0]).toMatchObject({ ok: true });
    for (const [client, remark] of [
      [app, 'Need admin permission for request code=17, but accessKey=appAK0001 is not'],
      [wrong, 'Check signature failed for accessKey=ops000001'],
    ] as const) {
      const res = await client.createTopic({ topic: 'NotYours', queues: 1, brokerAddr }).then((o) => o, (e: unknown) => e);
      expect(res).toBeInstanceOf(BrokerResponseError);
      expect([(res as BrokerResponseError).responseCode, (res as BrokerResponseError).retriable, (res as BrokerResponseError).context.remark]).toEqual([16, false, remark]);
    }
  });

  it('accessKey without secretKey (and the like) is a ValidationError at construction, for every client', () => {
    const ns = { namesrvAddr: '127.0.0.1:1' };
    const bad = [{ accessKey: 'a' }, { secretKey: 's' }, { securityToken: 't' }, { accessKey: '', secretKey: 's' }, { tls: 'yes' }];
    for (const opts of bad) {
      const o = opts as Record<string, unknown>;
      expect(() => new Producer({ producerGroup: 'g', ...ns, ...o })).toThrow(ValidationError);
      expect(() => new PushConsumer({ consumerGroup: 'g', ...ns, ...o })).toThrow(ValidationError);
      expect(() => new PullConsumer({ consumerGroup: 'g', ...ns, ...o })).toThrow(ValidationError);
      expect(() => new Admin({ ...ns, ...o })).toThrow(ValidationError);
    }
    expect(() => new Producer({ producerGroup: 'g', ...ns, accessKey: 'a', secretKey: 's', securityToken: 't', tls: true })).not.toThrow();
  });
});

describe('broker message limits (maxMessageSize)', () => {
  it('a body over maxMessageSize and properties over 32767 bytes get MESSAGE_ILLEGAL (13) with the 5.x remark', async () => {
    const conn = await RemotingConnection.connect({ host: '127.0.0.1', port: cluster.broker('acl-c', 'n0').port });
    const remark = `the message is illegal, maybe msg body or properties length not matched. msg body length limit ${MAX}B, msg properties length limit 32KB.`;
    try {
      // Signed by the producer account, so the limits (not ACL) decide.
      const sign = (await import('../../src/client/acl.js')).signRequest;
      const big = await conn.invoke(sign(sendReq('AclTopic', 'x'.repeat(MAX + 1)), APP), { timeoutMs: 3000 });
      expect([big.code, big.remark]).toEqual([13, remark]);
      const props = await conn.invoke(sign(sendReq('AclTopic', 'x', { big: 'p'.repeat(33_000) }), APP), { timeoutMs: 3000 });
      expect([props.code, props.remark]).toEqual([13, remark]);
      const ok = decodeSendMessageResponse(await conn.invoke(sign(sendReq('AclTopic', 'x'.repeat(MAX)), APP), { timeoutMs: 3000 }));
      expect(ok.status).toBe('SEND_OK');
    } finally {
      await conn.close();
    }
  });

  it('the Producer surfaces MESSAGE_ILLEGAL as a non-retriable error (client limit raised above the broker one)', async () => {
    const p = await producer('acl_pg_limits', { ...APP, maxMessageSize: 4 * MAX, compressMsgBodyOverHowmuch: 8 * MAX });
    const err = await p.send({ topic: 'AclTopic', body: Buffer.alloc(MAX + 1, 7) }).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(SendFailedError);
    const e = (err as SendFailedError).attempts[0]!.error as BrokerResponseError;
    expect([(err as SendFailedError).attempts.length, e.responseCode, e.retriable]).toEqual([1, 13, false]);
  });
});
