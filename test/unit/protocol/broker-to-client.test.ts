import { describe, expect, it } from 'vitest';
import { BrokerResponseError, ProtocolError } from '../../../src/errors.js';
import { createRequest, createResponse, isOneway } from '../../../src/remoting/command.js';
import * as P from '../../../src/protocol/index.js';
import { wire } from './helpers.js';

describe('broker → client requests', () => {
  it('check-transaction (oneway, stored half message body)', () => {
    const header = { topic: 'T', tranStateTableOffset: 3, commitLogOffset: 4096, msgId: 'U', transactionId: 'U', offsetMsgId: 'O' };
    const req = wire(P.encodeCheckTransactionStateRequest(header, Buffer.from('half')));
    expect(isOneway(req)).toBe(true);
    expect(P.decodeCheckTransactionStateRequest(req)).toEqual({ header, body: Buffer.from('half') });
    expect(() => P.decodeCheckTransactionStateRequest(wire(createRequest(39, { commitLogOffset: 1 })))).toThrow(/tranStateTableOffset is missing/);
  });

  it('notify-consumer-ids-changed (oneway)', () => {
    const req = wire(P.encodeNotifyConsumerIdsChangedRequest({ consumerGroup: 'G' }));
    expect(isOneway(req)).toBe(true);
    expect(P.decodeNotifyConsumerIdsChangedRequest(req)).toEqual({ header: { consumerGroup: 'G' } });
    expect(() => P.decodeNotifyConsumerIdsChangedRequest(wire(createRequest(40)))).toThrow(ProtocolError);
  });

  it('consumer-running-info', () => {
    const header = { consumerGroup: 'G', clientId: 'c1', jstackEnable: false };
    const req = wire(P.encodeConsumerRunningInfoRequest(header));
    expect(P.decodeConsumerRunningInfoRequest(req)).toEqual({ header });
    const info: P.ConsumerRunningInfo = {
      properties: { PROP_CLIENT_VERSION: 'V4_9_4', PROP_CONSUME_TYPE: 'CONSUME_PASSIVELY' },
      subscriptionSet: [P.buildSubscriptionData('T', 'a || b', 17)],
    };
    const res = wire(P.encodeConsumerRunningInfoResponse(req, info));
    expect(P.decodeConsumerRunningInfoResponse(res)).toEqual(info);
    // a Java client's body carries mqTable with MessageQueue keys; we read past it
    const javaBody = '{"mqTable":{{"brokerName":"b","queueId":0,"topic":"T"}:{"cachedMsgCount":0}},"properties":{"a":"1"},"statusTable":{},"subscriptionSet":[],"jstack":"dump"}';
    expect(P.decodeConsumerRunningInfoResponse(wire(createResponse(req, 0, undefined, undefined, Buffer.from(javaBody))))).toEqual({
      properties: { a: '1' },
      subscriptionSet: [],
      jstack: 'dump',
    });
    expect(() => P.decodeConsumerRunningInfoResponse(wire(createResponse(req, 0, undefined, undefined, Buffer.from('[1]'))))).toThrow(ProtocolError);
  });

  it('reset-offset: MessageQueue-keyed body as fastjson writes it', () => {
    const header = { topic: 'T', group: 'G', timestamp: 1700000000000, isForce: true };
    const table = [
      { mq: { topic: 'T', brokerName: 'b', queueId: 0 }, offset: 42 },
      { mq: { topic: 'T', brokerName: 'b', queueId: 1 }, offset: 2 ** 40 },
    ];
    const req = wire(P.encodeResetOffsetRequest(header, table));
    expect(req.body?.toString()).toBe(
      '{"offsetTable":{{"brokerName":"b","queueId":0,"topic":"T"}:42,{"brokerName":"b","queueId":1,"topic":"T"}:1099511627776}}',
    );
    expect(P.decodeResetOffsetRequest(req)).toEqual({ header, body: table });
    expect(() => P.decodeResetOffsetResponse(wire(P.encodeResetOffsetResponse(req)))).not.toThrow();
    expect(() => P.parseResetOffsetBody(Buffer.from('{"offsetTable":{"x":1}}'))).toThrow(ProtocolError);
    expect(() => P.parseResetOffsetBody(Buffer.from('{"offsetTable":{{"topic":"T"}:1}}'))).toThrow(ProtocolError);
  });

  it('consume-message-directly', () => {
    const header = { consumerGroup: 'G', clientId: 'c1', msgId: 'M', brokerName: 'b', topic: 'T', topicSysFlag: 0, groupSysFlag: 0 };
    const req = wire(P.encodeConsumeMessageDirectlyRequest(header, Buffer.from('stored')));
    expect(P.decodeConsumeMessageDirectlyRequest(req)).toEqual({ header, body: Buffer.from('stored') });
    const result: P.ConsumeMessageDirectlyResult = { order: false, autoCommit: true, consumeResult: 'CR_SUCCESS', remark: 'ok', spentTimeMills: 3 };
    const res = wire(P.encodeConsumeMessageDirectlyResponse(req, result));
    expect(res.body?.toString()).toBe('{"autoCommit":true,"consumeResult":"CR_SUCCESS","order":false,"remark":"ok","spentTimeMills":3}');
    expect(P.decodeConsumeMessageDirectlyResponse(res)).toEqual(result);
    expect(() => P.decodeConsumeMessageDirectlyResponse(wire(createResponse(req, 0, undefined, undefined, Buffer.from('{"consumeResult":"NOPE"}'))))).toThrow(ProtocolError);
    expect(() => P.decodeConsumeMessageDirectlyResponse(wire(createResponse(req, 206, 'not online')))).toThrow(BrokerResponseError);
  });
});
