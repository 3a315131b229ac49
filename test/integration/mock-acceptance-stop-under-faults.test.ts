/**
 * Issue 3 acceptance: "stop() leaves no handles, ports or temporary directories" — in the messy state a failing
 * test leaves behind, which mock-stop-cleanup.test.ts (a healthy cluster) does not cover: a killed replica, a paused
 * one holding a request, an isolated one, a cut link, client latency holding a request, a long-polling pull parked
 * on a broker, and a store directory created under a private TMPDIR. stop() must settle promptly, every port must
 * refuse connections, the private TMPDIR must be empty, and no handle type may outnumber its count before start.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MockCluster } from '../../src/mock/index.js';
import { Conns, pullReq, sendReq, until } from './mock-helpers.js';

const refused = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve(false);
    });
    s.once('error', () => resolve(true));
  });

/** Active (ref'd) resources by type, e.g. { TCPSocketWrap: 2, Timeout: 1 }. */
const handleCounts = (): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const r of process.getActiveResourcesInfo()) if (r !== 'TTYWrap') out[r] = (out[r] ?? 0) + 1;
  return out;
};

const privateTmp = mkdtempSync(join(tmpdir(), 'mock-acceptance-stop-'));
const savedTmp = process.env.TMPDIR;
afterAll(() => {
  if (savedTmp === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = savedTmp;
  rmSync(privateTmp, { recursive: true, force: true });
});

describe('MockCluster.stop() in the middle of injected faults', () => {
  it('settles, frees every port, removes its store directory and leaves no handle behind', async () => {
    // os.tmpdir() reads TMPDIR on every call: the cluster's mkdtemp lands in a directory only this test uses.
    process.env.TMPDIR = privateTmp;
    const before = handleCounts();
    const cluster = await MockCluster.start({
      groups: [
        { brokerName: 'a', mode: 'single' },
        { brokerName: 'b', mode: 'master-slave', syncMaster: true },
        { brokerName: 'c', mode: 'dledger' },
      ],
      timeScale: 0.05,
    });
    expect(cluster.storeDir.startsWith(privateTmp)).toBe(true);
    await cluster.createTopic('T', { queues: 1 });
    const conns = new Conns();
    const c = await cluster.waitForLeader('c', 5000);
    await cluster.waitForLeader('b', 5000);
    expect((await conns.call(c.addr, sendReq('T', 'x'))).code).toBe(0);
    const ports = [cluster.nameServer.port, ...['a', 'b', 'c'].flatMap((n) => cluster.nodes(n).map((x) => x.broker.port))];

    // Faults: a follower killed, the leader's links cut one way, the master/slave slave paused with a send waiting,
    // the single broker slowed by 30 s with a send waiting, and a 20 s long poll parked on the leader.
    const followers = cluster.nodes('c').filter((n) => n.id !== c.id);
    await cluster.kill('c', followers[0].id);
    cluster.cutLink('c', c.id, followers[1].id);
    cluster.isolate('c', followers[1].id);
    cluster.pause('b', 'n1');
    cluster.setLatency('a', 'n0', 30_000);
    const held = [
      conns.call(cluster.broker('b', 'n1').addr, sendReq('T', 'to a paused slave'), 30_000),
      conns.call(cluster.broker('a', 'n0').addr, sendReq('T', 'slow'), 30_000),
      conns.call(c.addr, pullReq('T', 0, 1, 20_000), 30_000),
    ].map((p) => p.then(() => 'answered', () => 'rejected'));
    await until(() => cluster.broker('c', c.id).pullHold.size === 1, 2000, 'the long poll to be parked');
    await new Promise((r) => setTimeout(r, 50)); // let the two sends reach their brokers

    const t0 = Date.now();
    await cluster.stop();
    const stopMs = Date.now() - t0;
    expect(stopMs).toBeLessThan(3000);
    // Every held request settles (answered or its connection closed) instead of hanging until its own timeout.
    const settled = await Promise.race([Promise.all(held), new Promise((r) => setTimeout(() => r('hung'), 3000))]);
    expect(settled).not.toBe('hung');
    await conns.closeAll();

    expect(readdirSync(privateTmp)).toEqual([]);
    for (const p of ports) expect(await refused(p), `port ${p}`).toBe(true);
    await new Promise((r) => setTimeout(r, 50));
    const after = handleCounts();
    for (const [type, n] of Object.entries(after)) expect(n, `${type} handles (before: ${JSON.stringify(before)}, after: ${JSON.stringify(after)})`).toBeLessThanOrEqual(before[type] ?? 0);
  });
});
