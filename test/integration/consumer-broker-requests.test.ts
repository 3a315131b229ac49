/**
 * Broker-initiated requests a push consumer answers, sent by the mock broker over the consumer's own connection:
 * GET_CONSUMER_RUNNING_INFO (307), CONSUME_MESSAGE_DIRECTLY (309), RESET_CONSUMER_CLIENT_OFFSET (220).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MockCluster } from '../../src/mock/index.js';
import { PushConsumer, type MessageExt } from '../../src/consumer/index.js';
import type { Producer } from '../../src/producer/index.js';
import type { RemotingConnection } from '../../src/remoting/connection.js';
import { decodeConsumerRunningInfoResponse, encodeConsumerRunningInfoRequest } from '../../src/protocol/consumer-running-info.js';
import { decodeConsumeMessageDirectlyResponse, encodeConsumeMessageDirectlyRequest } from '../../src/protocol/consume-message-directly.js';
import { encodeResetOffsetRequest } from '../../src/protocol/reset-offset.js';
import { encodeStoredMessage } from '../../src/message/stored.js';
import { sendMany, startProducer, waitFor } from './consumer-helpers.js';

describe('broker → consumer requests 307, 309, 220', () => {
  let cluster: MockCluster;
  let producer: Producer;
  let consumer: PushConsumer;
  const got: string[] = [];

  beforeAll(async () => {
    cluster = await MockCluster.start({ groups: [{ brokerName: 'broker-a', mode: 'single' }], timeScale: 0.05 });
    await cluster.createTopic('BR', { queues: 1 });
    producer = await startProducer(cluster.namesrvAddr);
    consumer = new PushConsumer({ namesrvAddr: cluster.namesrvAddr, consumerGroup: 'GBR', consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET', suspendTimeoutMillis: 200 });
    consumer.subscribe('BR', 'TagA');
    consumer.registerMessageListener((msgs: MessageExt[]) => {
      const b = msgs[0].body.toString();
      got.push(b);
      return b === 'later' ? 'RECONSUME_LATER' : undefined;
    });
    await consumer.start();
  });
  afterAll(async () => {
    await consumer?.shutdown();
    await producer?.shutdown();
    await cluster?.stop();
  });

  const channel = (): RemotingConnection => {
    const info = cluster.broker('broker-a', 'n0').clients.consumers.get('GBR');
    const entry = info?.clients.get(consumer.clientId);
    if (!entry) throw new Error('consumer not registered');
    return entry.channel as RemotingConnection;
  };

  it('answers running info with its subscriptions and settings', async () => {
    const res = await channel().invoke(encodeConsumerRunningInfoRequest({ consumerGroup: 'GBR', clientId: consumer.clientId }), { timeoutMs: 3000 });
    const info = decodeConsumerRunningInfoResponse(res);
    expect(info.properties.consumerGroup).toBe('GBR');
    expect(info.properties.messageModel).toBe('CLUSTERING');
    expect(info.subscriptionSet.map((s) => s.topic).sort()).toEqual(['%RETRY%GBR', 'BR']);
    expect(info.subscriptionSet.find((s) => s.topic === 'BR')?.tagsSet).toEqual(['TagA']);
  });

  it('consumes a message directly and reports the outcome', async () => {
    const rec = (body: string) =>
      encodeStoredMessage({
        topic: 'BR',
        queueId: 0,
        queueOffset: 0,
        commitLogOffset: 0,
        body: Buffer.from(body),
        flag: 0,
        sysFlag: 0,
        bornTimestamp: Date.now(),
        bornHost: '127.0.0.1:1',
        storeTimestamp: Date.now(),
        storeHost: '127.0.0.1:2',
        reconsumeTimes: 0,
        preparedTransactionOffset: 0,
        properties: { TAGS: 'TagA' },
      } as Parameters<typeof encodeStoredMessage>[0]);
    const ok = decodeConsumeMessageDirectlyResponse(
      await channel().invoke(encodeConsumeMessageDirectlyRequest({ consumerGroup: 'GBR', brokerName: 'broker-a' }, rec('direct')), { timeoutMs: 3000 }),
    );
    expect(ok.consumeResult).toBe('CR_SUCCESS');
    expect(got).toContain('direct');
    const later = decodeConsumeMessageDirectlyResponse(
      await channel().invoke(encodeConsumeMessageDirectlyRequest({ consumerGroup: 'GBR' }, rec('later')), { timeoutMs: 3000 }),
    );
    expect(later.consumeResult).toBe('CR_LATER');
  });

  it('resets its offset and re-consumes from there', async () => {
    const sent = await sendMany(producer, 'BR', 10, 'r', { tags: () => 'TagA' });
    await waitFor(() => sent.every((b) => got.includes(b)), 10_000, 'first pass');
    const before = got.length;
    const res = await channel().invoke(
      encodeResetOffsetRequest({ topic: 'BR', group: 'GBR', timestamp: 0, isForce: true }, [{ mq: { topic: 'BR', brokerName: 'broker-a', queueId: 0 }, offset: 5 }]),
      { timeoutMs: 5000 },
    );
    expect(res.code).toBe(0);
    await waitFor(() => got.length >= before + 5, 10_000, 'replay from offset 5');
    expect(got.slice(before, before + 5)).toEqual(['r5', 'r6', 'r7', 'r8', 'r9']);
  });
});
