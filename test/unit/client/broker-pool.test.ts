import { afterEach, describe, expect, it } from 'vitest';
import { ClientStateError, ConnectionError } from '../../../src/errors.js';
import { createRequest, createResponse, type RemotingCommand } from '../../../src/remoting/command.js';
import type { RemotingConnection } from '../../../src/remoting/connection.js';
import { RemotingServer } from '../../../src/remoting/server.js';
import { BrokerPool } from '../../../src/client/broker-pool.js';

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A loopback "broker" that echoes request code 34 and records its client connections. */
async function broker() {
  const server = new RemotingServer();
  const conns: RemotingConnection[] = [];
  const oneways: RemotingCommand[] = [];
  server.on('connection', (c) => conns.push(c));
  server.handle(34, (req) => createResponse(req, 0, `hello ${req.extFields?.n ?? ''}`));
  server.handle(35, (req) => {
    oneways.push(req);
    return undefined;
  });
  const port = await server.listen();
  cleanups.push(() => server.close());
  return { server, addr: `127.0.0.1:${port}`, conns, oneways };
}

function pool() {
  const p = new BrokerPool({ connectTimeoutMs: 1000 });
  cleanups.push(() => p.close());
  return p;
}

const waitFor = async (cond: () => boolean) => {
  const end = Date.now() + 3000;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timeout');
    await new Promise((r) => setTimeout(r, 5));
  }
};

describe('BrokerPool', () => {
  it('connects lazily, once for concurrent callers, and reuses the connection', async () => {
    const b = await broker();
    const p = pool();
    expect(p.addrs()).toEqual([]);
    const responses = await Promise.all(
      Array.from({ length: 5 }, (_, i) => p.invoke(b.addr, createRequest(34, { n: i }), { timeoutMs: 1000 })),
    );
    expect(responses.map((r) => r.remark)).toEqual(['hello 0', 'hello 1', 'hello 2', 'hello 3', 'hello 4']);
    expect(b.conns).toHaveLength(1);
    await p.invokeOneway(b.addr, createRequest(35, { x: 1 }));
    await waitFor(() => b.oneways.length === 1);
    expect(b.conns).toHaveLength(1);
    expect(p.addrs()).toEqual([b.addr]);
  });

  it('replaces a connection the broker closed', async () => {
    const b = await broker();
    const p = pool();
    await p.invoke(b.addr, createRequest(34), { timeoutMs: 1000 });
    await b.conns[0].close();
    await waitFor(() => p.addrs().length === 0);
    const res = await p.invoke(b.addr, createRequest(34, { n: 'again' }), { timeoutMs: 1000 });
    expect(res.remark).toBe('hello again');
    expect(b.conns).toHaveLength(2);
  });

  it('a refused connect is a ConnectionError, and the next call tries again', async () => {
    const b = await broker();
    const addr = b.addr;
    await b.server.close();
    const p = pool();
    await expect(p.invoke(addr, createRequest(34), { timeoutMs: 500 })).rejects.toBeInstanceOf(ConnectionError);
    await expect(p.getConnection('garbage')).rejects.toMatchObject({ code: 'ERR_VALIDATION' });
  });

  it('dispatches broker-initiated requests to hooks on every connection', async () => {
    const b1 = await broker();
    const b2 = await broker();
    const p = pool();
    const seen: string[] = [];
    // registered before any connection exists
    p.addRequestHook(307, (req) => {
      if (req.extFields?.consumerGroup !== 'G1') return undefined;
      return createResponse(req, 0, 'running-info G1');
    });
    await p.getConnection(b1.addr);
    await p.getConnection(b2.addr);
    // registered after: installed on existing connections
    p.addRequestHook(307, (req) => (req.extFields?.consumerGroup === 'G2' ? createResponse(req, 0, 'running-info G2') : undefined));
    p.addRequestHook(40, () => {
      seen.push('hook1');
      throw new Error('one bad hook');
    });
    const remove = p.addRequestHook(40, (req) => {
      seen.push(`hook2 ${req.extFields?.consumerGroup}`);
      return undefined;
    });

    const r1 = await b1.conns[0].invoke(createRequest(307, { consumerGroup: 'G1' }), { timeoutMs: 1000 });
    expect(r1).toMatchObject({ code: 0, remark: 'running-info G1' });
    const r2 = await b2.conns[0].invoke(createRequest(307, { consumerGroup: 'G2' }), { timeoutMs: 1000 });
    expect(r2.remark).toBe('running-info G2');
    const r3 = await b2.conns[0].invoke(createRequest(307, { consumerGroup: 'other' }), { timeoutMs: 1000 });
    expect(r3).toMatchObject({ code: 3, remark: ' request type 307 not supported' });
    const r4 = await b1.conns[0].invoke(createRequest(309), { timeoutMs: 1000 });
    expect(r4.code).toBe(3);

    await b1.conns[0].invokeOneway(createRequest(40, { consumerGroup: 'G1' }));
    await waitFor(() => seen.length === 2);
    expect(seen).toEqual(['hook1', 'hook2 G1']);
    remove();
    await b1.conns[0].invokeOneway(createRequest(40, { consumerGroup: 'G1' }));
    await waitFor(() => seen.length === 3);
    await new Promise((r) => setTimeout(r, 20));
    expect(seen).toEqual(['hook1', 'hook2 G1', 'hook1']);
  });

  it('close() closes everything, also connects in flight; later calls fail', async () => {
    const b = await broker();
    const b2 = await broker();
    const p = new BrokerPool();
    await p.getConnection(b.addr);
    const inFlight = p.getConnection(b2.addr); // not awaited: still connecting when close() runs
    await p.close();
    await expect(inFlight).rejects.toMatchObject({ code: 'ERR_CONNECTION_CLOSED' });
    await waitFor(() => b.server.connections.size === 0 && b2.server.connections.size === 0);
    await expect(p.invoke(b.addr, createRequest(34), { timeoutMs: 100 })).rejects.toBeInstanceOf(ClientStateError);
    await p.close();
  });
});
