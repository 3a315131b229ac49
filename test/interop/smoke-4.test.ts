/**
 * Light check that the harness also runs the 4.9.x line (logback files written into
 * ROCKETMQ_HOME/conf, JDK 17 opens for the reflective unmapper): name server + master/slave,
 * topic creation, Java producer and query by key. Runs under `npm run test:interop`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MS_BROKER, ROCKETMQ_4, cleanupAll, clusterList, liveProcesses, missingJavaTools, mqadmin, runJava, startCluster,
  type InteropCluster,
} from './harness.js';

const TOPIC = 'topic_dw_test_by_order_01';
const missing = missingJavaTools();
// The prerequisite failure under CI=true is reported once, by smoke.test.ts.

describe.skipIf(missing.length > 0)(`real RocketMQ ${ROCKETMQ_4}: master/slave smoke`, () => {
  let cluster: InteropCluster;

  beforeAll(async () => {
    // Another base port than the 5.x file, so a leftover from one never collides with the other (both below the
    // 32768+ ephemeral range, so outgoing sockets of other tests cannot hold them).
    cluster = await startCluster({ version: ROCKETMQ_4, masterSlave: true, dledger: false, basePort: 28_000 });
    console.log(`interop ${ROCKETMQ_4} timings (ms): ${JSON.stringify(cluster.timings)}`);
  });

  afterAll(async () => {
    await cluster?.stopAll();
    await cleanupAll();
  });

  it('registers master id 0 and slave id 1, creates a topic, sends 10 messages and finds one by key', async () => {
    const rows = (await clusterList(ROCKETMQ_4, cluster.namesrvAddr)).filter((r) => r.brokerName === MS_BROKER);
    expect(rows.map((r) => r.brokerId).sort()).toEqual([0, 1]);
    const t = await mqadmin(ROCKETMQ_4, ['updateTopic', '-n', cluster.namesrvAddr, '-c', cluster.clusterName, '-t', TOPIC, '-r', '4', '-w', '4']);
    expect(t.stdout).toContain(`create topic to 127.0.0.1:${cluster.ports.master} success`);
    const p = await runJava(ROCKETMQ_4, ['produce', cluster.namesrvAddr, TOPIC, 'producer_dw_test', '10', 'm']);
    expect(p.code, p.stdout).toBe(0);
    const sends = p.json.filter((j) => j.type === 'send');
    expect(sends).toHaveLength(10);
    expect(sends.every((s) => s.status === 'SEND_OK' && s.brokerName === MS_BROKER)).toBe(true);
    const q = await runJava(ROCKETMQ_4, ['query', cluster.namesrvAddr, TOPIC, 'm600003']);
    expect(q.code, q.stdout).toBe(0);
    expect(q.json.find((j) => j.type === 'found')).toMatchObject({ key: 'm600003', body: 'Hello RocketMQ600003' });
  });

  it('tears down every JVM it started', async () => {
    await cluster.stopAll();
    expect(liveProcesses()).toEqual([]);
  });
});
