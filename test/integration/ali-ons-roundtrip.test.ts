/**
 * ali-ons@3.12.0 (a real third-party RocketMQ client) against the mock: 100 keyed messages sent with its Producer
 * and consumed with its push Consumer in a child process, then the broker's committed consumer offsets are read
 * back over TCP with src/protocol. Two groups (a single master and a 3-replica DLedger group) so the route carries
 * followers with brokerId > 0 that ali-ons must ignore for sends.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MockCluster } from '../../src/mock/index.js';
import { decodeQueryConsumerOffsetResponse, encodeQueryConsumerOffsetRequest } from '../../src/protocol/consumer-offset.js';
import { decodeOffsetResponse, encodeGetMaxOffsetRequest } from '../../src/protocol/offsets.js';
import { RequestCode } from '../../src/protocol/request-codes.js';
import { runPeer } from '../interop-peers/run-peer.js';
import { Conns } from './mock-helpers.js';

const TOPIC = 'AliOnsTopic';
const GROUP = 'ali_ons_cg';
const COUNT = 100;
const QUEUES = 4;

describe('ali-ons@3.12.0 against the mock cluster', () => {
  let cluster: MockCluster;
  const conns = new Conns();
  beforeAll(async () => {
    // timeScale 1: ali-ons heartbeats on its own real 30 s clock, so a scaled client expiry would drop it.
    cluster = await MockCluster.start({
      groups: [
        { brokerName: 'broker-a', mode: 'single' },
        { brokerName: 'broker-b', mode: 'dledger', replicas: 3 },
      ],
    });
    await cluster.waitForLeader('broker-b');
    await cluster.createTopic(TOPIC, { queues: QUEUES });
  });
  afterAll(async () => {
    await conns.closeAll();
    await cluster?.stop();
  });

  it('sends 100 keyed messages, consumes them all, and commits the offsets', async () => {
    const run = await runPeer(
      'ali-ons-roundtrip.cjs',
      { RMQ_NAMESRV: cluster.namesrvAddr, RMQ_TOPIC: TOPIC, RMQ_GROUP: GROUP, RMQ_COUNT: String(COUNT), RMQ_TIMEOUT_MS: '40000' },
      45_000,
    );
    const fatal = run.events.find((e) => e.event === 'fatal');
    expect(fatal, `${JSON.stringify(fatal)}\n${run.stderr}`).toBeUndefined();
    expect(run.code).toBe(0);
    expect(run.events.at(-1)).toEqual({ event: 'done', sent: COUNT, received: COUNT });

    const keys = Array.from({ length: COUNT }, (_, i) => `k${String(i).padStart(4, '0')}`);
    const sent = run.events.filter((e) => e.event === 'sent');
    expect(sent.map((e) => e.key)).toEqual(keys);
    // ali-ons spreads sends round-robin over the writable queues of both groups' masters.
    expect(new Set(sent.map((e) => e.brokerName))).toEqual(new Set(['broker-a', 'broker-b']));

    const received = run.events.filter((e) => e.event === 'received');
    expect(new Set(received.map((e) => e.key))).toEqual(new Set(keys));
    for (const r of received) expect(r.body).toBe(`hello ali-ons ${Number(String(r.key).slice(1))}`);
    // The broker made the message ids (ali-ons sets no UNIQ_KEY); the consumer sees the same ids the producer got.
    const sentIds = new Map(sent.map((e) => [e.key, e.msgId]));
    for (const r of received) expect(r.msgId).toBe(sentIds.get(r.key));

    // Committed offsets: on every master, each queue's consumer offset equals its max offset, and they add to 100.
    let committed = 0;
    for (const brokerName of ['broker-a', 'broker-b']) {
      const addr = cluster.leaderOf(brokerName)?.addr;
      expect(addr).toBeDefined();
      for (let queueId = 0; queueId < QUEUES; queueId++) {
        const offset = decodeQueryConsumerOffsetResponse(
          await conns.call(addr!, encodeQueryConsumerOffsetRequest({ consumerGroup: GROUP, topic: TOPIC, queueId })),
        );
        const max = decodeOffsetResponse(await conns.call(addr!, encodeGetMaxOffsetRequest({ topic: TOPIC, queueId })), RequestCode.GET_MAX_OFFSET);
        expect(offset, `${brokerName} q${queueId}`).toBe(max);
        committed += offset;
      }
    }
    expect(committed).toBe(COUNT);
  });
});
