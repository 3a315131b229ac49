/**
 * OUR SDK against real Apache RocketMQ 5.3.3 (one cluster for the whole file: name server, master/slave group
 * `broker-ms`, 3-node DLedger group `broker-dl`): Admin createTopic / clusterInfo / topicRoute; Producer sync, async,
 * oneway, batch, ordered and delayed sends; query by key / unique key / view by offsetMsgId; our PushConsumer and
 * PullConsumer receiving what our Producer and the Java client sent (consume-cases.ts); golden frames captured
 * through the capture proxy (routes in both JSON forms, send, pull, query, and the error answers of a SLAVE, a
 * DLedger follower and a quorum timeout); then the seed scenario: upgrade the master/slave group to DLedger in place,
 * old keys still found, new sends stored, and a leader JVM killed mid-send with nothing acknowledged lost.
 */
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { Admin } from '../../src/admin/index.js';
import { BrokerResponseError, NoRouteError } from '../../src/errors.js';
import { decodeStoredMessages } from '../../src/message/stored.js';
import { decodeRouteInfoResponse } from '../../src/protocol/route-info.js';
import { decodePullMessageResponse } from '../../src/protocol/pull-message.js';
import { decodeQueryMessageResponse } from '../../src/protocol/query-message.js';
import { errorFromResponse } from '../../src/protocol/response-codes.js';
import { decodeSendMessageResponse } from '../../src/protocol/send-message.js';
import { Producer, type MessageQueue, type SendResult } from '../../src/producer/index.js';
import {
  CLUSTER_NAME, DL_BROKER, MS_BROKER, ROCKETMQ_5, cleanupAll, missingJavaTools, mqadmin, registeredRows, sleep,
  startCluster, upgradeMasterSlaveToDLedger, waitForRegistration, type InteropCluster,
} from './harness.js';
import { eventually } from './eventually.js';
import { Recorder } from './matrix.js';
import { captureFixture, pullRequest, queryRequest, routeRequest, sendRequest } from './real-requests.js';
import { expectReceivedAll, prepareConsumeTopic, pullReceive, pushReceive, sendFromBoth } from './consume-cases.js';
import path from 'node:path';
import fs from 'node:fs';

const TOPIC = 'topic_dw_test_by_order_01';
const V = ROCKETMQ_5;
const missing = missingJavaTools();

describe.skipIf(missing.length > 0)(`rocketmq-ts against real RocketMQ ${V}`, () => {
  const rec = new Recorder(V, 'sdk-real', 'sdk-5.test.ts');
  let cluster: InteropCluster;
  let admin: Admin;
  let producer: Producer;
  let capDir: string;
  const seed: SendResult[] = [];
  const keyOf = new Map<SendResult, string>();

  beforeAll(async () => {
    cluster = await startCluster({ version: V, masterSlave: true, dledger: true, basePort: 29_000 });
    console.log(`sdk-5 cluster timings (ms): ${JSON.stringify(cluster.timings)}`);
    capDir = path.join(cluster.runDir, 'captures');
    fs.mkdirSync(capDir, { recursive: true });
    admin = new Admin({ namesrvAddr: cluster.namesrvAddr });
    await admin.start();
    producer = new Producer({ producerGroup: 'producer_dw_test', namesrvAddr: cluster.namesrvAddr, sendMsgTimeout: 5000 });
  });

  afterAll(async () => {
    await producer?.shutdown().catch(() => undefined);
    await admin?.shutdown();
    await cluster?.stopAll();
    await cleanupAll();
    rec.flush();
  });

  const leaderOf = async (brokerName: string): Promise<string> => {
    const rows = await registeredRows(cluster.namesrvAddr, V);
    const r = rows.find((x) => x.brokerName === brokerName && x.brokerId === 0);
    if (!r) throw new NoRouteError(`${brokerName} has no leader registered`);
    return r.addr;
  };

  rec.it('Admin.clusterInfo shows the master/slave group (ids 0/1) and the DLedger group (leader + 2)', ['admin clusterInfo'], async () => {
    const info = await admin.clusterInfo({ runtime: true });
    const ms = info.groups.find((g) => g.brokerName === MS_BROKER)!;
    const dl = info.groups.find((g) => g.brokerName === DL_BROKER)!;
    expect(ms.clusterName).toBe(CLUSTER_NAME);
    expect(ms.replicas.map((r) => [r.brokerId, r.addr])).toEqual([[0, `127.0.0.1:${cluster.ports.master}`], [1, `127.0.0.1:${cluster.ports.slave}`]]);
    // 5.3.3's GET_BROKER_RUNTIME_INFO table has no brokerRole key, so only the version and offsets come back.
    expect(ms.replicas.map((r) => r.version)).toEqual(['479', '479']);
    expect(dl.replicas).toHaveLength(3);
    expect(dl.leaderAddr).toBe(dl.replicas[0].addr);
    expect(dl.replicas.every((r) => typeof r.maxPhyOffset === 'number')).toBe(true);
  });

  rec.it('Admin.createTopic writes the topic to both masters; topicRoute shows it', ['admin createTopic', 'admin topicRoute'], async () => {
    const out = await admin.createTopic({ topic: TOPIC, queues: 4, clusterName: CLUSTER_NAME });
    expect(out.map((o) => [o.brokerName, o.ok])).toEqual([[DL_BROKER, true], [MS_BROKER, true]]);
    const route = await admin.topicRoute(TOPIC);
    expect(route.queueDatas.map((q) => [q.brokerName, q.readQueueNums, q.writeQueueNums, q.perm]).sort()).toEqual([
      [DL_BROKER, 4, 4, 6], [MS_BROKER, 4, 4, 6],
    ]);
    expect(route.brokerDatas.find((b) => b.brokerName === MS_BROKER)?.brokerAddrs).toEqual({
      0: `127.0.0.1:${cluster.ports.master}`, 1: `127.0.0.1:${cluster.ports.slave}`,
    });
    // Consumer group for the pull capture (auto-creation is off, as in the seed's broker.conf).
    const g = await mqadmin(V, ['updateSubGroup', '-n', cluster.namesrvAddr, '-c', CLUSTER_NAME, '-g', 'interop_pull']);
    expect(g.stdout).toContain('success');
  });

  rec.it('Producer.send: the seed Producer\'s 20 keyed messages, SEND_OK on both groups', ['send sync'], async () => {
    await producer.start();
    for (let i = 600000; i < 600020; i++) {
      const r = await producer.send({ topic: TOPIC, body: `Hello RocketMQ${i}`, keys: `m${i}` });
      expect(r.status).toBe('SEND_OK');
      seed.push(r);
      keyOf.set(r, `m${i}`);
    }
    expect(new Set(seed.map((r) => r.messageQueue.brokerName))).toEqual(new Set([MS_BROKER, DL_BROKER]));
  });

  rec.it('Producer.sendAsync delivers 10 callbacks with SEND_OK', ['send async'], async () => {
    const results = await new Promise<SendResult[]>((resolve, reject) => {
      const got: SendResult[] = [];
      for (let i = 0; i < 10; i++) {
        void producer.sendAsync({ topic: TOPIC, body: `async ${i}`, keys: `a${i}` }, (err, r) => {
          if (err) reject(err);
          else got.push(r!);
          if (got.length === 10) resolve(got);
        });
      }
    });
    expect(results.every((r) => r.status === 'SEND_OK')).toBe(true);
    expect(new Set(results.map((r) => r.msgId)).size).toBe(10);
  });

  rec.it('Producer.sendOneway: the message is stored (found by key)', ['send oneway'], async () => {
    await producer.sendOneway({ topic: TOPIC, body: 'oneway 0', keys: 'o0' });
    const found = await eventually(() => admin.queryMessageByKey(TOPIC, 'o0'), (m) => m.length === 1);
    expect(found[0].body.toString()).toBe('oneway 0');
  });

  rec.it('Producer.send of a batch to each group: one queue, consecutive offsets, entry i of msgId stored at offset+i', ['send batch'], async () => {
    // Pinned to each group: the plain-CommitLog master appends the batch request's properties to every message, the
    // DLedger leader does not, so a batch UNIQ_KEY in the request would only show on broker-ms (see producer/batch.ts).
    for (const group of [MS_BROKER, DL_BROKER]) {
      const batch = Array.from({ length: 8 }, (_, i) => ({ topic: TOPIC, body: `batch ${i}`, keys: `b-${group}-${i}` }));
      const r = await producer.send(batch, { selector: (qs) => qs.find((q) => q.brokerName === group)! });
      expect(r).toMatchObject({ status: 'SEND_OK', messageQueue: { brokerName: group } });
      const ids = r.msgId.split(',');
      expect(new Set(ids).size).toBe(8);
      for (let i = 0; i < 8; i++) {
        const found = await eventually(() => admin.queryMessageByKey(TOPIC, `b-${group}-${i}`), (m) => m.length === 1);
        expect(found[0]).toMatchObject({ queueId: r.messageQueue.queueId, queueOffset: r.queueOffset + i });
        expect(found[0].msgId, `${group} entry ${i} of SendResult.msgId (attempts ${r.attempts}): ${r.msgId}`).toBe(ids[i]);
      }
      expect((await admin.queryMessageByUniqKey(TOPIC, ids[7])).body.toString()).toBe('batch 7');
    }
  });

  rec.it('ordered sends with a sharding key stay on one queue in order', ['send ordered'], async () => {
    const rs: SendResult[] = [];
    for (let i = 0; i < 6; i++) rs.push(await producer.send({ topic: TOPIC, body: `order ${i}`, keys: `ord${i}` }, { shardingKey: 'order-42' }));
    expect(new Set(rs.map((r) => `${r.messageQueue.brokerName}/${r.messageQueue.queueId}`)).size).toBe(1);
    expect(rs.map((r) => r.queueOffset - rs[0].queueOffset)).toEqual([0, 1, 2, 3, 4, 5]);
    const sel = await producer.send({ topic: TOPIC, body: 'selected', keys: 'sel' }, { selector: (qs) => qs.find((q) => q.brokerName === DL_BROKER && q.queueId === 3)!, arg: undefined });
    expect(sel.messageQueue).toMatchObject({ brokerName: DL_BROKER, queueId: 3 });
  });

  rec.it('delay level 1: stored under the topic about 1 s after it was born', ['send delay'], async () => {
    const r = await producer.send({ topic: TOPIC, body: 'delayed', keys: 'd1', delayTimeLevel: 1 });
    expect(r.status).toBe('SEND_OK');
    const found = await eventually(() => admin.queryMessageByKey(TOPIC, 'd1'), (m) => m.length === 1, 30_000);
    expect(found[0].topic).toBe(TOPIC);
    expect(found[0].storeTimestamp - found[0].bornTimestamp).toBeGreaterThanOrEqual(900);
    expect(found[0].properties.DELAY).toBe('1');
  });

  rec.it('queries by key, by unique key and views by offsetMsgId', ['query by key', 'query by unique key', 'view by offsetMsgId'], async () => {
    for (const r of [seed.find((s) => s.messageQueue.brokerName === MS_BROKER)!, seed.find((s) => s.messageQueue.brokerName === DL_BROKER)!]) {
      const key = keyOf.get(r)!;
      const byKey = await eventually(() => admin.queryMessageByKey(TOPIC, key), (m) => m.length === 1);
      expect(byKey[0]).toMatchObject({ topic: TOPIC, keys: [key], msgId: r.msgId, offsetMsgId: r.offsetMsgId, queueOffset: r.queueOffset });
      expect(byKey[0].body.toString()).toBe(`Hello RocketMQ${key.slice(1)}`);
      const byId = await admin.queryMessageByUniqKey(TOPIC, r.msgId);
      expect(byId.offsetMsgId).toBe(r.offsetMsgId);
      const view = await admin.viewMessage(r.offsetMsgId);
      expect(view).toMatchObject({ msgId: r.msgId, keys: [key], queueId: r.messageQueue.queueId });
    }
  });

  rec.it('our PushConsumer and PullConsumer receive everything sent by our Producer and by the Java client (both groups)', ['push consume', 'lite pull consume'], async () => {
    const topic = 'interop_consume_5';
    const groups = await prepareConsumeTopic(V, cluster.namesrvAddr, admin, topic, ['interop_push_5', 'interop_lite_5']);
    expect(groups.sort()).toEqual([DL_BROKER, MS_BROKER]);
    const sent = await sendFromBoth(V, cluster.namesrvAddr, producer, topic, 20);
    expect(new Set(sent.map((s) => s.brokerName))).toEqual(new Set([DL_BROKER, MS_BROKER]));
    const push = await pushReceive(cluster.namesrvAddr, 'interop_push_5', topic, sent, 60_000);
    const pull = await pullReceive(cluster.namesrvAddr, 'interop_lite_5', topic, sent, 60_000);
    const dup = (r: typeof push) => [...r.counts.values()].filter((n) => n > 1).length;
    console.log(`consume on ${V}: ${sent.length} sent; push got ${push.byId.size} in ${push.ms} ms (${dup(push)} redelivered), lite pull got ${pull.byId.size} in ${pull.ms} ms (${dup(pull)} redelivered)`);
    expectReceivedAll(push, sent, topic);
    expectReceivedAll(pull, sent, topic);
  });

  rec.it('captures routes (both JSON forms), send, pull and query frames', [], async () => {
    const ns = cluster.namesrvAddr;
    const legacy = await captureFixture({
      name: 'route-legacy-5.3.3', version: V, target: ns, server: 'name server', request: routeRequest(TOPIC, 400),
      what: `GET_ROUTEINFO_BY_TOPIC for \`${TOPIC}\` with request version 400 (< 401, no acceptStandardJsonOnly)`,
      notes: ['The body is the legacy fastjson form: `brokerAddrs` keys are bare integers (`{0:"…",1:"…"}`).'],
    }, capDir);
    expect(legacy.responseCmd.body!.toString()).toMatch(/"brokerAddrs":\{0:"/);
    const standard = await captureFixture({
      name: 'route-standard-5.3.3', version: V, target: ns, server: 'name server', request: routeRequest(TOPIC, 401),
      what: `GET_ROUTEINFO_BY_TOPIC for \`${TOPIC}\` with request version 401 (V4_9_4)`,
      notes: ['The body is standard JSON: `brokerAddrs` keys are quoted (`{"0":"…"}`).'],
    }, capDir);
    expect(standard.responseCmd.body!.toString()).toMatch(/"brokerAddrs":\{"0":"/);
    expect(decodeRouteInfoResponse(legacy.responseCmd)).toEqual(decodeRouteInfoResponse(standard.responseCmd));

    const master = `127.0.0.1:${cluster.ports.master}`;
    const send = await captureFixture({
      name: 'send-response-5.3.3', version: V, target: master, server: 'ASYNC_MASTER broker', request: sendRequest(TOPIC, 'cap0', 1),
      what: `SEND_MESSAGE_V2 of one message (key cap0) to \`${TOPIC}\` queue 1 of the master`,
    }, capDir);
    const sr = decodeSendMessageResponse(send.responseCmd);
    expect(sr).toMatchObject({ status: 'SEND_OK', queueId: 1 });
    const pull = await captureFixture({
      name: 'pull-response-5.3.3', version: V, target: master, server: 'ASYNC_MASTER broker', request: pullRequest(TOPIC, 'interop_pull', 1, 0, 4),
      what: `PULL_MESSAGE of up to 4 messages from \`${TOPIC}\` queue 1 at offset 0, subscription \`*\``,
      notes: ['The body is the stored records (CommitLog layout) of the messages found.'],
    }, capDir);
    const pr = decodePullMessageResponse(pull.responseCmd);
    expect(pr.status).toBe('FOUND');
    expect(decodeStoredMessages(pr.body).map((m) => m.queueOffset)).toEqual([0, 1, 2, 3].slice(0, decodeStoredMessages(pr.body).length));
    const query = await eventually(
      () => captureFixture({
        name: 'query-response-5.3.3', version: V, target: master, server: 'ASYNC_MASTER broker', request: queryRequest(TOPIC, 'cap0'),
        what: `QUERY_MESSAGE by key cap0 in \`${TOPIC}\`, maxNum 32, endTimestamp Long.MAX_VALUE`,
        notes: ['The body is the stored record of the message sent in real-send-response-5.3.3 (another capture run).'],
      }, capDir),
      (ex) => ex.responseCmd.code === 0,
    );
    const qr = decodeQueryMessageResponse(query.responseCmd);
    expect(decodeStoredMessages(qr.body).map((m) => m.offsetMsgId)).toEqual([sr.offsetMsgId]);
  });

  rec.it('captures the answer of a SLAVE and of a DLedger follower to a send (settles code 2 vs 14)', [], async () => {
    const slave = await captureFixture({
      name: 'send-to-slave-5.3.3', version: V, target: `127.0.0.1:${cluster.ports.slave}`, server: 'broker in SLAVE role (master/slave group, brokerId 1)',
      request: sendRequest(TOPIC, 'cap-slave', 0), what: 'SEND_MESSAGE_V2 of one message straight to the slave',
    }, capDir);
    const rows = await registeredRows(cluster.namesrvAddr, V);
    const follower = rows.find((r) => r.brokerName === DL_BROKER && r.brokerId !== 0)!;
    const fol = await captureFixture({
      name: 'send-to-dledger-follower-5.3.3', version: V, target: follower.addr, server: `DLedger follower (brokerId ${follower.brokerId})`,
      request: sendRequest(TOPIC, 'cap-follower', 0), what: 'SEND_MESSAGE_V2 of one message straight to a DLedger follower',
    }, capDir);
    console.log(`SLAVE send answer: ${slave.responseCmd.code} ${slave.responseCmd.remark}; follower: ${fol.responseCmd.code} ${fol.responseCmd.remark}`);
    for (const ex of [slave, fol]) {
      expect(ex.responseCmd.code).not.toBe(0);
      expect(errorFromResponse(ex.responseCmd)).toBeInstanceOf(BrokerResponseError);
    }
  });

  rec.it('upgrade: master/slave → DLedger in place; OUR Admin finds the old keys, OUR Producer sends', ['upgrade master/slave → DLedger'], async () => {
    const up = await upgradeMasterSlaveToDLedger(cluster, { copyMasterCommitLog: true, copyMasterConfig: true });
    console.log(`sdk-5 upgrade timings (ms): ${JSON.stringify(up.timings)}`);
    expect(up.rows.filter((r) => r.brokerId === 0)).toHaveLength(1);
    for (const r of seed.filter((s) => s.messageQueue.brokerName === MS_BROKER)) {
      const found = await eventually(() => admin.queryMessageByKey(TOPIC, keyOf.get(r)!), (m) => m.length === 1, 30_000);
      expect(found[0]).toMatchObject({ msgId: r.msgId, offsetMsgId: r.offsetMsgId });
    }
    const after = await eventually(
      () => producer.send({ topic: TOPIC, body: 'after upgrade', keys: 'u0' }, { selector: (qs) => qs.find((q) => q.brokerName === MS_BROKER)! }),
      (r) => r.status === 'SEND_OK',
      60_000,
    );
    expect(after.brokerAddr).toBe(up.rows.find((r) => r.brokerId === 0)!.addr);
  });

  rec.it('leader JVM killed mid-send: every acknowledged message found, sends resume after the election', ['DLedger leader kill: no acked loss, sends resume'], async () => {
    const oldLeader = await leaderOf(MS_BROKER);
    const victim = cluster.nodeByAddr(oldLeader)!;
    const acked: { key: string; r: SendResult }[] = [];
    let failures = 0;
    let killedAt = 0;
    let resumed = 0;
    const deadline = Date.now() + 120_000;
    let electedAfterMs = -1;
    const election = (async () => {
      while (!killedAt && Date.now() < deadline) await sleep(100);
      if (!killedAt) return;
      await waitForRegistration(cluster.namesrvAddr, MS_BROKER, { version: V, master: true, notMasterAddr: oldLeader, timeoutMs: 110_000 });
      electedAfterMs = Date.now() - killedAt;
    })().catch((err: unknown) => console.log(`no new leader registered: ${String(err)}`));
    for (let i = 0; Date.now() < deadline && resumed < 20; i++) {
      const key = `lk${i}`;
      // Every other send targets the upgraded group explicitly (round robin over its queues), so the scenario does
      // not depend on how often queue selection lands there; the rest use plain failover-aware selection.
      const pin = i % 2 === 0 ? { selector: (qs: readonly MessageQueue[]) => pick(qs.filter((q) => q.brokerName === MS_BROKER), i) } : {};
      try {
        const r = await producer.send({ topic: TOPIC, body: `kill ${i}`, keys: key }, pin);
        acked.push({ key, r });
        if (killedAt && r.messageQueue.brokerName === MS_BROKER && r.brokerAddr !== oldLeader) resumed++;
      } catch {
        failures++;
      }
      if (!killedAt && acked.filter((a) => a.r.messageQueue.brokerName === MS_BROKER).length >= 10) {
        await cluster.kill(victim.name);
        killedAt = Date.now();
      }
      await sleep(40);
    }
    await election;
    const afterKill = acked.filter((a) => a.r.messageQueue.brokerName === MS_BROKER).map((a) => a.r.brokerAddr);
    console.log(`leader kill (${victim.name} ${oldLeader}): ${acked.length} acked, ${failures} failed sends, new leader registered after ` +
      `${electedAfterMs} ms, ${resumed} sends on it; ${MS_BROKER} addrs acked: ${JSON.stringify([...new Set(afterKill)])}`);
    expect(resumed).toBe(20);
    const newLeader = await leaderOf(MS_BROKER);
    expect(newLeader).not.toBe(oldLeader);
    const lost: string[] = [];
    for (let i = 0; i < acked.length; i += 8) {
      await Promise.all(acked.slice(i, i + 8).map(async ({ key, r }) => {
        const m = await eventually(() => admin.queryMessageByKey(TOPIC, key), (x) => x.length > 0, 20_000).catch(() => []);
        if (!m.some((x) => x.msgId === r.msgId)) lost.push(key);
      }));
    }
    expect(lost).toEqual([]);
    // The seed's old keys survive the failover too (the legacy commitlog is read by the new leader).
    const old = seed.find((s) => s.messageQueue.brokerName === MS_BROKER)!;
    expect((await admin.queryMessageByKey(TOPIC, keyOf.get(old)!))[0]?.msgId).toBe(old.msgId);
  });

  rec.it('captures the quorum-timeout answer: 2 of 3 DLedger nodes killed, send to the leader', [], async () => {
    const leader = await leaderOf(DL_BROKER);
    const others = Object.values(cluster.procs).filter((n) => n.name.startsWith('dl-') && n.addr !== leader && n.proc.alive());
    expect(others).toHaveLength(2);
    await Promise.all(others.map((n) => cluster.kill(n.name)));
    const ex = await captureFixture({
      name: 'send-quorum-timeout-5.3.3', version: V, target: leader, server: 'DLedger leader whose two followers were just SIGKILLed',
      request: sendRequest(TOPIC, 'cap-quorum', 0), what: 'SEND_MESSAGE_V2 of one message to the leader right after killing both followers',
    }, capDir);
    console.log(`quorum timeout answer: ${ex.responseCmd.code} ${ex.responseCmd.remark} after ${ex.elapsedMs} ms`);
    expect(ex.responseCmd.code).not.toBe(0);
  });

});

/** The `i`-th element, round robin. */
function pick<T>(xs: readonly T[], i: number): T {
  return xs[Math.floor(i / 2) % xs.length];
}
