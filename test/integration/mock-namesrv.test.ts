import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MockNameServer } from '../../src/mock/index.js';
import { createRequest } from '../../src/remoting/command.js';
import { RequestCode } from '../../src/protocol/request-codes.js';
import { ResponseCode } from '../../src/protocol/response-codes.js';
import { encodeRegisterBrokerRequest } from '../../src/protocol/register-broker.js';
import { decodeRouteInfoResponse } from '../../src/protocol/route-info.js';
import { decodeGetKvConfigResponse, encodeGetKvConfigRequest } from '../../src/protocol/kv-config.js';
import { Conns } from './mock-helpers.js';

describe('MockNameServer over TCP', () => {
  const ns = new MockNameServer({ timeScale: 0.01 });
  const conns = new Conns();
  beforeAll(async () => {
    await ns.start();
  });
  afterAll(async () => {
    await conns.closeAll();
    await ns.close();
  });

  const register = (brokerAddr: string, brokerId: number) =>
    encodeRegisterBrokerRequest(
      { brokerName: 'a', brokerAddr, clusterName: 'C', haServerAddr: 'h:1', brokerId },
      {
        filterServerList: [],
        topicConfigSerializeWrapper: {
          dataVersion: { counter: 1, timestamp: 1 },
          topicConfigTable: { T: { topicName: 'T', readQueueNums: 2, writeQueueNums: 2, perm: 6, topicFilterType: 'SINGLE_TAG', topicSysFlag: 0, order: false } },
        },
      },
    );

  it('answers routes in the legacy form to old clients and standard JSON to new ones; drops a broker on disconnect', async () => {
    const broker = await conns.to(ns.addr);
    expect((await broker.invoke(register('10.0.0.1:10911', 0), { timeoutMs: 2000 })).code).toBe(ResponseCode.SUCCESS);
    const client = new Conns();
    const legacy = await client.call(ns.addr, createRequest(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'T' }, undefined, { version: 121 }));
    expect(legacy.body?.toString()).toContain('{0:"10.0.0.1:10911"}');
    const standard = await client.call(ns.addr, createRequest(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'T' }, undefined, { version: 401 }));
    expect(standard.body?.toString()).toContain('{"0":"10.0.0.1:10911"}');
    expect(decodeRouteInfoResponse(legacy)).toEqual(decodeRouteInfoResponse(standard));
    const badCrc = register('10.0.0.2:10911', 1);
    badCrc.extFields = { ...badCrc.extFields, bodyCrc32: '12345' };
    expect((await broker.invoke(badCrc, { timeoutMs: 2000 })).remark).toBe('crc32 not match');
    await conns.closeAll();
    const deadline = Date.now() + 2000;
    while (ns.routes.pickupTopicRouteData('T') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    const gone = await client.call(ns.addr, createRequest(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'T' }));
    expect(gone.code).toBe(ResponseCode.TOPIC_NOT_EXIST);
    expect(gone.remark).toMatch(/^No topic route info in name server for the topic: T/);
    await client.closeAll();
  });

  it('expires a broker that stops registering (120 s scaled)', async () => {
    const broker = await conns.to(ns.addr);
    await broker.invoke(register('10.0.0.3:10911', 0), { timeoutMs: 2000 });
    expect(ns.routes.isLive('10.0.0.3:10911')).toBe(true);
    const deadline = Date.now() + 3000;
    while (ns.routes.isLive('10.0.0.3:10911') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(ns.routes.isLive('10.0.0.3:10911')).toBe(false);
    await conns.closeAll();
  });

  it('stores KV config and answers QUERY_NOT_FOUND for missing items', async () => {
    const c = await conns.to(ns.addr);
    const missing = await c.invoke(encodeGetKvConfigRequest({ namespace: 'ORDER_TOPIC_CONFIG', key: 'T' }), { timeoutMs: 2000 });
    expect(missing.code).toBe(ResponseCode.QUERY_NOT_FOUND);
    expect(missing.remark).toBe('No config item, Namespace: ORDER_TOPIC_CONFIG Key: T');
    await c.invoke(createRequest(RequestCode.PUT_KV_CONFIG, { namespace: 'ORDER_TOPIC_CONFIG', key: 'T', value: 'a:4' }), { timeoutMs: 2000 });
    expect(decodeGetKvConfigResponse(await c.invoke(encodeGetKvConfigRequest({ namespace: 'ORDER_TOPIC_CONFIG', key: 'T' }), { timeoutMs: 2000 }))).toBe('a:4');
    const bad = await c.invoke(createRequest(RequestCode.GET_KV_CONFIG, {}), { timeoutMs: 2000 });
    expect(bad.code).toBe(ResponseCode.SYSTEM_ERROR);
    await conns.closeAll();
  });
});
