import { existsSync } from 'node:fs';
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { MockCluster } from '../../src/mock/index.js';
import { Conns, sendReq } from './mock-helpers.js';

const refused = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve(false);
    });
    s.once('error', () => resolve(true));
  });

const handles = (): string[] => process.getActiveResourcesInfo().filter((r) => r !== 'TTYWrap');

describe('MockCluster.stop()', () => {
  it('leaves no sockets, listening ports, timers or temp directories behind', async () => {
    const before = handles().length;
    const cluster = await MockCluster.start({
      groups: [
        { brokerName: 'a', mode: 'single' },
        { brokerName: 'b', mode: 'master-slave', syncMaster: true },
        { brokerName: 'c', mode: 'dledger' },
      ],
      timeScale: 0.05,
    });
    await cluster.createTopic('T', { queues: 1 });
    const conns = new Conns();
    const b = await cluster.waitForLeader('b');
    expect((await conns.call(b.addr, sendReq('T', 'x'))).code).toBe(0);
    await cluster.waitForLeader('c', 5000);
    const ports = [cluster.nameServer.port, ...['a', 'b', 'c'].flatMap((n) => cluster.nodes(n).map((x) => x.broker.port))];
    const dir = cluster.storeDir;
    expect(existsSync(dir)).toBe(true);
    await conns.closeAll();
    await cluster.stop();
    expect(existsSync(dir)).toBe(false);
    for (const p of ports) expect(await refused(p)).toBe(true);
    await new Promise((r) => setTimeout(r, 50));
    expect(handles().length).toBeLessThanOrEqual(before);
  });
});
