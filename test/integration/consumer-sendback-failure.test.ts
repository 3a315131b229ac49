import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MockCluster } from '../../src/mock/index.js';
import { PushConsumer, type MessageExt } from '../../src/consumer/index.js';
import type { Producer } from '../../src/producer/index.js';
import { ConnectionClosedError } from '../../src/errors.js';
import { RemotingConnection } from '../../src/remoting/connection.js';
import { RequestCode } from '../../src/protocol/request-codes.js';
import { decodeQueryConsumerOffsetResponse, encodeQueryConsumerOffsetRequest } from '../../src/protocol/consumer-offset.js';
import type { RemotingCommand } from '../../src/remoting/command.js';
import { startProducer, waitFor } from './consumer-helpers.js';

/** Real connections whose CONSUMER_SEND_MSG_BACK (and, when `blockResend`, sends to %RETRY%) fail as a dead link would. */
function faultyTransport(state: { blockSendBack: boolean; blockResend: boolean }) {
  return {
    connect: async (addr: string) => {
      const i = addr.lastIndexOf(':');
      const conn = await RemotingConnection.connect({ host: addr.slice(0, i), port: Number(addr.slice(i + 1)), addr });
      const invoke = conn.invoke.bind(conn);
      conn.invoke = (cmd: RemotingCommand, o) => {
        const toRetry = cmd.code === RequestCode.SEND_MESSAGE_V2 && (cmd.extFields?.b ?? '').startsWith('%RETRY%');
        if ((state.blockSendBack && cmd.code === RequestCode.CONSUMER_SEND_MSG_BACK) || (state.blockResend && toRetry)) {
          return Promise.reject(new ConnectionClosedError(`injected failure of request ${cmd.code}`));
        }
        return invoke(cmd, o);
      };
      return conn;
    },
  };
}

describe('a failing send-back never loses the message', () => {
  let cluster: MockCluster;
  let producer: Producer;
  let consumer: PushConsumer;
  let probe: RemotingConnection;

  beforeAll(async () => {
    cluster = await MockCluster.start({ groups: [{ brokerName: 'broker-a', mode: 'single' }], timeScale: 0.02 });
    await cluster.createTopic('ST', { queues: 1 });
    producer = await startProducer(cluster.namesrvAddr);
    const addr = (await cluster.waitForLeader('broker-a')).addr;
    const i = addr.lastIndexOf(':');
    probe = await RemotingConnection.connect({ host: addr.slice(0, i), port: Number(addr.slice(i + 1)) });
  });
  afterAll(async () => {
    await consumer?.shutdown();
    await probe?.close();
    await producer?.shutdown();
    await cluster?.stop();
  });

  const committed = async (): Promise<number> =>
    decodeQueryConsumerOffsetResponse(
      await probe.invoke(encodeQueryConsumerOffsetRequest({ consumerGroup: 'GS', topic: 'ST', queueId: 0 }), { timeoutMs: 3000 }),
    );

  it('falls back to a re-send to %RETRY%; when that fails too, keeps the message, holds the offset, retries locally', async () => {
    const faults = { blockSendBack: true, blockResend: true };
    const seen: { body: string; times: number; topic: string; queueTopic: string }[] = [];
    let failFirst = true;
    consumer = new PushConsumer({
      namesrvAddr: cluster.namesrvAddr,
      consumerGroup: 'GS',
      consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
      suspendTimeoutMillis: 200,
      rebalanceInterval: 300,
      persistConsumerOffsetInterval: 50,
      localRetryDelayMillis: 100,
      transport: faultyTransport(faults),
    });
    consumer.subscribe('ST', '*');
    consumer.registerMessageListener((msgs: MessageExt[], ctx) => {
      const m = msgs[0];
      seen.push({ body: m.body.toString(), times: m.reconsumeTimes, topic: m.topic, queueTopic: ctx.messageQueue.topic });
      if (m.body.toString() === 'fragile' && failFirst) return 'RECONSUME_LATER';
      return undefined;
    });
    await consumer.start();
    await producer.send({ topic: 'ST', body: 'fragile' });
    for (let i = 0; i < 5; i++) await producer.send({ topic: 'ST', body: `after${i}` });

    // Phase 1: send-back and re-send both fail → local retries; the later messages are consumed, the offset stays at 0.
    await waitFor(() => seen.filter((s) => s.body === 'fragile').length >= 3, 5000, 'three local attempts');
    await waitFor(() => seen.filter((s) => s.body.startsWith('after')).length === 5, 5000, 'the later messages');
    await new Promise((r) => setTimeout(r, 200));
    expect(await committed()).toBe(0);
    const local = seen.filter((s) => s.body === 'fragile').map((s) => s.times);
    expect(local.slice(0, 3)).toEqual([0, 1, 2]);

    // Phase 2: the re-send path heals (send-back still failing) → handed to %RETRY%GS, offset moves past it.
    faults.blockResend = false;
    await waitFor(async () => (await committed()) === 6, 5000, 'offset past the handed-off message');
    failFirst = false;
    const fromRetry = await waitFor(() => seen.find((s) => s.body === 'fragile' && s.queueTopic === '%RETRY%GS'), 10_000, 'redelivery from the retry topic');
    // Shown under its original topic, with the reconsume count the re-send carried.
    expect(fromRetry.topic).toBe('ST');
    expect(fromRetry.times).toBeGreaterThanOrEqual(3);
    expect(seen.filter((s) => s.body.startsWith('after'))).toHaveLength(5);
    console.log(`fragile deliveries (reconsumeTimes): ${seen.filter((s) => s.body === 'fragile').map((s) => s.times).join(', ')}`);
  });
});
