import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { MockCluster } from '../../src/mock/index.js';

/** A port that is free right now (bound then released). */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

describe('MockCluster fixed broker ports (listenPort)', () => {
  let cluster: MockCluster | undefined;
  afterEach(async () => {
    await cluster?.stop();
    cluster = undefined;
  });

  it('listens on the port given for each replica position, and keeps it across a restart', async () => {
    const p0 = await freePort();
    const p1 = await freePort();
    cluster = await MockCluster.start({ groups: [{ brokerName: 'broker-a', mode: 'master-slave', ports: [p0, p1] }], timeScale: 0.05 });
    const addrs = cluster.nodes('broker-a').map((n) => n.broker.addr).sort();
    expect(addrs).toEqual([`127.0.0.1:${p0}`, `127.0.0.1:${p1}`].sort());
    await cluster.kill('broker-a', 'n1');
    await cluster.restart('broker-a', 'n1');
    expect(cluster.nodes('broker-a').find((n) => n.id === 'n1')?.broker.addr).toBe(`127.0.0.1:${p1}`);
  });
});
