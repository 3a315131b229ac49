import { describe, expect, it } from 'vitest';
import { decodeProperties, encodeProperties } from '../../../src/message/properties.js';
import { decodeFrame, encodeFrame } from '../../../src/remoting/frame.js';
import { decodeRouteInfoResponse, encodeRouteInfoResponse } from '../../../src/protocol/route-info.js';
import { decodeSendMessageRequest, encodeSendMessageRequest } from '../../../src/protocol/send-message.js';
import { createRequest } from '../../../src/remoting/command.js';
import { RequestCode } from '../../../src/protocol/request-codes.js';
import { encodeTopicRouteData, parseTopicRouteData, type TopicRouteData } from '../../../src/protocol/route.js';
import { readHexFixture } from './helpers.js';

describe('golden SEND_MESSAGE_V2 request', () => {
  const golden = readHexFixture('send-message-v2-request');
  // Java HashMap order of these four keys (see the fixture's .md).
  const properties = encodeProperties({
    KEYS: 'm600000',
    UNIQ_KEY: '7F0000010B6418B4AAC2000000000000',
    WAIT: 'true',
    TAGS: 'TagA',
  });

  it('is reproduced byte for byte by encodeSendMessageRequest + encodeFrame', () => {
    const cmd = encodeSendMessageRequest(
      {
        producerGroup: 'producer_dw_test',
        topic: 'topic_dw_test_by_order_01',
        defaultTopic: 'TBW102',
        defaultTopicQueueNums: 4,
        queueId: 1,
        sysFlag: 0,
        bornTimestamp: 1700000000000,
        flag: 0,
        properties,
        reconsumeTimes: 0,
        unitMode: false,
        batch: false,
      },
      Buffer.from('Hello RocketMQ0'),
    );
    cmd.opaque = 7;
    expect(cmd.code).toBe(RequestCode.SEND_MESSAGE_V2);
    expect(encodeFrame(cmd).toString('hex')).toBe(golden.toString('hex'));
  });

  it('decodes to its fields', () => {
    expect(golden.readInt32BE(0)).toBe(golden.length - 4);
    const cmd = decodeFrame(golden.subarray(4));
    expect(cmd).toMatchObject({ code: 310, opaque: 7, version: 401, language: 'JAVA', flag: 0 });
    const { header, body, form } = decodeSendMessageRequest(cmd);
    expect(form).toBe('v2');
    expect(body.toString()).toBe('Hello RocketMQ0');
    expect(header).toEqual({
      producerGroup: 'producer_dw_test',
      topic: 'topic_dw_test_by_order_01',
      defaultTopic: 'TBW102',
      defaultTopicQueueNums: 4,
      queueId: 1,
      sysFlag: 0,
      bornTimestamp: 1700000000000,
      flag: 0,
      properties,
      reconsumeTimes: 0,
      unitMode: false,
      batch: false,
    });
    expect(decodeProperties(header.properties ?? '')).toEqual({
      KEYS: 'm600000',
      TAGS: 'TagA',
      UNIQ_KEY: '7F0000010B6418B4AAC2000000000000',
      WAIT: 'true',
    });
  });
});

describe('golden GET_ROUTEINFO_BY_TOPIC legacy responses', () => {
  const route: TopicRouteData = {
    brokerDatas: [
      {
        cluster: 'DefaultCluster',
        brokerName: 'broker-a',
        brokerAddrs: { '0': '10.0.0.1:10911', '1': '10.0.0.2:10911' },
        enableActingMaster: false,
      },
      { cluster: 'DefaultCluster', brokerName: 'broker-b', brokerAddrs: { '0': '10.0.0.3:10911' }, enableActingMaster: false },
    ],
    queueDatas: [
      { brokerName: 'broker-a', readQueueNums: 4, writeQueueNums: 4, perm: 6, topicSysFlag: 0 },
      { brokerName: 'broker-b', readQueueNums: 8, writeQueueNums: 8, perm: 6, topicSysFlag: 0 },
    ],
    filterServerTable: {},
  };

  it('is reproduced byte for byte for an old-version request (legacy form chosen by the version rule)', () => {
    const golden = readHexFixture('route-legacy-response');
    const request = createRequest(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'T' }, undefined, { version: 121 });
    request.opaque = 3;
    const response = encodeRouteInfoResponse(request, route);
    expect(encodeFrame(response).toString('hex')).toBe(golden.toString('hex'));
    // the body is not JSON: integer keys are bare
    expect(response.body?.toString()).toContain('{0:"10.0.0.1:10911",1:"10.0.0.2:10911"}');
  });

  it('decodes to its fields', () => {
    const cmd = decodeFrame(readHexFixture('route-legacy-response').subarray(4));
    expect(cmd).toMatchObject({ code: 0, flag: 1, opaque: 3 });
    expect(decodeRouteInfoResponse(cmd)).toEqual(route);
  });

  it('the pre-4.9.0 topicSynFlag variant decodes and re-encodes byte for byte', () => {
    const golden = readHexFixture('route-legacy-synflag-response');
    const cmd = decodeFrame(golden.subarray(4));
    const parsed = decodeRouteInfoResponse(cmd);
    expect(parsed).toEqual({
      brokerDatas: [{ cluster: 'DefaultCluster', brokerName: 'broker-a', brokerAddrs: { '0': '10.0.0.1:10911', '1': '10.0.0.2:10911' } }],
      queueDatas: [{ brokerName: 'broker-a', readQueueNums: 4, writeQueueNums: 4, perm: 6, topicSysFlag: 0 }],
      filterServerTable: {},
    });
    expect(Buffer.compare(encodeTopicRouteData(parsed, { legacy: true, synFlag: true }), cmd.body ?? Buffer.alloc(0))).toBe(0);
  });

  it('a standard-version request gets quoted keys that plain JSON.parse accepts', () => {
    const request = createRequest(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'T', acceptStandardJsonOnly: true });
    const body = encodeRouteInfoResponse(request, route).body ?? Buffer.alloc(0);
    expect(body.toString()).toContain('{"0":"10.0.0.1:10911","1":"10.0.0.2:10911"}');
    expect(parseTopicRouteData(JSON.stringify(JSON.parse(body.toString())))).toEqual(route);
  });
});
