/**
 * The master/slave → DLedger upgrade: 100 keyed messages go to a master/slave group, the group is stopped and
 * restarted as a 3-replica DLedger group on the same data (the official procedure: the master's commitlog is
 * copied to every replica), and the old key m600000 is still found — then new messages go to the elected leader.
 *
 *   npx tsx examples/upgrade.ts      # embedded mock only: the upgrade restarts brokers, which only the mock can do
 */
import { Admin } from '../src/admin/index.js';
import { Producer } from '../src/producer/index.js';
import { exampleEnv, formatSendResult, keyOf, PRODUCER_GROUP, Timeline, TOPIC } from './support.js';

if (process.env.NAMESRV_ADDR) {
  console.log('upgrade.ts restarts brokers, so it runs on the embedded mock only: unset NAMESRV_ADDR.');
  console.log('For a real cluster follow the RocketMQ DLedger upgrade guide, then run examples/query-by-key.ts.');
  process.exit(0);
}

const env = await exampleEnv({ topics: [TOPIC], groups: [{ brokerName: 'broker-a', mode: 'master-slave' }] });
const cluster = env.cluster!;
const timeline = new Timeline();
const admin = new Admin({ namesrvAddr: env.namesrvAddr });
await admin.start();
const producer = new Producer({ namesrvAddr: env.namesrvAddr, producerGroup: PRODUCER_GROUP });
await producer.start();

for (let i = 0; i < 100; i++) await producer.send({ topic: TOPIC, tags: 'TagA', keys: keyOf(i), body: `Hello RocketMQ${i}` });
timeline.mark(`sent 100 messages to the master/slave group (master ${cluster.leaderOf('broker-a')?.addr})`);
const before = await admin.queryMessageByKey(TOPIC, keyOf(0));
timeline.mark(`before: ${keyOf(0)} found ${before.length}× → "${before[0]?.body.toString()}"`);

timeline.mark('upgrading broker-a to a 3-replica DLedger group…');
await cluster.upgradeToDLedger('broker-a', { replicas: 3 });
const leader = await cluster.waitForLeader('broker-a');
timeline.mark(`upgraded: ${leader.id} leads (${leader.addr})`);

const after = await admin.queryMessageByKey(TOPIC, keyOf(0));
timeline.mark(`after: ${keyOf(0)} found ${after.length}× → "${after[0]?.body.toString()}" (legacy commitlog, re-indexed)`);
const r = await producer.send({ topic: TOPIC, tags: 'TagA', keys: 'm700000', body: 'Hello DLedger' });
timeline.mark(`new send: ${formatSendResult(r)}`);
const fresh = await admin.queryMessageByKey(TOPIC, 'm700000');
timeline.mark(`m700000 found ${fresh.length}×`);

await producer.shutdown();
await admin.shutdown();
await env.close();
const ok = before.length === 1 && after.length === 1 && after[0].body.toString() === 'Hello RocketMQ0' && fresh.length === 1;
console.log(ok ? 'OK: the old key survived the upgrade and new sends land on the DLedger leader' : 'FAILED');
process.exitCode = ok ? 0 : 1;
