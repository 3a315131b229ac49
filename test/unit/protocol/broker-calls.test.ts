import { describe, expect, it } from 'vitest';
import { BrokerResponseError, ProtocolError, ValidationError } from '../../../src/errors.js';
import { createRequest, createResponse, isOneway } from '../../../src/remoting/command.js';
import * as P from '../../../src/protocol/index.js';
import { ResponseCode } from '../../../src/protocol/response-codes.js';
import { wire } from './helpers.js';

const ctx = { brokerAddr: '127.0.0.1:10911' };

function expectBrokerError(fn: () => unknown, code: number, requestCode: number): void {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(BrokerResponseError);
    const e = err as BrokerResponseError;
    expect(e.responseCode).toBe(code);
    expect(e.context).toMatchObject({ requestCode, brokerAddr: ctx.brokerAddr });
    return;
  }
  throw new Error('expected a BrokerResponseError');
}

const sendHeader: P.SendMessageRequestHeader = {
  producerGroup: 'PG',
  topic: 'T',
  defaultTopic: 'TBW102',
  defaultTopicQueueNums: 4,
  queueId: 3,
  sysFlag: 0x301,
  bornTimestamp: 1700000000123,
  flag: 9,
  properties: 'UNIQ_KEY\u0001AB\u0002',
  reconsumeTimes: 2,
  unitMode: false,
  maxReconsumeTimes: 16,
  brokerName: 'broker-a',
};

describe('send-message', () => {
  it('V2 (default) round-trips with compact names', () => {
    const req = wire(P.encodeSendMessageRequest(sendHeader, Buffer.from('hi')));
    expect(req.code).toBe(310);
    expect(Object.keys(req.extFields ?? {}).sort()).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'n']);
    expect(P.decodeSendMessageRequest(req)).toEqual({ header: sendHeader, body: Buffer.from('hi'), form: 'v2' });
  });

  it('v1 round-trips with long names (brokerName as bname)', () => {
    const req = wire(P.encodeSendMessageRequest(sendHeader, Buffer.from('hi'), { form: 'v1', oneway: true }));
    expect(req.code).toBe(10);
    expect(isOneway(req)).toBe(true);
    expect(req.extFields?.producerGroup).toBe('PG');
    expect(req.extFields?.bname).toBe('broker-a');
    expect(P.decodeSendMessageRequest(req)).toEqual({ header: sendHeader, body: Buffer.from('hi'), form: 'v1' });
  });

  it('batch uses code 320 and m=true; decode forces batch for 320', () => {
    const req = wire(P.encodeSendMessageRequest({ ...sendHeader, batch: true }, Buffer.from('b'), { form: 'v1' }));
    expect(req.code).toBe(320);
    expect(req.extFields?.m).toBe('true');
    delete req.extFields?.m;
    expect(P.decodeSendMessageRequest(req).header.batch).toBe(true);
  });

  it('accepts a V2 header under code 10 and names missing fields', () => {
    const req = wire(P.encodeSendMessageRequest(sendHeader, Buffer.from('x')));
    expect(P.decodeSendMessageRequest({ ...req, code: 10 }).form).toBe('v2');
    delete req.extFields?.g;
    expect(() => P.decodeSendMessageRequest(req)).toThrow(/bornTimestamp \(g\) is missing/);
    expect(() => P.decodeSendMessageRequest(createRequest(11))).toThrow(ProtocolError);
    expect(() => P.encodeSendMessageRequest({ ...sendHeader, topic: undefined } as unknown as P.SendMessageRequestHeader, Buffer.alloc(1))).toThrow(ValidationError);
  });

  it.each(['SEND_OK', 'FLUSH_DISK_TIMEOUT', 'FLUSH_SLAVE_TIMEOUT', 'SLAVE_NOT_AVAILABLE'] as const)('response status %s round-trips', (status) => {
    const req = wire(P.encodeSendMessageRequest(sendHeader, Buffer.from('x')));
    const res = wire(
      P.encodeSendMessageResponse(req, { status, msgId: '0A0000010000283F0000000000000010', queueId: 3, queueOffset: 2 ** 40, transactionId: 'AB' }),
    );
    expect(res.opaque).toBe(req.opaque);
    expect(res.extFields).toMatchObject({ MSG_REGION: 'DefaultRegion', TRACE_ON: 'true' });
    expect(P.decodeSendMessageResponse(res, ctx)).toEqual({
      status,
      offsetMsgId: '0A0000010000283F0000000000000010',
      queueId: 3,
      queueOffset: 2 ** 40,
      transactionId: 'AB',
      msgRegion: 'DefaultRegion',
      traceOn: true,
    });
  });

  it('other codes throw through the table; a missing msgId is a ProtocolError', () => {
    const req = wire(P.encodeSendMessageRequest(sendHeader, Buffer.from('x')));
    const res = wire(createResponse(req, ResponseCode.SERVICE_NOT_AVAILABLE, 'service not available now'));
    expectBrokerError(() => P.decodeSendMessageResponse(res, ctx), 14, 310);
    try {
      P.decodeSendMessageResponse(res, ctx);
    } catch (err) {
      expect(err).toMatchObject({ retriable: true, refreshRoute: true });
    }
    expect(() => P.decodeSendMessageResponse(wire(createResponse(req, 0, undefined, { queueId: 1, queueOffset: 1 })))).toThrow(/msgId is missing/);
  });
});

describe('pull-message', () => {
  const header: P.PullMessageRequestHeader = {
    consumerGroup: 'CG',
    topic: 'T',
    queueId: 1,
    queueOffset: 100,
    maxMsgNums: 32,
    sysFlag: P.PullSysFlag.SUSPEND | P.PullSysFlag.SUBSCRIPTION | P.PullSysFlag.COMMIT_OFFSET,
    commitOffset: 90,
    suspendTimeoutMillis: 15000,
    subscription: 'a || b',
    subVersion: 1700000000000,
    expressionType: 'TAG',
  };

  it('request round-trips', () => {
    expect(P.PullSysFlag).toEqual({ COMMIT_OFFSET: 1, SUSPEND: 2, SUBSCRIPTION: 4, CLASS_FILTER: 8, LITE_PULL: 16 });
    expect(P.decodePullMessageRequest(wire(P.encodePullMessageRequest(header)))).toEqual({ header });
  });

  it.each([
    ['FOUND', 0],
    ['NO_NEW_MSG', 19],
    ['NO_MATCHED_MSG', 20],
    ['OFFSET_ILLEGAL', 21],
  ] as const)('status %s ↔ code %d', (status, code) => {
    const req = wire(P.encodePullMessageRequest(header));
    const body = status === 'FOUND' ? Buffer.from([1, 2, 3]) : undefined;
    const res = wire(
      P.encodePullMessageResponse(req, { status, suggestWhichBrokerId: 1, nextBeginOffset: 103, minOffset: 0, maxOffset: 200, remark: status }, body),
    );
    expect(res.code).toBe(code);
    const out = P.decodePullMessageResponse(res, ctx);
    expect(out).toMatchObject({ status, suggestWhichBrokerId: 1, nextBeginOffset: 103, minOffset: 0, maxOffset: 200 });
    expect([...out.body]).toEqual(body ? [1, 2, 3] : []);
  });

  it('errors: SUBSCRIPTION_NOT_EXIST throws, missing field is a ProtocolError', () => {
    const req = wire(P.encodePullMessageRequest(header));
    expectBrokerError(() => P.decodePullMessageResponse(wire(createResponse(req, 24, 'the consumer\'s subscription not exist')), ctx), 24, 11);
    expect(() => P.decodePullMessageResponse(wire(createResponse(req, 0, undefined, { nextBeginOffset: 1 })))).toThrow(ProtocolError);
    delete req.extFields?.subVersion;
    expect(() => P.decodePullMessageRequest(req)).toThrow(/subVersion is missing/);
  });
});

describe('query-message and view-message', () => {
  it('query round-trips with _UNIQUE_KEY_QUERY and Long.MAX end', () => {
    const header: P.QueryMessageRequestHeader = { topic: 'T', key: 'k1', maxNum: 32, beginTimestamp: 0, endTimestamp: Number.MAX_SAFE_INTEGER, uniqueKeyQuery: true };
    const req = wire(P.encodeQueryMessageRequest(header));
    expect(req.extFields?._UNIQUE_KEY_QUERY).toBe('true');
    expect(P.decodeQueryMessageRequest(req)).toEqual({ header });
    const javaReq = wire(createRequest(12, { ...req.extFields, endTimestamp: '9223372036854775807' }));
    expect(P.decodeQueryMessageRequest(javaReq).header.endTimestamp).toBe(Number.MAX_SAFE_INTEGER);
    const found = wire(P.encodeQueryMessageResponse(req, { indexLastUpdateTimestamp: 5, indexLastUpdatePhyoffset: 6 }, Buffer.from('m')));
    expect(P.decodeQueryMessageResponse(found, ctx)).toEqual({ found: true, indexLastUpdateTimestamp: 5, indexLastUpdatePhyoffset: 6, body: Buffer.from('m') });
    const none = wire(P.encodeQueryMessageResponse(req, { indexLastUpdateTimestamp: 5, indexLastUpdatePhyoffset: 6 }));
    expect(none.code).toBe(22);
    expect(P.decodeQueryMessageResponse(none, ctx)).toEqual({ found: false, body: Buffer.alloc(0) });
    expectBrokerError(() => P.decodeQueryMessageResponse(wire(createResponse(req, 1, 'x')), ctx), 1, 12);
  });

  it('view round-trips; not found is SYSTEM_ERROR with Java wording', () => {
    const req = wire(P.encodeViewMessageRequest({ offset: 123456789012 }));
    expect(P.decodeViewMessageRequest(req)).toEqual({ header: { offset: 123456789012 } });
    expect(P.decodeViewMessageResponse(wire(P.encodeViewMessageResponse(req, Buffer.from('rec'))), ctx).toString()).toBe('rec');
    const missing = wire(P.encodeViewMessageResponse(req, undefined));
    expect(missing.remark).toBe('can not find message by the offset, 123456789012');
    expectBrokerError(() => P.decodeViewMessageResponse(missing, ctx), 1, 33);
    expect(() => P.decodeViewMessageResponse(wire(createResponse(req, 0)))).toThrow(ProtocolError);
  });
});

describe('heartbeat', () => {
  const data: P.HeartbeatData = {
    clientID: '10.0.0.5@1234#9876',
    producerDataSet: [{ groupName: 'P' }, { groupName: 'CLIENT_INNER_PRODUCER' }],
    consumerDataSet: [
      {
        groupName: 'G',
        consumeType: 'CONSUME_PASSIVELY',
        messageModel: 'CLUSTERING',
        consumeFromWhere: 'CONSUME_FROM_LAST_OFFSET',
        subscriptionDataSet: [P.buildSubscriptionData('T', '*', 1700000000000)],
        unitMode: false,
      },
    ],
    heartbeatFingerprint: 0,
    withoutSub: false,
  };

  it('body matches the fact-sheet layout byte for byte and round-trips', () => {
    const req = wire(P.encodeHeartbeatRequest(data));
    expect(req.body?.toString()).toBe(
      '{"clientID":"10.0.0.5@1234#9876","consumerDataSet":[{"consumeFromWhere":"CONSUME_FROM_LAST_OFFSET","consumeType":"CONSUME_PASSIVELY","groupName":"G","messageModel":"CLUSTERING","subscriptionDataSet":[{"classFilterMode":false,"codeSet":[],"expressionType":"TAG","subString":"*","subVersion":1700000000000,"tagsSet":[],"topic":"T"}],"unitMode":false}],"heartbeatFingerprint":0,"producerDataSet":[{"groupName":"P"},{"groupName":"CLIENT_INNER_PRODUCER"}],"withoutSub":false}',
    );
    expect(P.decodeHeartbeatRequest(req)).toEqual({ body: data });
    const res = wire(P.encodeHeartbeatResponse(req, 479));
    expect(P.decodeHeartbeatResponse(res, ctx)).toEqual({ brokerVersion: 479 });
  });

  it('tags get Java String.hashCode codes', () => {
    expect(P.javaStringHashCode('TagA')).toBe(2598919);
    expect(P.javaStringHashCode('polygenelubricants')).toBe(-2147483648);
    expect(P.javaStringHashCode('中文')).toBe(20013 * 31 + 25991);
    const sub = P.buildSubscriptionData('T', ' TagA || TagB ||  || TagA', 1);
    expect(sub).toMatchObject({ subString: ' TagA || TagB ||  || TagA', tagsSet: ['TagA', 'TagB'], codeSet: [2598919, 2598920] });
    expect(P.buildSubscriptionData('T', '', 1)).toMatchObject({ subString: '*', tagsSet: [] });
    expect(P.buildSubscriptionData('T', 'a > 1', 1, 'SQL92')).toMatchObject({ subString: 'a > 1', tagsSet: [], expressionType: 'SQL92' });
  });

  it('rejects bad bodies with ProtocolError', () => {
    for (const body of ['', '{}', '{"clientID":"c","consumerDataSet":[{"groupName":"G","consumeType":"X","messageModel":"CLUSTERING"}]}', 'nope']) {
      expect(() => P.decodeHeartbeatRequest(createRequest(34, undefined, Buffer.from(body))), body).toThrow(ProtocolError);
    }
  });
});

describe('small client → broker calls', () => {
  it('unregister-client', () => {
    const header = { clientID: 'c1', producerGroup: 'PG' };
    const req = wire(P.encodeUnregisterClientRequest(header));
    expect(P.decodeUnregisterClientRequest(req)).toEqual({ header });
    expect(() => P.decodeUnregisterClientResponse(wire(P.encodeUnregisterClientResponse(req)), ctx)).not.toThrow();
    expectBrokerError(() => P.decodeUnregisterClientResponse(wire(createResponse(req, 1)), ctx), 1, 35);
  });

  it('consumer-list', () => {
    const req = wire(P.encodeConsumerListRequest({ consumerGroup: 'G' }));
    expect(P.decodeConsumerListRequest(req)).toEqual({ header: { consumerGroup: 'G' } });
    const res = wire(P.encodeConsumerListResponse(req, ['b@2', 'a@1']));
    expect(res.body?.toString()).toBe('{"consumerIdList":["b@2","a@1"]}');
    expect(P.decodeConsumerListResponse(res, ctx)).toEqual(['b@2', 'a@1']);
    const none = wire(P.encodeConsumerListResponse(req, []));
    expect(none.remark).toBe('no consumer for this group, G');
    expectBrokerError(() => P.decodeConsumerListResponse(none, ctx), 1, 38);
    expect(() => P.decodeConsumerListResponse(wire(createResponse(req, 0, undefined, undefined, Buffer.from('{"consumerIdList":[1]}'))))).toThrow(ProtocolError);
  });

  it('consumer-offset query and update', () => {
    const q = { consumerGroup: 'G', topic: 'T', queueId: 2, setZeroIfNotFound: false };
    const req = wire(P.encodeQueryConsumerOffsetRequest(q));
    expect(P.decodeQueryConsumerOffsetRequest(req)).toEqual({ header: q });
    expect(P.decodeQueryConsumerOffsetResponse(wire(P.encodeQueryConsumerOffsetResponse(req, 77)), ctx)).toBe(77);
    expect(P.decodeQueryConsumerOffsetResponse(wire(P.encodeQueryConsumerOffsetResponse(req, undefined)), ctx)).toBe(-1);
    expectBrokerError(() => P.decodeQueryConsumerOffsetResponse(wire(createResponse(req, 17)), ctx), 17, 14);
    const u = { consumerGroup: 'G', topic: 'T', queueId: 2, commitOffset: 78 };
    const ureq = wire(P.encodeUpdateConsumerOffsetRequest(u, { oneway: true }));
    expect(isOneway(ureq)).toBe(true);
    expect(P.decodeUpdateConsumerOffsetRequest(ureq)).toEqual({ header: u });
    expect(() => P.decodeUpdateConsumerOffsetResponse(wire(P.encodeUpdateConsumerOffsetResponse(ureq)))).not.toThrow();
  });

  it('offsets: max, min, search, earliest store time', () => {
    const max = wire(P.encodeGetMaxOffsetRequest({ topic: 'T', queueId: 0, committed: true }));
    expect(P.decodeGetMaxOffsetRequest(max)).toEqual({ header: { topic: 'T', queueId: 0, committed: true } });
    expect(P.decodeOffsetResponse(wire(P.encodeOffsetResponse(max, 500)), 30, ctx)).toBe(500);
    const min = wire(P.encodeGetMinOffsetRequest({ topic: 'T', queueId: 1 }));
    expect(P.decodeGetMinOffsetRequest(min)).toEqual({ header: { topic: 'T', queueId: 1 } });
    const search = wire(P.encodeSearchOffsetRequest({ topic: 'T', queueId: 1, timestamp: 1700000000000, boundaryType: 'LOWER' }));
    expect(P.decodeSearchOffsetRequest(search).header).toEqual({ topic: 'T', queueId: 1, timestamp: 1700000000000, boundaryType: 'LOWER' });
    expectBrokerError(() => P.decodeOffsetResponse(wire(createResponse(search, 1, 'x')), 29, ctx), 1, 29);
    const early = wire(P.encodeGetEarliestMsgStoretimeRequest({ topic: 'T', queueId: 1 }));
    expect(P.decodeGetEarliestMsgStoretimeRequest(early).header).toEqual({ topic: 'T', queueId: 1 });
    expect(P.decodeEarliestMsgStoretimeResponse(wire(P.encodeEarliestMsgStoretimeResponse(early, 1699)), ctx)).toBe(1699);
    expect(() => P.decodeGetMaxOffsetRequest(min)).toThrow(ProtocolError);
  });

  it('send-back', () => {
    const header = { offset: 4096, group: 'G', delayLevel: 0, originMsgId: 'ID', originTopic: 'T', unitMode: false, maxReconsumeTimes: -1 };
    const req = wire(P.encodeSendBackRequest(header));
    expect(P.decodeSendBackRequest(req)).toEqual({ header });
    expect(() => P.decodeSendBackResponse(wire(P.encodeSendBackResponse(req)), ctx)).not.toThrow();
  });

  it('create-topic', () => {
    const header = { topic: 'T', defaultTopic: 'TBW102', readQueueNums: 8, writeQueueNums: 8, perm: 6, topicFilterType: 'SINGLE_TAG', topicSysFlag: 0, order: false };
    const req = wire(P.encodeCreateTopicRequest(header));
    expect(P.decodeCreateTopicRequest(req)).toEqual({ header });
    expect(() => P.decodeCreateTopicResponse(wire(P.encodeCreateTopicResponse(req)), ctx)).not.toThrow();
    expectBrokerError(() => P.decodeCreateTopicResponse(wire(createResponse(req, 16, 'no permission')), ctx), 16, 17);
  });

  it('lock and unlock batch', () => {
    const body = { consumerGroup: 'G', clientId: 'c1', mqSet: [{ topic: 'T', brokerName: 'b', queueId: 0 }], onlyThisBroker: false };
    const req = wire(P.encodeLockBatchRequest(body));
    expect(req.body?.toString()).toBe('{"clientId":"c1","consumerGroup":"G","mqSet":[{"brokerName":"b","queueId":0,"topic":"T"}],"onlyThisBroker":false}');
    expect(P.decodeLockBatchRequest(req)).toEqual({ body });
    const res = wire(P.encodeLockBatchResponse(req, body.mqSet));
    expect(res.body?.toString()).toBe('{"lockOKMQSet":[{"brokerName":"b","queueId":0,"topic":"T"}]}');
    expect(P.decodeLockBatchResponse(res, ctx)).toEqual(body.mqSet);
    const un = wire(P.encodeUnlockBatchRequest(body, { oneway: true }));
    expect(P.decodeUnlockBatchRequest(un)).toEqual({ body });
    expect(() => P.decodeUnlockBatchResponse(wire(P.encodeUnlockBatchResponse(un)))).not.toThrow();
    expect(() => P.decodeLockBatchRequest(createRequest(41, undefined, Buffer.from('{"clientId":"c"}')))).toThrow(ProtocolError);
  });

  it('end-transaction (oneway by default, remark carried)', () => {
    const header = { producerGroup: 'PG', tranStateTableOffset: 5, commitLogOffset: 9000, commitOrRollback: P.TransactionType.COMMIT, fromTransactionCheck: true, msgId: 'U', transactionId: 'U' };
    const req = wire(P.encodeEndTransactionRequest(header, { remark: 'checked' }));
    expect(isOneway(req)).toBe(true);
    expect(P.decodeEndTransactionRequest(req)).toEqual({ header, remark: 'checked' });
    const slave = wire(createResponse(req, ResponseCode.SLAVE_NOT_AVAILABLE));
    expectBrokerError(() => P.decodeEndTransactionResponse(slave, ctx), 11, 37);
    expect(() => P.decodeEndTransactionResponse(wire(P.encodeEndTransactionResponse(req)))).not.toThrow();
  });
});
