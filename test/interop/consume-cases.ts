/**
 * Issue 7's interop acceptance, shared by sdk-5 and sdk-4: OUR consumers receive what a real broker holds, sent by
 * our Producer and by the Java client. A fresh topic (created with our Admin on every master of the cluster) holds
 * only what this case sends, so "received" must equal "sent" exactly, compared by UNIQ_KEY (msgId), key and body.
 * The brokers run with autoCreateSubscriptionGroup=false, so each consumer group is created with `mqadmin
 * updateSubGroup` first — a real broker answers SUBSCRIPTION_GROUP_NOT_EXIST to the pulls of an unknown group.
 * @module
 */
import { expect } from 'vitest';
import type { Admin } from '../../src/admin/index.js';
import { PullConsumer, PushConsumer, type MessageExt } from '../../src/consumer/index.js';
import type { Producer } from '../../src/producer/index.js';
import { CLUSTER_NAME, mqadmin, runJava, sleep } from './harness.js';

/** One message the broker acknowledged. */
export interface SentMessage {
  /** UNIQ_KEY. */
  msgId: string;
  /** KEYS. */
  key: string;
  /** Body text. */
  body: string;
  /** Which client sent it. */
  from: 'rocketmq-ts' | 'java';
  /** Broker group that stored it. */
  brokerName: string;
}

/** What a consumer saw, keyed by msgId (a redelivery shows up as a count above 1). */
export interface Received {
  /** msgId → the message (first delivery). */
  byId: Map<string, MessageExt>;
  /** msgId → deliveries. */
  counts: Map<string, number>;
  /** Wall time to the last expected message, in ms. */
  ms: number;
}

/**
 * Creates `topic` (4 queues) on every master of the cluster with our Admin and each consumer group with mqadmin.
 * @returns the broker groups holding the topic
 */
export async function prepareConsumeTopic(version: string, namesrvAddr: string, admin: Admin, topic: string, groups: readonly string[]): Promise<string[]> {
  const out = await admin.createTopic({ topic, queues: 4, clusterName: CLUSTER_NAME });
  expect(out.every((o) => o.ok)).toBe(true);
  const made = await Promise.all(groups.map((g) => mqadmin(version, ['updateSubGroup', '-n', namesrvAddr, '-c', CLUSTER_NAME, '-g', g])));
  for (const m of made) expect(m.stdout).toContain('success');
  return out.map((o) => o.brokerName);
}

/**
 * Sends `n` keyed messages with our Producer (keys `t<i>`) and `n` with the Java client (keys `j<i>`, its own
 * producer group), all to `topic`.
 */
export async function sendFromBoth(version: string, namesrvAddr: string, producer: Producer, topic: string, n: number): Promise<SentMessage[]> {
  const sent: SentMessage[] = [];
  for (let i = 0; i < n; i++) {
    const body = `ts ${i}`;
    const r = await producer.send({ topic, body, keys: `t${i}` });
    expect(r.status).toBe('SEND_OK');
    sent.push({ msgId: r.msgId, key: `t${i}`, body, from: 'rocketmq-ts', brokerName: r.messageQueue.brokerName });
  }
  const j = await runJava(version, ['produce', namesrvAddr, topic, 'java_consume_producer', String(n), 'j', '0']);
  expect(j.code, j.stdout + j.stderr).toBe(0);
  const js = j.json.filter((x) => x.type === 'send');
  expect(js).toHaveLength(n);
  for (const x of js) {
    expect(x.status).toBe('SEND_OK');
    sent.push({ msgId: String(x.msgId), key: String(x.key), body: `Hello RocketMQ${String(x.key).slice(1)}`, from: 'java', brokerName: String(x.brokerName) });
  }
  return sent;
}

/** Checks that `got` holds exactly `sent` (ids, keys, bodies, topic), each at least once. */
export function expectReceivedAll(got: Received, sent: readonly SentMessage[], topic: string): void {
  const missing = sent.filter((s) => !got.byId.has(s.msgId)).map((s) => `${s.from}:${s.key}`);
  expect(missing, 'sent but not received').toEqual([]);
  const extra = [...got.byId.keys()].filter((id) => !sent.some((s) => s.msgId === id));
  expect(extra, 'received but never sent').toEqual([]);
  for (const s of sent) {
    const m = got.byId.get(s.msgId)!;
    expect({ key: m.keys[0], body: m.body.toString(), topic: m.topic }).toEqual({ key: s.key, body: s.body, topic });
  }
}

function collector(): Received & { add(m: MessageExt): void } {
  const byId = new Map<string, MessageExt>();
  const counts = new Map<string, number>();
  return {
    byId,
    counts,
    ms: 0,
    add(m) {
      if (!byId.has(m.msgId)) byId.set(m.msgId, m);
      counts.set(m.msgId, (counts.get(m.msgId) ?? 0) + 1);
    },
  };
}

/** Runs a clustering PushConsumer from the first offset until every expected id arrived (or `timeoutMs`). */
export async function pushReceive(namesrvAddr: string, group: string, topic: string, expected: readonly SentMessage[], timeoutMs: number): Promise<Received> {
  const got = collector();
  const want = new Set(expected.map((s) => s.msgId));
  const c = new PushConsumer({ namesrvAddr, consumerGroup: group, messageModel: 'CLUSTERING', consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET' });
  c.subscribe(topic, '*');
  c.registerMessageListener(async (msgs: MessageExt[]) => {
    for (const m of msgs) got.add(m);
    return 'CONSUME_SUCCESS';
  });
  const started = Date.now();
  await c.start();
  try {
    while (Date.now() - started < timeoutMs && ![...want].every((id) => got.byId.has(id))) await sleep(100);
    got.ms = Date.now() - started;
  } finally {
    await c.shutdown();
  }
  return got;
}

/** Runs a subscribing PullConsumer (lite pull) from the first offset, polling until every expected id arrived. */
export async function pullReceive(namesrvAddr: string, group: string, topic: string, expected: readonly SentMessage[], timeoutMs: number): Promise<Received> {
  const got = collector();
  const want = new Set(expected.map((s) => s.msgId));
  const c = new PullConsumer({ namesrvAddr, consumerGroup: group, consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET' });
  c.subscribe(topic, '*');
  const started = Date.now();
  await c.start();
  try {
    while (Date.now() - started < timeoutMs && ![...want].every((id) => got.byId.has(id))) {
      for (const m of await c.poll(1000)) got.add(m);
    }
    got.ms = Date.now() - started;
  } finally {
    await c.shutdown();
  }
  return got;
}
