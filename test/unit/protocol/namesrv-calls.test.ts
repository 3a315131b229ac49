import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { BrokerResponseError, ProtocolError } from '../../../src/errors.js';
import { createRequest, createResponse, isOneway } from '../../../src/remoting/command.js';
import * as P from '../../../src/protocol/index.js';
import { wire } from './helpers.js';

const ctx = { brokerAddr: '127.0.0.1:9876' };
const route: P.TopicRouteData = {
  brokerDatas: [{ cluster: 'C', brokerName: 'b', brokerAddrs: { '0': '127.0.0.1:10911' } }],
  queueDatas: [{ brokerName: 'b', readQueueNums: 4, writeQueueNums: 4, perm: 6, topicSysFlag: 0 }],
  filterServerTable: {},
};

describe('route-info', () => {
  it('request round-trips; the version rule picks the JSON form', () => {
    const req = wire(P.encodeRouteInfoRequest({ topic: 'T', acceptStandardJsonOnly: true }));
    expect(P.decodeRouteInfoRequest(req)).toEqual({ header: { topic: 'T', acceptStandardJsonOnly: true } });
    expect(P.wantsStandardRouteJson(req)).toBe(true);
    const old = wire(createRequest(105, { topic: 'T' }, undefined, { version: 121 }));
    expect(P.wantsStandardRouteJson(old)).toBe(false);
    expect(wire(P.encodeRouteInfoResponse(old, route)).body?.toString()).toContain('{0:"127.0.0.1:10911"}');
    expect(wire(P.encodeRouteInfoResponse(req, route)).body?.toString()).toContain('{"0":"127.0.0.1:10911"}');
    expect(wire(P.encodeRouteInfoResponse(req, route, { form: 'legacy' })).body?.toString()).toContain('{0:');
    expect(P.decodeRouteInfoResponse(wire(P.encodeRouteInfoResponse(old, route)), ctx)).toEqual(route);
  });

  it('unknown topic → TOPIC_NOT_EXIST error with refreshRoute; empty body → ProtocolError', () => {
    const req = wire(P.encodeRouteInfoRequest({ topic: 'Nope' }));
    const res = wire(P.encodeRouteInfoResponse(req, undefined));
    expect(res.remark).toMatch(/^No topic route info in name server for the topic: Nope/);
    try {
      P.decodeRouteInfoResponse(res, { ...ctx, topic: 'Nope' });
      throw new Error('unreachable');
    } catch (err) {
      expect(err).toBeInstanceOf(BrokerResponseError);
      expect(err).toMatchObject({ responseName: 'TOPIC_NOT_EXIST', retriable: true, refreshRoute: true });
      expect((err as BrokerResponseError).context).toMatchObject({ requestCode: 105, topic: 'Nope', brokerAddr: ctx.brokerAddr });
    }
    expect(() => P.decodeRouteInfoResponse(wire(createResponse(req, 0)))).toThrow(ProtocolError);
    expect(() => P.decodeRouteInfoRequest(wire(createRequest(105)))).toThrow(/topic is missing/);
  });
});

describe('register-broker', () => {
  const header = {
    brokerName: 'broker-a',
    brokerAddr: '127.0.0.1:10911',
    clusterName: 'DefaultCluster',
    haServerAddr: '127.0.0.1:10912',
    brokerId: 0,
    heartbeatTimeoutMillis: 120000,
    enableActingMaster: false,
  };
  const body: P.RegisterBrokerBody = {
    filterServerList: [],
    topicConfigSerializeWrapper: {
      dataVersion: { counter: 3, timestamp: 1700000000000, stateVersion: 0 },
      topicConfigTable: {
        TopicTest: { topicName: 'TopicTest', readQueueNums: 4, writeQueueNums: 4, perm: 6, topicFilterType: 'SINGLE_TAG', topicSysFlag: 0, order: false, attributes: {} },
      },
    },
  };

  it('round-trips with compressed=false and the 31-bit Java CRC of the body', () => {
    const req = wire(P.encodeRegisterBrokerRequest(header, body, { oneway: true }));
    expect(isOneway(req)).toBe(true);
    const bytes = req.body ?? Buffer.alloc(0);
    expect(req.extFields?.compressed).toBe('false');
    expect(Number(req.extFields?.bodyCrc32)).toBe((crc32(bytes) & 0x7fffffff) >>> 0);
    expect(bytes.toString()).toMatch(/^\{"filterServerList":\[\],"topicConfigSerializeWrapper":\{"dataVersion":\{"counter":3,/);
    const decoded = P.decodeRegisterBrokerRequest(req);
    expect(decoded).toEqual({ header: { ...header, compressed: false, bodyCrc32: Number(req.extFields?.bodyCrc32) }, body, crcMatches: true });
    const res = wire(P.encodeRegisterBrokerResponse(req, { masterAddr: '127.0.0.1:10911' }));
    expect(P.decodeRegisterBrokerResponse(res, ctx)).toEqual({ masterAddr: '127.0.0.1:10911' });
  });

  it('CRC over a known input matches java.util.zip.CRC32 masked to 31 bits', () => {
    // CRC32("123456789") = 0xCBF43926 (the standard check value); & 0x7FFFFFFF = 0x4BF43926
    expect(P.registerBodyCrc32(Buffer.from('123456789'))).toBe(0x4bf43926);
  });

  it('flags a CRC mismatch, rejects compressed bodies and bad JSON', () => {
    const req = wire(P.encodeRegisterBrokerRequest(header, body));
    const tampered = { ...req, extFields: { ...req.extFields, bodyCrc32: '12345' } };
    expect(P.decodeRegisterBrokerRequest(tampered).crcMatches).toBe(false);
    const unchecked = { ...req, extFields: { ...req.extFields, bodyCrc32: '0' } };
    expect(P.decodeRegisterBrokerRequest(unchecked).crcMatches).toBe(true);
    expect(() => P.decodeRegisterBrokerRequest({ ...req, extFields: { ...req.extFields, compressed: 'true' } })).toThrow(ProtocolError);
    expect(() => P.decodeRegisterBrokerRequest({ ...req, body: Buffer.from('{"filterServerList":[]}') })).toThrow(ProtocolError);
    expect(() => P.decodeRegisterBrokerRequest({ ...req, body: Buffer.from('garbage') })).toThrow(ProtocolError);
  });
});

describe('unregister-broker, cluster-info, kv-config', () => {
  it('unregister-broker', () => {
    const header = { brokerName: 'b', brokerAddr: 'h:1', clusterName: 'C', brokerId: 1 };
    const req = wire(P.encodeUnregisterBrokerRequest(header));
    expect(P.decodeUnregisterBrokerRequest(req)).toEqual({ header });
    expect(() => P.decodeUnregisterBrokerResponse(wire(P.encodeUnregisterBrokerResponse(req)), ctx)).not.toThrow();
    expect(() => P.decodeUnregisterBrokerResponse(wire(createResponse(req, 1)), ctx)).toThrow(BrokerResponseError);
  });

  it('cluster-info is answered in the legacy form and parses back', () => {
    const info: P.ClusterInfo = {
      brokerAddrTable: { b: { cluster: 'C', brokerName: 'b', brokerAddrs: { '0': 'h:1', '2': 'h:3' } } },
      clusterAddrTable: { C: ['b'] },
    };
    const req = wire(P.encodeClusterInfoRequest());
    expect(P.decodeClusterInfoRequest(req)).toEqual({});
    const res = wire(P.encodeClusterInfoResponse(req, info));
    expect(res.body?.toString()).toContain('{0:"h:1",2:"h:3"}');
    expect(P.decodeClusterInfoResponse(res, ctx)).toEqual(info);
    expect(() => P.decodeClusterInfoResponse(wire(createResponse(req, 0)))).toThrow(ProtocolError);
  });

  it('kv-config: value, or undefined on QUERY_NOT_FOUND', () => {
    const req = wire(P.encodeGetKvConfigRequest({ namespace: 'ORDER_TOPIC_CONFIG', key: 'T' }));
    expect(P.decodeGetKvConfigRequest(req)).toEqual({ header: { namespace: 'ORDER_TOPIC_CONFIG', key: 'T' } });
    expect(P.decodeGetKvConfigResponse(wire(P.encodeGetKvConfigResponse(req, 'b:4')), ctx)).toBe('b:4');
    const none = wire(P.encodeGetKvConfigResponse(req, undefined));
    expect(none.remark).toBe('No config item, Namespace: ORDER_TOPIC_CONFIG Key: T');
    expect(P.decodeGetKvConfigResponse(none, ctx)).toBeUndefined();
    expect(() => P.decodeGetKvConfigResponse(wire(createResponse(req, 0)))).toThrow(/value is missing/);
    expect(() => P.decodeGetKvConfigRequest(wire(createRequest(101, { key: 'k' })))).toThrow(/namespace is missing/);
  });
});
