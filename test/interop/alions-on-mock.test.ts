/**
 * ali-ons@3.12.0 (a real third-party Node client) against our mock with the seed's topology (a master/slave group
 * and a 3-replica DLedger group), in a child process (test/interop-peers/ali-ons-roundtrip.cjs): keyed sends with
 * its Producer, then its push Consumer receives every one. Results go to the compatibility matrix.
 */
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { MockCluster } from '../../src/mock/index.js';
import { runPeer } from '../interop-peers/run-peer.js';
import { Recorder } from './matrix.js';

const TOPIC = 'topic_dw_test_by_order_01';
const COUNT = 40;

describe('ali-ons 3.12.0 against the mock (master/slave + DLedger groups)', () => {
  const rec = new Recorder('ali-ons 3.12.0', 'alions-mock', 'alions-on-mock.test.ts');
  let cluster: MockCluster;

  beforeAll(async () => {
    cluster = await MockCluster.start({
      clusterName: 'InteropCluster',
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
    rec.flush();
  });

  rec.it(`sends ${COUNT} keyed messages to both masters and consumes them all`, ['send sync', 'push consume'], async () => {
    const run = await runPeer(
      'ali-ons-roundtrip.cjs',
      { RMQ_NAMESRV: cluster.namesrvAddr, RMQ_TOPIC: TOPIC, RMQ_GROUP: 'alions_interop', RMQ_COUNT: String(COUNT), RMQ_TIMEOUT_MS: '60000' },
      70_000,
    );
    const fatal = run.events.find((e) => e.event === 'fatal');
    expect(fatal, `${JSON.stringify(fatal)}\n${run.stderr}`).toBeUndefined();
    expect(run.events.at(-1)).toEqual({ event: 'done', sent: COUNT, received: COUNT });
    const sent = run.events.filter((e) => e.event === 'sent');
    expect(new Set(sent.map((e) => e.brokerName))).toEqual(new Set(['broker-ms', 'broker-dl']));
    const ids = new Map(sent.map((e) => [e.key, e.msgId]));
    for (const r of run.events.filter((e) => e.event === 'received')) expect(r.msgId).toBe(ids.get(r.key));
  });
});
