import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { NoNameServerError, ValidationError } from '../../../src/errors.js';
import {
  NamesrvAddrWatcher,
  addressServerUrl,
  fetchNamesrvAddrs,
  isHostPort,
  parseAddressServerReply,
  parseNamesrvAddrList,
  resolveNamesrvAddrs,
} from '../../../src/client/namesrv-addr.js';

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise<void>((r) => s.close(() => r()));
  }
});

/** A real HTTP server on 127.0.0.1 answering with `handler`; returns its port and the paths it saw. */
async function httpServer(handler: (req: IncomingMessage, res: ServerResponse) => void) {
  const paths: string[] = [];
  const server = createServer((req, res) => {
    paths.push(req.url ?? '');
    handler(req, res);
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { port: (server.address() as AddressInfo).port, paths };
}

describe('address parsing', () => {
  it('splits, trims and strips http://', () => {
    expect(parseNamesrvAddrList(' 10.0.0.1:9876 ;http://10.0.0.2:9876/;; HTTPS://h:1 ')).toEqual(['10.0.0.1:9876', '10.0.0.2:9876', 'h:1']);
    expect(parseNamesrvAddrList('')).toEqual([]);
  });
  it('host:port check', () => {
    expect(isHostPort('a.b:9876')).toBe(true);
    expect(isHostPort('[::1]:9876')).toBe(true);
    expect(isHostPort('a.b')).toBe(false);
    expect(isHostPort('a:0')).toBe(false);
    expect(isHostPort('a:70000')).toBe(false);
    expect(isHostPort('a b:1')).toBe(false);
  });
  it('address server reply: trim, cut at CR/LF, drop junk', () => {
    expect(parseAddressServerReply('  1.1.1.1:9876;2.2.2.2:9876\r\n3.3.3.3:9876\n')).toEqual(['1.1.1.1:9876', '2.2.2.2:9876']);
    expect(parseAddressServerReply('<html>oops</html>')).toEqual([]);
  });
  it('URL shape', () => {
    expect(addressServerUrl()).toBe('http://jmenv.tbsite.net:8080/rocketmq/nsaddr');
    expect(addressServerUrl({ namesrvDomain: 'ns.example:81', namesrvDomainSubgroup: 'g' })).toBe('http://ns.example:81/rocketmq/g');
    expect(addressServerUrl({ namesrvDomain: 'ns.example', unitName: 'u' })).toBe('http://ns.example:8080/rocketmq/nsaddr-u?nofix=1');
    expect(addressServerUrl({ wsAddr: 'http://x/y', namesrvDomain: 'ignored' })).toBe('http://x/y');
  });
});

describe('resolveNamesrvAddrs', () => {
  it('option wins over env', async () => {
    const r = await resolveNamesrvAddrs({ namesrvAddr: 'http://1.1.1.1:9876;2.2.2.2:9876', env: { NAMESRV_ADDR: '9.9.9.9:9876' } });
    expect(r).toEqual({ addrs: ['1.1.1.1:9876', '2.2.2.2:9876'], source: 'option' });
    expect((await resolveNamesrvAddrs({ namesrvAddr: ['a:1', 'b:2;c:3'] })).addrs).toEqual(['a:1', 'b:2', 'c:3']);
  });
  it('env when no option', async () => {
    expect(await resolveNamesrvAddrs({ env: { NAMESRV_ADDR: '9.9.9.9:9876' } })).toEqual({ addrs: ['9.9.9.9:9876'], source: 'env' });
  });
  it('malformed explicit address is a ValidationError', async () => {
    await expect(resolveNamesrvAddrs({ namesrvAddr: 'nohost' })).rejects.toBeInstanceOf(ValidationError);
    await expect(resolveNamesrvAddrs({ env: { NAMESRV_ADDR: 'x:y' } })).rejects.toBeInstanceOf(ValidationError);
  });
  it('HTTP discovery via domain (port kept) and subgroup', async () => {
    const { port, paths } = await httpServer((_req, res) => res.end('127.0.0.1:9876;127.0.0.2:9877\n'));
    const r = await resolveNamesrvAddrs({ env: {}, namesrvDomain: `127.0.0.1:${port}`, namesrvDomainSubgroup: 'nsaddr-x' });
    expect(r).toEqual({ addrs: ['127.0.0.1:9876', '127.0.0.2:9877'], source: 'http', url: `http://127.0.0.1:${port}/rocketmq/nsaddr-x` });
    expect(paths).toEqual(['/rocketmq/nsaddr-x']);
  });
  it('HTTP errors: status, empty reply, refused, timeout', async () => {
    const bad = await httpServer((_req, res) => {
      res.statusCode = 500;
      res.end('no');
    });
    await expect(fetchNamesrvAddrs(`http://127.0.0.1:${bad.port}/rocketmq/nsaddr`)).rejects.toThrow(/HTTP 500/);
    const empty = await httpServer((_req, res) => res.end('   \n'));
    await expect(fetchNamesrvAddrs(`http://127.0.0.1:${empty.port}/`)).rejects.toThrow(/no nameserver address/);
    // a port that was just closed: refused
    const gone = await httpServer((_req, res) => res.end('x'));
    const s = servers.pop()!;
    await new Promise<void>((r) => s.close(() => r()));
    await expect(fetchNamesrvAddrs(`http://127.0.0.1:${gone.port}/`)).rejects.toBeInstanceOf(NoNameServerError);
    // never answers
    const slow = await httpServer(() => undefined);
    const t0 = Date.now();
    const err = await fetchNamesrvAddrs(`http://127.0.0.1:${slow.port}/`, 200).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NoNameServerError);
    expect(String((err as Error).message)).toMatch(/timed out after 200 ms/);
    expect(Date.now() - t0).toBeLessThan(2000);
    await expect(resolveNamesrvAddrs({ env: {}, wsAddr: `http://127.0.0.1:${slow.port}/`, httpTimeoutMs: 100 })).rejects.toBeInstanceOf(NoNameServerError);
  });
});

describe('NamesrvAddrWatcher', () => {
  it('re-reads the address server and reports changes; stop() ends it', async () => {
    let reply = '127.0.0.1:1001';
    const { port, paths } = await httpServer((_req, res) => res.end(reply));
    const changes: string[][] = [];
    const errors: Error[] = [];
    const w = new NamesrvAddrWatcher({
      env: {},
      wsAddr: `http://127.0.0.1:${port}/rocketmq/nsaddr`,
      initialDelayMs: 20,
      intervalMs: 30,
      onChange: (a) => changes.push(a),
      onError: (e) => errors.push(e),
    });
    expect((await w.start()).addrs).toEqual(['127.0.0.1:1001']);
    reply = '127.0.0.1:1002;127.0.0.1:1003';
    await waitFor(() => changes.length === 1);
    expect(changes[0]).toEqual(['127.0.0.1:1002', '127.0.0.1:1003']);
    expect(w.current).toEqual(['127.0.0.1:1002', '127.0.0.1:1003']);
    reply = 'garbage';
    await waitFor(() => errors.length >= 1);
    expect(w.current).toEqual(['127.0.0.1:1002', '127.0.0.1:1003']);
    w.stop();
    const n = paths.length;
    await new Promise((r) => setTimeout(r, 120));
    expect(paths.length).toBeLessThanOrEqual(n + 1); // at most one fetch already in flight
  });

  it('does not poll when addresses were given', async () => {
    const w = new NamesrvAddrWatcher({ namesrvAddr: '127.0.0.1:9876', initialDelayMs: 1 });
    expect(await w.start()).toEqual({ addrs: ['127.0.0.1:9876'], source: 'option' });
    w.stop();
  });
});

async function waitFor(cond: () => boolean, timeoutMs = 3000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}
