/**
 * `rmq mock` as a separate process, the way other processes use it: spawn bin/rmq.js, read the namesrv line, talk
 * to the cluster over TCP with src/remoting + src/protocol, then SIGINT and expect a clean exit 0 with the port and
 * the temporary store released.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeClusterInfoResponse, encodeClusterInfoRequest } from '../../src/protocol/cluster-info.js';
import { decodeRouteInfoResponse, encodeRouteInfoRequest } from '../../src/protocol/route-info.js';
import { runMock } from '../../src/cli/commands/mock.js';
import { Conns } from './mock-helpers.js';

const root = join(import.meta.dirname, '..', '..');
const fixtures = join(root, 'test', 'unit', 'mock', 'conf', 'fixtures');

/** A port that was free a moment ago (the CLI wants a fixed one). */
async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

interface Cli {
  child: ChildProcessWithoutNullStreams;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
  /** Resolves with stdout once `pred` holds for it. */
  waitOut: (pred: (out: string) => boolean, ms?: number) => Promise<string>;
}

const running: Cli[] = [];

function rmq(args: string[]): Cli {
  const child = spawn(process.execPath, [join(root, 'bin', 'rmq.js'), 'mock', ...args], { cwd: root, stdio: 'pipe' });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  const cli: Cli = {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    async waitOut(pred, ms = 40_000) {
      const deadline = Date.now() + ms;
      while (!pred(out)) {
        if (child.exitCode !== null) throw new Error(`rmq mock exited ${child.exitCode}: ${err}`);
        if (Date.now() > deadline) throw new Error(`timed out; stdout=${out} stderr=${err}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      return out;
    },
  };
  running.push(cli);
  return cli;
}

describe('rmq mock (CLI process)', { timeout: 90_000 }, () => {
  const conns = new Conns();
  afterEach(async () => {
    await conns.closeAll();
    for (const c of running.splice(0)) if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill('SIGKILL');
  });

  it('serves --groups on a fixed namesrv port, answers cluster info and routes, and exits 0 on SIGINT', async () => {
    const port = await freePort();
    const cli = rmq(['--groups', 'broker-a:dledger:3,broker-b:single', '--namesrv-port', String(port), '--time-scale', '0.1', '--topic', 'CliTopic:2']);
    const out = await cli.waitOut((o) => o.includes('\nstore: '));
    expect(out.split('\n')[0]).toBe(`namesrv 127.0.0.1:${port}`);
    expect(out).toMatch(/broker-a\s+dledger\s+n\d\s+SYNC_MASTER\s+0\s+127\.0\.0\.1:\d+/);
    expect(out).toMatch(/broker-b\s+single\s+n0\s+ASYNC_MASTER\s+0\s+127\.0\.0\.1:\d+/);
    const storeDir = /\nstore: (.*)\n/.exec(out)![1];

    const ns = `127.0.0.1:${port}`;
    const info = decodeClusterInfoResponse(await conns.call(ns, encodeClusterInfoRequest()));
    expect(new Set(info.clusterAddrTable.DefaultCluster)).toEqual(new Set(['broker-a', 'broker-b']));
    const a = info.brokerAddrTable['broker-a'].brokerAddrs;
    // DLedger: the leader as brokerId 0, followers as selfNum + 1; every address is one the CLI printed.
    expect(Object.keys(a).sort()).toEqual(['0', ...Object.keys(a).filter((k) => k !== '0')].sort());
    expect(Object.keys(a)).toHaveLength(3);
    for (const addr of [...Object.values(a), ...Object.values(info.brokerAddrTable['broker-b'].brokerAddrs)]) expect(out).toContain(addr);
    const route = decodeRouteInfoResponse(await conns.call(ns, encodeRouteInfoRequest({ topic: 'CliTopic' })));
    expect(route.queueDatas.map((q) => [q.brokerName, q.writeQueueNums]).sort()).toEqual([['broker-a', 2], ['broker-b', 2]]);
    await conns.closeAll();

    cli.child.kill('SIGINT');
    expect(await cli.exited).toBe(0);
    expect(cli.stderr()).toContain('rmq mock: stopped');
    expect(existsSync(storeDir)).toBe(false);
    // The fixed port is free again.
    const again = createServer();
    await new Promise<void>((resolve, reject) => again.once('error', reject).listen(port, '127.0.0.1', resolve));
    await new Promise((r) => again.close(r));
  });

  it('serves the seed article\'s DLedger broker.conf files with --json, and exits 0 on SIGTERM', async () => {
    const port = await freePort();
    const confs = ['n0', 'n1', 'n2'].flatMap((n) => ['--conf', join(fixtures, `seed-dledger-${n}.conf`)]);
    const cli = rmq([...confs, '--namesrv-port', String(port), '--time-scale', '0.1', '--json']);
    const out = await cli.waitOut((o) => o.endsWith('\n'));
    const lines = out.trim().split('\n');
    expect(lines).toHaveLength(1);
    const j = JSON.parse(lines[0]) as { namesrv: string; clusterName: string; groups: { brokerName: string; mode: string; nodes: { brokerId: number; addr: string }[] }[] };
    expect(j.namesrv).toBe(`127.0.0.1:${port}`);
    expect(j.clusterName).toBe('DefaultCluster');
    expect(j.groups).toHaveLength(1);
    expect(j.groups[0]).toMatchObject({ brokerName: 'broker-a', mode: 'dledger' });
    expect(j.groups[0].nodes.map((n) => n.brokerId).filter((id) => id === 0)).toHaveLength(1);
    // What the files ask for but the mock cannot do is said on stderr, not silently dropped.
    expect(cli.stderr()).toContain('storePathRootDir/storePathCommitLog are not honoured');

    const info = decodeClusterInfoResponse(await conns.call(j.namesrv, encodeClusterInfoRequest()));
    expect(Object.keys(info.brokerAddrTable['broker-a'].brokerAddrs)).toHaveLength(3);
    // autoCreateTopicEnable=false in the files: an unknown topic has no route.
    expect((await conns.call(j.namesrv, encodeRouteInfoRequest({ topic: 'NotCreated' }))).code).toBe(17);
    await conns.closeAll();

    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
  });

  it('exits 2 through bin/rmq.js on a bad argument', async () => {
    const cli = rmq(['--groups', 'a:raft']);
    expect(await cli.exited).toBe(2);
    expect(cli.stderr()).toContain('rmq mock: --groups: mode of a must be single, master-slave or dledger, got "raft"');
  });

  // The remaining exit paths run in process (same code, no 2-3 s tsx start-up per case).
  const inProcess = async (args: string[], signal?: AbortSignal) => {
    let out = '';
    let err = '';
    const code = await runMock(args, { out: (t) => (out += t), err: (t) => (err += t), signal });
    return { code, out, err };
  };

  it.each([
    [['--bogus']],
    [['--namesrv-port', 'x']],
    [['--namesrv-port', '70000']],
    [['--topic', 'T:0']],
    [['--topic', 'bad topic']],
    [['--time-scale', '-1']],
    [['--time-scale=-1']],
    [['--time-scale', '']],
    [['--groups', 'a:single,a:single']],
    [['--groups', 'a:dledger:12']],
    [['--groups', 'a:master-slave:maybe']],
    [['--cluster-name', 'x y']],
    [['--conf', join(fixtures, 'missing.conf')]],
    [['--conf', join(fixtures, 'seed-ms-master.conf'), '--groups', 'broker-a:single']],
    [['stray']],
  ])('exits 2 on %j', async (args) => {
    const r = await inProcess(args);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^rmq mock: [\s\S]+\nRun 'rmq mock --help' for usage\.\n$/);
    expect(r.out).toBe('');
  });

  it('prints usage on --help (exit 0) and exits 1 when the namesrv port is taken', async () => {
    const help = await inProcess(['--help']);
    expect(help.code).toBe(0);
    expect(help.out).toContain('Usage: rmq mock');
    const busy = createServer();
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
    try {
      const r = await inProcess(['--namesrv-port', String((busy.address() as AddressInfo).port)]);
      expect(r.code).toBe(1);
      expect(r.err).toContain('cannot start the cluster');
    } finally {
      await new Promise((r) => busy.close(r));
    }
  });

  it('runs a master-slave group from the seed files in process until its signal aborts', async () => {
    const ac = new AbortController();
    let out = '';
    const done = runMock(['--conf', join(fixtures, 'seed-ms-master.conf'), '--conf', join(fixtures, 'seed-ms-slave.conf'), '--namesrv-port', '0', '--time-scale', '0.1'], {
      out: (t) => (out += t),
      err: () => {},
      signal: ac.signal,
    });
    const deadline = Date.now() + 20_000;
    while (!out.includes('\nstore: ') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(out).toMatch(/broker-a\s+master-slave\s+n0\s+ASYNC_MASTER\s+0\s/);
    expect(out).toMatch(/broker-a\s+master-slave\s+n1\s+SLAVE\s+1\s/);
    const ns = /^namesrv (.*)$/m.exec(out)![1];
    const info = decodeClusterInfoResponse(await conns.call(ns, encodeClusterInfoRequest()));
    expect(Object.keys(info.brokerAddrTable['broker-a'].brokerAddrs).sort()).toEqual(['0', '1']);
    await conns.closeAll();
    ac.abort();
    expect(await done).toBe(0);
  });
});
