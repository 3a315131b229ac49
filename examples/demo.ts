/**
 * `npm run demo`: the whole upgrade-and-failover story against an embedded mock cluster, in well under a minute.
 *
 * 1. a master/slave group takes 100 keyed messages (m600000 … m600099); m600000 is found by key;
 * 2. the group is upgraded to a 3-replica DLedger group; m600000 is still found;
 * 3. 100 more messages are sent while the DLedger leader is killed: the election and the resumed sends are shown
 *    as they happen;
 * 4. every acknowledged message is looked up by key, and a summary table is printed.
 *
 * Exit code 0 only when no acknowledged message is missing.
 */
import { Admin } from '../src/admin/index.js';
import { MockCluster } from '../src/mock/index.js';
import { Producer } from '../src/producer/index.js';
import { keyOf, summaryTable, Timeline } from './support.js';

const TIME_SCALE = 0.1;
const TOPIC = 'topic_dw_test_by_order_01';
const BROKER = 'broker-a';
const KILL_AT = 30;

const started = Date.now();
console.log(`rocketmq-ts demo — embedded mock cluster, timeScale ${TIME_SCALE} (every broker/DLedger period × ${TIME_SCALE})\n`);
const cluster = await MockCluster.start({ groups: [{ brokerName: BROKER, mode: 'master-slave' }], timeScale: TIME_SCALE });
const timeline = new Timeline();
const admin = new Admin({ namesrvAddr: cluster.namesrvAddr });
const producer = new Producer({ namesrvAddr: cluster.namesrvAddr, producerGroup: 'producer_dw_test', sendMsgTimeout: 5000 });
let exitCode = 1;
try {
  await cluster.waitForLeader(BROKER);
  await cluster.createTopic(TOPIC, { queues: 4 });
  timeline.mark(`cluster up: namesrv ${cluster.namesrvAddr}, ${BROKER} master ${cluster.leaderOf(BROKER)?.addr} + slave`);
  await admin.start();
  await producer.start();

  const acked: string[] = [];
  let sent = 0;
  let failed = 0;
  const send = async (i: number): Promise<string | undefined> => {
    sent++;
    try {
      const r = await producer.send({ topic: TOPIC, tags: 'TagA', keys: keyOf(i), body: `Hello RocketMQ${i}` });
      acked.push(keyOf(i));
      return r.brokerAddr;
    } catch (err) {
      failed++;
      timeline.mark(`send ${keyOf(i)} FAILED: ${(err as Error).message}`);
      return undefined;
    }
  };

  // 1. master/slave
  for (let i = 0; i < 100; i++) await send(i);
  timeline.mark(`phase 1: sent ${keyOf(0)} … ${keyOf(99)} to the master/slave group (${acked.length} acknowledged)`);
  const q1 = await admin.queryMessageByKey(TOPIC, keyOf(0));
  timeline.mark(`query ${keyOf(0)}: ${q1.length} found → "${q1[0]?.body.toString()}" stored on ${q1[0]?.storeHost}`);

  // 2. upgrade
  timeline.mark(`phase 2: upgrading ${BROKER} to a 3-replica DLedger group (master's commitlog copied to every replica)`);
  await cluster.upgradeToDLedger(BROKER, { replicas: 3 });
  const first = await cluster.waitForLeader(BROKER);
  timeline.mark(`upgraded: DLedger leader ${first.id} (${first.addr})`);
  const q2 = await admin.queryMessageByKey(TOPIC, keyOf(0));
  timeline.mark(`query ${keyOf(0)} after the upgrade: ${q2.length} found → "${q2[0]?.body.toString()}"`);

  // 3. failover under load
  timeline.mark(`phase 3: sending ${keyOf(100)} … ${keyOf(199)}, killing the leader after ${KILL_AT}`);
  let killedAt: number | undefined;
  let electedAt: number | undefined;
  let resumedAt: number | undefined;
  cluster.on('leaderChange', (e) => {
    if (killedAt !== undefined && electedAt === undefined) electedAt = timeline.mark(`election: ${e.id} is the new leader (${e.addr})`);
  });
  producer.on('leaderChange', (e) => {
    if (killedAt !== undefined) timeline.mark(`producer sees ${e.brokerName} leader ${e.from ?? 'none'} → ${e.to ?? 'none (election in progress)'}`);
  });
  for (let i = 100; i < 200; i++) {
    if (i === 100 + KILL_AT) {
      const id = await cluster.killLeader(BROKER);
      killedAt = timeline.mark(`kill: leader ${id} is down`);
    }
    const addr = await send(i);
    if (addr && killedAt !== undefined && resumedAt === undefined) resumedAt = timeline.mark(`sends resumed: ${keyOf(i)} acknowledged by ${addr}`);
  }
  timeline.mark(`phase 3 done: ${sent} sent, ${acked.length} acknowledged, ${failed} failed`);

  // 4. every acknowledged message, by key
  let found = 0;
  const missing: string[] = [];
  for (const key of acked) {
    if ((await admin.queryMessageByKey(TOPIC, key)).some((m) => m.keys.includes(key))) found++;
    else missing.push(key);
  }
  timeline.mark(`check: ${found}/${acked.length} acknowledged messages found by key`);
  if (missing.length > 0) console.log(`missing: ${missing.join(' ')}`);

  const ms = (a?: number, b?: number): string => (a !== undefined && b !== undefined ? `${b - a} ms` : '-');
  console.log(
    `\n${summaryTable([
      ['sent', sent],
      ['acknowledged', acked.length],
      ['failed', failed],
      ['acknowledged and found by key', found],
      ['acknowledged but missing', missing.length],
      ['kill → new leader elected', ms(killedAt, electedAt)],
      ['kill → sends resumed (failover time)', ms(killedAt, resumedAt)],
      ['time scale', TIME_SCALE],
      ['wall time', `${((Date.now() - started) / 1000).toFixed(1)} s`],
    ])}`,
  );
  const ok = missing.length === 0 && q1.length === 1 && q2.length === 1;
  console.log(ok ? '\nOK: nothing acknowledged was lost across the upgrade and the failover.' : '\nFAILED: acknowledged messages are missing.');
  exitCode = ok ? 0 : 1;
} finally {
  await producer.shutdown().catch(() => undefined);
  await admin.shutdown();
  await cluster.stop();
}
process.exitCode = exitCode;
