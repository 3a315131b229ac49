import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MockCluster } from '../../src/mock/index.js';
import { createRequest } from '../../src/remoting/command.js';
import { RequestCode } from '../../src/protocol/request-codes.js';
import { ResponseCode } from '../../src/protocol/response-codes.js';
import { decodeSendMessageResponse } from '../../src/protocol/send-message.js';
import { decodePullMessageResponse } from '../../src/protocol/pull-message.js';
import { decodeRouteInfoResponse, encodeRouteInfoRequest } from '../../src/protocol/route-info.js';
import { decodeStoredMessages } from '../../src/message/stored.js';
import type { MessageExt } from '../../src/message/types.js';
import { Conns, pullReq, sendReq, until } from './mock-helpers.js';

describe('send-back: %RETRY% with delay levels, then the DLQ', () => {
  let cluster: MockCluster;
  const conns = new Conns();
  let addr = '';
  beforeAll(async () => {
    cluster = await MockCluster.start({ groups: [{ brokerName: 'broker-a', mode: 'single' }], timeScale: 0.02 });
    await cluster.createTopic('T', { queues: 1 });
    addr = (await cluster.waitForLeader('broker-a')).addr;
  });
  afterAll(async () => {
    await conns.closeAll();
    await cluster.stop();
  });

  const sendBack = (m: MessageExt, maxReconsumeTimes = 2) =>
    conns.call(
      addr,
      createRequest(RequestCode.CONSUMER_SEND_MSG_BACK, {
        offset: m.commitLogOffset,
        group: 'G',
        delayLevel: 0,
        originMsgId: m.msgId,
        originTopic: m.topic,
        unitMode: false,
        maxReconsumeTimes,
      }),
    );

  const pullOne = (topic: string, offset: number) =>
    until(
      async () => {
        const p = decodePullMessageResponse(await conns.call(addr, pullReq(topic, 0, offset, 0, 'G')));
        return p.status === 'FOUND' ? decodeStoredMessages(p.body)[0] : undefined;
      },
      10_000,
      `a message in ${topic}@${offset}`,
    );

  it('re-delivers after the level-3+n delay and dead-letters past maxReconsumeTimes', async () => {
    const sent = decodeSendMessageResponse(await conns.call(addr, sendReq('T', 'payload', { KEYS: 'order-1' })));
    const first = await pullOne('T', 0);
    expect(first.offsetMsgId).toBe(sent.offsetMsgId);

    const t0 = Date.now();
    expect((await sendBack(first)).code).toBe(ResponseCode.SUCCESS);
    const retry1 = await pullOne('%RETRY%G', 0);
    // Level 3 = 10 s, scaled by 0.02 → 200 ms.
    expect(Date.now() - t0).toBeGreaterThanOrEqual(150);
    expect(retry1.reconsumeTimes).toBe(1);
    expect(retry1.properties.RETRY_TOPIC).toBe('T');
    expect(retry1.properties.ORIGIN_MESSAGE_ID).toBe(first.msgId);
    expect(retry1.body.toString()).toBe('payload');

    expect((await sendBack(retry1)).code).toBe(ResponseCode.SUCCESS);
    const retry2 = await pullOne('%RETRY%G', 1);
    expect(retry2.reconsumeTimes).toBe(2);

    expect((await sendBack(retry2)).code).toBe(ResponseCode.SUCCESS);
    const dead = await pullOne('%DLQ%G', 0);
    expect(dead.reconsumeTimes).toBe(3);
    expect(dead.properties.ORIGIN_MESSAGE_ID).toBe(first.msgId);
    expect(dead.keys).toEqual(['order-1']);
    const route = decodeRouteInfoResponse(await conns.call(cluster.namesrvAddr, encodeRouteInfoRequest({ topic: '%DLQ%G' })));
    expect(route.brokerDatas[0].brokerName).toBe('broker-a');
  });
});
