/**
 * Failover, as it happens: a producer streams keyed messages to a 3-replica DLedger group; mid-stream the leader is
 * killed. The timeline shows the kill, the election, the producer noticing the new leader and the first send that
 * lands after it — then every acknowledged message is looked up by key.
 *
 *   npx tsx examples/failover.ts                          # embedded mock: the example kills the leader itself
 *   NAMESRV_ADDR=127.0.0.1:9876 npx tsx examples/failover.ts   # real cluster: kill the leader yourself while it runs
 */
import { Admin } from '../src/admin/index.js';
import { Producer } from '../src/producer/index.js';
import { exampleEnv, sleep, summaryTable, Timeline } from './support.js';

const TOPIC = 'failover_demo_topic';
const TOTAL = Number(process.env.FAILOVER_MESSAGES ?? (process.env.NAMESRV_ADDR ? 600 : 60));
const KILL_AT = 20;

const env = await exampleEnv({ topics: [TOPIC] });
const cluster = env.cluster;
const timeline = new Timeline();
const producer = new Producer({ namesrvAddr: env.namesrvAddr, producerGroup: 'failover_demo_pg', sendMsgTimeout: 5000 });
producer.on('leaderChange', (e) => {
  timeline.mark(`producer: ${e.brokerName} leader ${e.from ?? 'none'} → ${e.to ?? 'none (election in progress)'}`);
});
producer.on('sendRetry', (e) => timeline.mark(`producer: retrying a send (${e.error?.message ?? 'failed attempt'})`));
cluster?.on('leaderChange', (e) => timeline.mark(`cluster: ${e.id} elected leader of ${e.brokerName} (${e.addr})`));
await producer.start();
if (!cluster) timeline.mark(`sending ${TOTAL} messages, one every 100 ms: kill the DLedger leader now to watch the failover`);

const acked: string[] = [];
let failed = 0;
let killedAt: number | undefined;
let resumedAt: number | undefined;
for (let i = 0; i < TOTAL; i++) {
  if (cluster && i === KILL_AT) {
    const leader = cluster.leaderOf('broker-a');
    const id = await cluster.killLeader('broker-a');
    killedAt = timeline.mark(`kill: leader ${id} (${leader?.addr}) of broker-a`);
  }
  const key = `fo-${i}`;
  try {
    const r = await producer.send({ topic: TOPIC, keys: key, body: `failover message ${i}` });
    acked.push(key);
    if (i === 0) timeline.mark(`first send ok → ${r.brokerAddr}`);
    if (killedAt !== undefined && resumedAt === undefined) {
      resumedAt = timeline.mark(`first send after the kill ok → ${r.brokerAddr} (message ${i}, ${r.attempts} attempt(s))`);
    }
  } catch (err) {
    failed++;
    timeline.mark(`send ${key} failed: ${(err as Error).message}`);
  }
  await sleep(cluster ? 10 : 100);
}
timeline.mark(`done sending: ${acked.length} acknowledged, ${failed} failed`);
await producer.shutdown();

const admin = new Admin({ namesrvAddr: env.namesrvAddr });
await admin.start();
let found = 0;
for (const key of acked) if ((await admin.queryMessageByKey(TOPIC, key)).length > 0) found++;
await admin.shutdown();
await env.close();

console.log(
  summaryTable([
    ['sent', TOTAL],
    ['acknowledged', acked.length],
    ['failed', failed],
    ['acknowledged and found by key', found],
    ['kill → first send after (ms)', killedAt !== undefined && resumedAt !== undefined ? resumedAt - killedAt : '-'],
  ]),
);
const ok = found === acked.length && (cluster === undefined || resumedAt !== undefined);
console.log(ok ? 'OK: every acknowledged message is there' : 'FAILED: acknowledged messages are missing or sends never resumed');
process.exitCode = ok ? 0 : 1;
