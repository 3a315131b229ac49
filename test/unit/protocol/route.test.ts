import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../../../src/errors.js';
import { writeFastJson } from '../../../src/protocol/fastjson.js';
import {
  PermName,
  encodeClusterInfo,
  encodeTopicRouteData,
  parseClusterInfo,
  parseTopicRouteData,
  type BrokerData,
  type ClusterInfo,
  type TopicRouteData,
} from '../../../src/protocol/route.js';

const name = fc.string({ minLength: 1, maxLength: 12, unit: fc.constantFrom('a', 'b', '-', '_', '0', '{', ':', '"', ',', 'é', '中') });
const addr = fc.tuple(fc.integer({ min: 1, max: 255 }), fc.integer({ min: 1, max: 65535 })).map(([a, p]) => `10.0.0.${a}:${p}`);
const brokerData: fc.Arbitrary<BrokerData> = fc
  .record(
    {
      cluster: name,
      brokerName: name,
      brokerAddrs: fc.dictionary(fc.integer({ min: 0, max: 20 }).map(String), addr, { maxKeys: 4 }),
      zoneName: name,
      enableActingMaster: fc.boolean(),
    },
    { requiredKeys: ['cluster', 'brokerName', 'brokerAddrs'] },
  );
const route: fc.Arbitrary<TopicRouteData> = fc.record(
  {
    orderTopicConf: name,
    queueDatas: fc.array(
      fc.record({
        brokerName: name,
        readQueueNums: fc.integer({ min: 0, max: 64 }),
        writeQueueNums: fc.integer({ min: 0, max: 64 }),
        perm: fc.integer({ min: 0, max: 15 }),
        topicSysFlag: fc.integer({ min: 0, max: 3 }),
      }),
      { maxLength: 4 },
    ),
    brokerDatas: fc.array(brokerData, { maxLength: 4 }),
    filterServerTable: fc.dictionary(addr, fc.array(addr, { maxLength: 2 }), { maxKeys: 2 }),
  },
  { requiredKeys: ['queueDatas', 'brokerDatas', 'filterServerTable'] },
);

describe('TopicRouteData JSON', () => {
  it('PermName constants', () => {
    expect(PermName).toEqual({ PRIORITY: 8, READ: 4, WRITE: 2, INHERIT: 1 });
  });

  it('property: legacy and standard forms parse to the same route, which re-encodes identically', () => {
    fc.assert(
      fc.property(route, (r) => {
        const legacy = encodeTopicRouteData(r, { legacy: true });
        const standard = encodeTopicRouteData(r);
        const fromLegacy = parseTopicRouteData(legacy);
        const fromStandard = parseTopicRouteData(standard);
        expect(fromLegacy).toEqual(r);
        expect(fromStandard).toEqual(r);
        expect(encodeTopicRouteData(fromLegacy)).toEqual(standard);
        expect(encodeTopicRouteData(fromStandard, { legacy: true })).toEqual(legacy);
        // the standard form is plain JSON and pure ASCII (BrowserCompatible escapes)
        expect(() => JSON.parse(standard.toString())).not.toThrow();
        expect([...standard].every((b) => b < 0x80)).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it('standard form sorts fields and quotes keys', () => {
    const r: TopicRouteData = {
      brokerDatas: [{ cluster: 'c', brokerName: 'b', brokerAddrs: { '1': 'h:2', '0': 'h:1' }, zoneName: 'z' }],
      queueDatas: [{ brokerName: 'b', readQueueNums: 1, writeQueueNums: 2, perm: 6, topicSysFlag: 0 }],
      filterServerTable: {},
      orderTopicConf: 'b:2',
    };
    expect(encodeTopicRouteData(r).toString()).toBe(
      '{"brokerDatas":[{"brokerAddrs":{"0":"h:1","1":"h:2"},"brokerName":"b","cluster":"c","zoneName":"z"}],' +
        '"filterServerTable":{},"orderTopicConf":"b:2","queueDatas":[{"brokerName":"b","perm":6,"readQueueNums":1,' +
        '"topicSysFlag":0,"writeQueueNums":2}]}',
    );
  });

  it('accepts topicSynFlag and defaults missing collections', () => {
    expect(parseTopicRouteData('{"queueDatas":[{"brokerName":"b","perm":6,"readQueueNums":1,"topicSynFlag":2,"writeQueueNums":1}]}')).toEqual({
      queueDatas: [{ brokerName: 'b', readQueueNums: 1, writeQueueNums: 1, perm: 6, topicSysFlag: 2 }],
      brokerDatas: [],
      filterServerTable: {},
    });
  });

  it('rejects malformed routes with ProtocolError', () => {
    const bad = [
      '[]',
      '{"queueDatas":{}}',
      '{"queueDatas":[{"brokerName":1}]}',
      '{"brokerDatas":[{"cluster":"c","brokerName":"b","brokerAddrs":{"x":"h"}}]}',
      '{"brokerDatas":[{"cluster":"c","brokerName":"b","brokerAddrs":{0:5}}]}',
      '{"brokerDatas":[{"cluster":"c","brokerName":"b"}]}',
      '{"queueDatas":[{"brokerName":"b","perm":6.5,"readQueueNums":1,"writeQueueNums":1}]}',
    ];
    for (const text of bad) expect(() => parseTopicRouteData(text), text).toThrow(ProtocolError);
  });

  it('property: arbitrary JSON objects either parse or fail with ProtocolError', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        try {
          parseTopicRouteData(JSON.stringify(v));
        } catch (err) {
          expect(err).toBeInstanceOf(ProtocolError);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('ClusterInfo JSON', () => {
  it('is always written in the legacy form and parses back', () => {
    const info: ClusterInfo = {
      brokerAddrTable: {
        'broker-a': { cluster: 'DefaultCluster', brokerName: 'broker-a', brokerAddrs: { '0': '10.0.0.1:10911' }, enableActingMaster: false },
      },
      clusterAddrTable: { DefaultCluster: ['broker-a'] },
    };
    const body = encodeClusterInfo(info);
    expect(body.toString()).toBe(
      '{"brokerAddrTable":{"broker-a":{"brokerAddrs":{0:"10.0.0.1:10911"},"brokerName":"broker-a","cluster":"DefaultCluster","enableActingMaster":false}},' +
        '"clusterAddrTable":{"DefaultCluster":["broker-a"]}}',
    );
    expect(parseClusterInfo(body)).toEqual(info);
  });

  it('property: round trip', () => {
    fc.assert(
      fc.property(fc.array(brokerData, { maxLength: 4 }), (bds) => {
        const info: ClusterInfo = { brokerAddrTable: {}, clusterAddrTable: {} };
        for (const bd of bds) {
          info.brokerAddrTable[bd.brokerName] = bd;
          (info.clusterAddrTable[bd.cluster] ??= []).push(bd.brokerName);
        }
        expect(parseClusterInfo(encodeClusterInfo(info))).toEqual(info);
      }),
      { numRuns: 200 },
    );
  });

  it('a "__proto__" broker name stays an own key', () => {
    const text = '{"brokerAddrTable":{"__proto__":{"brokerAddrs":{0:"h:1"},"brokerName":"__proto__","cluster":"c"}},"clusterAddrTable":{"__proto__":["x"]}}';
    const info = parseClusterInfo(text);
    expect(Object.keys(info.brokerAddrTable)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(info.brokerAddrTable)).toBe(Object.prototype);
    expect(info.clusterAddrTable['__proto__']).toEqual(['x']);
  });
});

describe('writeFastJson', () => {
  it('sorts keys (integers numerically), omits nulls, escapes non-ASCII only when asked', () => {
    const v = { b: 1, a: null, '10': 'x', '9': 'y', c: ['é', undefined], d: undefined };
    expect(writeFastJson(v)).toBe('{"9":"y","10":"x","b":1,"c":["é",null]}');
    expect(writeFastJson({ s: 'é中\u0001' }, { asciiOnly: true })).toBe('{"s":"\\u00e9\\u4e2d\\u0001"}');
  });
});
