import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MockCluster } from '../../src/mock/index.js';
import { RemotingConnection } from '../../src/remoting/connection.js';
import { createRequest } from '../../src/remoting/command.js';
import { RequestCode } from '../../src/protocol/request-codes.js';
import { ResponseCode } from '../../src/protocol/response-codes.js';
import { decodeRouteInfoResponse, encodeRouteInfoRequest } from '../../src/protocol/route-info.js';
import { decodeSendMessageResponse, encodeSendMessageRequest } from '../../src/protocol/send-message.js';
import { decodePullMessageResponse, encodePullMessageRequest, PullSysFlag } from '../../src/protocol/pull-message.js';
import { decodeQueryMessageResponse, encodeQueryMessageRequest } from '../../src/protocol/query-message.js';
import { encodeProperties } from '../../src/message/properties.js';
import { decodeStoredMessages } from '../../src/message/stored.js';

const connect = (addr: string): Promise<RemotingConnection> => {
  const i = addr.lastIndexOf(':');
  return RemotingConnection.connect({ host: addr.slice(0, i), port: Number(addr.slice(i + 1)) });
};

describe('mock cluster, single broker over TCP', () => {
  let cluster: MockCluster;
  const conns: RemotingConnection[] = [];
  beforeAll(async () => {
    cluster = await MockCluster.start({ groups: [{ brokerName: 'broker-a', mode: 'single' }], timeScale: 0.05 });
    await cluster.createTopic('T', { queues: 2 });
  });
  afterAll(async () => {
    await Promise.all(conns.map((c) => c.close()));
    await cluster.stop();
  });

  it('routes, sends, pulls, queries; long poll is woken by a send', async () => {
    const ns = await connect(cluster.namesrvAddr);
    conns.push(ns);
    const route = decodeRouteInfoResponse(await ns.invoke(encodeRouteInfoRequest({ topic: 'T' }), { timeoutMs: 3000 }));
    expect(route.queueDatas[0]).toMatchObject({ brokerName: 'broker-a', readQueueNums: 2, writeQueueNums: 2 });
    const addr = route.brokerDatas[0].brokerAddrs['0'];
    expect(addr).toBe(cluster.leaderOf('broker-a')?.addr);
    const missing = await ns.invoke(encodeRouteInfoRequest({ topic: 'nope' }), { timeoutMs: 3000 });
    expect(missing.code).toBe(ResponseCode.TOPIC_NOT_EXIST);

    const broker = await connect(addr);
    conns.push(broker);
    const send = (key: string) =>
      broker.invoke(
        encodeSendMessageRequest(
          { producerGroup: 'P', topic: 'T', defaultTopic: 'TBW102', defaultTopicQueueNums: 4, queueId: 1, sysFlag: 0, bornTimestamp: Date.now(), flag: 0, properties: encodeProperties({ KEYS: key, TAGS: 'a' }) },
          Buffer.from(`body-${key}`),
        ),
        { timeoutMs: 3000 },
      );
    const r0 = decodeSendMessageResponse(await send('k0'));
    expect(r0).toMatchObject({ status: 'SEND_OK', queueId: 1, queueOffset: 0 });

    const pull = (offset: number, suspend: number) =>
      broker.invoke(
        encodePullMessageRequest({ consumerGroup: 'G', topic: 'T', queueId: 1, queueOffset: offset, maxMsgNums: 32, sysFlag: PullSysFlag.SUBSCRIPTION | PullSysFlag.SUSPEND, commitOffset: 0, suspendTimeoutMillis: suspend, subscription: '*', subVersion: 1 }),
        { timeoutMs: 10000 },
      );
    const p0 = decodePullMessageResponse(await pull(0, 1000));
    expect(p0.status).toBe('FOUND');
    expect(decodeStoredMessages(p0.body).map((m) => m.body.toString())).toEqual(['body-k0']);

    const t0 = Date.now();
    const held = pull(1, 5000);
    await new Promise((r) => setTimeout(r, 100));
    await send('k1');
    const p1 = decodePullMessageResponse(await held);
    expect(p1.status).toBe('FOUND');
    expect(Date.now() - t0).toBeLessThan(2000);

    const q = decodeQueryMessageResponse(await broker.invoke(encodeQueryMessageRequest({ topic: 'T', key: 'k1', maxNum: 32, beginTimestamp: 0, endTimestamp: Date.now() + 1000 }), { timeoutMs: 3000 }));
    expect(q.found).toBe(true);
    expect(decodeStoredMessages(q.body)[0].keys).toEqual(['k1']);

    const nt = await broker.invoke(createRequest(RequestCode.SEND_MESSAGE_V2, { a: 'P', b: 'U', c: 'TBW102', d: 4, e: 0, f: 0, g: 1, h: 0 }, Buffer.from('x')), { timeoutMs: 3000 });
    expect(nt.code).toBe(ResponseCode.TOPIC_NOT_EXIST);
    expect(nt.remark).toMatch(/^topic\[U\] not exist, apply first please!/);
  });
});
