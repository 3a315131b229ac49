/**
 * A paused replica stands for a SIGSTOPped JVM: it must not keep registering with the nameserver. Before the fix the
 * paused old master's periodic REGISTER_BROKER put it back as brokerId 0 over the newly elected leader every round
 * (seen in the chaos soak as recovery times far above the election time).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MockCluster } from '../../src/mock/index.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('mock: a paused old master does not re-register over the new leader', () => {
  let cluster: MockCluster;
  beforeAll(async () => {
    // timeScale 0.05: the 30 s registration period becomes 1.5 s.
    cluster = await MockCluster.start({ groups: [{ brokerName: 'broker-a', mode: 'dledger', replicas: 3 }], timeScale: 0.05 });
  });
  afterAll(async () => {
    await cluster.stop();
  });

  it('keeps the new leader as brokerId 0 in the nameserver for as long as the old one is paused', async () => {
    const old = await cluster.waitForLeader('broker-a', 10_000);
    cluster.pause('broker-a', old.id);
    // The frozen old master still believes it is brokerId 0, so wait for the nameserver to name another address.
    const deadline = Date.now() + 10_000;
    let registered = old.addr;
    while (registered === old.addr && Date.now() < deadline) {
      await sleep(10);
      registered = cluster.nameServer.routes.brokerAddrs('broker-a')?.['0'] ?? old.addr;
    }
    const next = { addr: registered };
    expect(next.addr).not.toBe(old.addr);
    // Several registration rounds while the old master stays frozen: brokerId 0 never points back at it.
    const seen = new Set<string>();
    for (let i = 0; i < 70; i++) {
      seen.add(cluster.nameServer.routes.brokerAddrs('broker-a')?.['0'] ?? 'none');
      await sleep(50);
    }
    expect([...seen]).toEqual([next.addr]);
    // Thawed, it learns the newer term and steps down; the group keeps (or elects) one registered leader.
    cluster.resume('broker-a', old.id);
    const after = await cluster.waitForLeader('broker-a', 10_000);
    expect(after.addr).not.toBe('none');
  });
});
