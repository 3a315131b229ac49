/**
 * The real Java client against our mock: the official DefaultMQProducer (mirroring the seed article's Producer),
 * DefaultMQPushConsumer and queryMessage by key, run as child JVMs (java/InteropClient.java) against a MockCluster
 * in this process, with the seed's topology: a master/slave group and a 3-replica DLedger group in one cluster.
 * 5.3.3's client talks to a mock giving 5.x answers, 4.9.7's client to a mock giving 4.9 answers.
 * Any difference is a fidelity bug of the mock.
 */
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { MockCluster } from '../../src/mock/index.js';
import { ROCKETMQ_4, ROCKETMQ_5, cleanupAll, missingJavaTools, runJava } from './harness.js';
import { Recorder } from './matrix.js';

const TOPIC = 'topic_dw_test_by_order_01';
const missing = missingJavaTools();

for (const [version, brokerVersion] of [[ROCKETMQ_5, '5'], [ROCKETMQ_4, '4.9']] as const) {
  describe.skipIf(missing.length > 0)(`Java client ${version} against the mock (${brokerVersion} answers)`, () => {
    const rec = new Recorder(version, 'java-mock', 'java-on-mock.test.ts');
    let cluster: MockCluster;
    const sent: Record<string, unknown>[] = [];

    beforeAll(async () => {
      cluster = await MockCluster.start({
        clusterName: 'InteropCluster',
        brokerVersion,
        groups: [
          { brokerName: 'broker-ms', mode: 'master-slave' },
          { brokerName: 'broker-dl', mode: 'dledger', replicas: 3 },
        ],
      });
      await cluster.waitForLeader('broker-dl');
      await cluster.createTopic(TOPIC, { queues: 4 });
    });

    afterAll(async () => {
      await cluster?.stop();
      await cleanupAll();
      rec.flush();
    });

    rec.it('sends 40 keyed messages with DefaultMQProducer (seed Producer) to both groups', ['send sync'], async () => {
      const r = await runJava(version, ['produce', cluster.namesrvAddr, TOPIC, 'producer_dw_test', '40', 'm']);
      const sends = r.json.filter((j) => j.type === 'send');
      expect(r.code, r.stdout.slice(-3000)).toBe(0);
      expect(sends.map((s) => s.key)).toEqual(Array.from({ length: 40 }, (_, i) => `m${600000 + i}`));
      expect(sends.every((s) => s.status === 'SEND_OK')).toBe(true);
      expect(new Set(sends.map((s) => s.brokerName))).toEqual(new Set(['broker-ms', 'broker-dl']));
      // msgId is the client's UNIQ_KEY (32 hex, 56 when the client's own address is IPv6), offsetMsgId the broker's
      // store host (127.0.0.1) + commit-log offset.
      for (const s of sends) {
        expect(s.msgId).toMatch(/^[0-9A-F]{32}([0-9A-F]{24})?$/);
        expect(s.offsetMsgId).toMatch(/^[0-9A-F]{32}$/);
      }
      // Per queue, offsets are consecutive from 0.
      const byQueue = new Map<string, number[]>();
      for (const s of sends) {
        const q = `${String(s.brokerName)}/${String(s.queueId)}`;
        byQueue.set(q, [...(byQueue.get(q) ?? []), Number(s.queueOffset)]);
      }
      for (const offsets of byQueue.values()) expect(offsets).toEqual(offsets.map((_, i) => i));
      sent.push(...sends);
    });

    rec.it('finds messages of both groups by key with queryMessage', ['query by key'], async () => {
      for (const brokerName of ['broker-ms', 'broker-dl']) {
        const s = sent.find((x) => x.brokerName === brokerName);
        expect(s, `a message went to ${brokerName}`).toBeDefined();
        const q = await runJava(version, ['query', cluster.namesrvAddr, TOPIC, String(s!.key), '20000']);
        expect(q.code, q.stdout.slice(-3000)).toBe(0);
        const found = q.json.filter((j) => j.type === 'found');
        expect(found).toHaveLength(1);
        expect(found[0]).toMatchObject({ key: s!.key, topic: TOPIC, msgId: s!.msgId, queueId: s!.queueId, queueOffset: s!.queueOffset });
        expect(found[0].body).toBe(`Hello RocketMQ${String(s!.key).slice(1)}`);
      }
    });

    rec.it('consumes every message with DefaultMQPushConsumer from the first offset', ['push consume'], async () => {
      const r = await runJava(version, ['consume', cluster.namesrvAddr, TOPIC, 'interop_consumer', '40', '60000']);
      expect(r.code, r.stdout.slice(-3000)).toBe(0);
      const msgs = r.json.filter((j) => j.type === 'message');
      expect(new Set(msgs.map((m) => m.key))).toEqual(new Set(sent.map((s) => s.key)));
      const byKey = new Map(sent.map((s) => [s.key, s]));
      for (const m of msgs) {
        const s = byKey.get(m.key)!;
        expect(m).toMatchObject({ msgId: s.msgId, brokerName: s.brokerName, queueId: s.queueId, queueOffset: s.queueOffset });
        expect(m.body).toBe(`Hello RocketMQ${String(m.key).slice(1)}`);
      }
    });
  });
}
