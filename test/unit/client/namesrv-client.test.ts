import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { BrokerResponseError, NoNameServerError } from '../../../src/errors.js';
import { encodeClusterInfoResponse } from '../../../src/protocol/cluster-info.js';
import { encodeGetKvConfigResponse } from '../../../src/protocol/kv-config.js';
import { RequestCode } from '../../../src/protocol/request-codes.js';
import { encodeRouteInfoResponse } from '../../../src/protocol/route-info.js';
import type { TopicRouteData } from '../../../src/protocol/route.js';
import type { RemotingCommand } from '../../../src/remoting/command.js';
import { RemotingServer } from '../../../src/remoting/server.js';
import { NamesrvClient } from '../../../src/client/namesrv-client.js';
import { RouteManager } from '../../../src/client/route-manager.js';

const ROUTE: TopicRouteData = {
  queueDatas: [{ brokerName: 'broker-a', readQueueNums: 4, writeQueueNums: 4, perm: 6, topicSysFlag: 0 }],
  brokerDatas: [{ cluster: 'DefaultCluster', brokerName: 'broker-a', brokerAddrs: { '0': '127.0.0.1:10911', '1': '127.0.0.1:10921' } }],
  filterServerTable: {},
};

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A tiny nameserver: answers 105 with the legacy (bare integer key) form, plus 106 and 101. */
async function nameserver(opts: { silent?: boolean } = {}) {
  const server = new RemotingServer();
  const requests: RemotingCommand[] = [];
  let connections = 0;
  server.on('connection', () => connections++);
  server.handle(RequestCode.GET_ROUTEINFO_BY_TOPIC, (req) => {
    requests.push(req);
    if (opts.silent) return undefined;
    return encodeRouteInfoResponse(req, req.extFields?.topic === 'T' ? ROUTE : undefined, { form: 'legacy' });
  });
  server.handle(RequestCode.GET_BROKER_CLUSTER_INFO, (req) =>
    encodeClusterInfoResponse(req, { brokerAddrTable: { 'broker-a': ROUTE.brokerDatas[0] }, clusterAddrTable: { DefaultCluster: ['broker-a'] } }),
  );
  server.handle(RequestCode.GET_KV_CONFIG, (req) =>
    encodeGetKvConfigResponse(req, req.extFields?.key === 'k' ? 'v1' : undefined),
  );
  const port = await server.listen();
  cleanups.push(() => server.close());
  return { server, addr: `127.0.0.1:${port}`, requests, connections: () => connections };
}

/** A port nobody listens on (bound, then released). */
async function deadAddr(): Promise<string> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return `127.0.0.1:${port}`;
}

function client(addrs: string[] | (() => string[]), timeoutMs = 1000) {
  const c = new NamesrvClient({ addrs, timeoutMs, random: () => 0 });
  cleanups.push(() => c.close());
  return c;
}

describe('NamesrvClient over loopback', () => {
  it('skips a dead first address and parses a legacy-form route', async () => {
    const ns = await nameserver();
    const c = client([await deadAddr(), ns.addr]);
    const route = await c.getRouteInfo('T');
    expect(route).toEqual(ROUTE);
    expect(c.currentAddr).toBe(ns.addr);
    // version 401 and acceptStandardJsonOnly on the wire
    expect(ns.requests[0].version).toBeGreaterThanOrEqual(401);
    expect(ns.requests[0].extFields).toEqual({ topic: 'T', acceptStandardJsonOnly: 'true' });
    // the connection is kept: later calls do not reconnect nor retry the dead one
    await c.getRouteInfo('T');
    expect(await c.getKvConfig('ns', 'k')).toBe('v1');
    expect(await c.getKvConfig('ns', 'missing')).toBeUndefined();
    const info = await c.getClusterInfo();
    expect(info.clusterAddrTable).toEqual({ DefaultCluster: ['broker-a'] });
    expect(info.brokerAddrTable['broker-a'].brokerAddrs['1']).toBe('127.0.0.1:10921');
    expect(ns.connections()).toBe(1);
  });

  it('an answer with an error code ends the call (no other nameserver tried)', async () => {
    const a = await nameserver();
    const b = await nameserver();
    const c = client([a.addr, b.addr]);
    const err = await c.getRouteInfo('NOPE').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BrokerResponseError);
    expect((err as BrokerResponseError).responseName).toBe('TOPIC_NOT_EXIST');
    expect((err as BrokerResponseError).context.topic).toBe('NOPE');
    expect(b.requests).toHaveLength(0);
  });

  it('a silent nameserver times out and the next one answers', async () => {
    const stuck = await nameserver({ silent: true });
    const ok = await nameserver();
    const c = client([stuck.addr, ok.addr], 150);
    expect(await c.getRouteInfo('T')).toEqual(ROUTE);
    expect(stuck.requests).toHaveLength(1);
    expect(c.currentAddr).toBe(ok.addr);
  });

  it('fails over when the nameserver in use goes away', async () => {
    const a = await nameserver();
    const b = await nameserver();
    const c = client([a.addr, b.addr]);
    await c.getRouteInfo('T');
    expect(c.currentAddr).toBe(a.addr);
    await a.server.close();
    expect(await c.getRouteInfo('T')).toEqual(ROUTE);
    expect(c.currentAddr).toBe(b.addr);
  });

  it('every address dead → NoNameServerError naming each; none configured → NoNameServerError', async () => {
    const d1 = await deadAddr();
    const d2 = await deadAddr();
    const err = await client([d1, d2, 'not-an-address']).getRouteInfo('T').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NoNameServerError);
    expect((err as Error).message).toContain(d1);
    expect((err as Error).message).toContain(d2);
    expect((err as Error).message).toContain('not-an-address');
    await expect(client([]).getRouteInfo('T')).rejects.toBeInstanceOf(NoNameServerError);
  });

  it('re-reads a changing address list and leaves a removed nameserver', async () => {
    const a = await nameserver();
    const b = await nameserver();
    let list = [a.addr];
    const c = client(() => list);
    await c.getRouteInfo('T');
    list = [b.addr];
    await c.getRouteInfo('T');
    expect(c.currentAddr).toBe(b.addr);
    expect(b.requests).toHaveLength(1);
  });

  it('closed client refuses calls', async () => {
    const ns = await nameserver();
    const c = client([ns.addr]);
    await c.getRouteInfo('T');
    await c.close();
    await expect(c.getRouteInfo('T')).rejects.toBeInstanceOf(NoNameServerError);
  });

  it('feeds the route manager: 10 concurrent refreshes → 1 request on the wire', async () => {
    const ns = await nameserver();
    const rm = new RouteManager({ source: client([ns.addr]) });
    cleanups.push(() => rm.stop());
    await Promise.all(Array.from({ length: 10 }, () => rm.refresh('T')));
    expect(ns.requests).toHaveLength(1);
    expect(rm.findBrokerAddressInPublish('broker-a')).toBe('127.0.0.1:10911');
  });
});
