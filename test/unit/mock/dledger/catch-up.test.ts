import { afterEach, describe, expect, it } from 'vitest';
import { DLedgerGroup } from '../../../../src/mock/dledger/index.js';
import { tempDir, sleep, until } from './helpers.js';

const SCALE = 0.1; // re-push after 100 ms, heartbeat 200 ms
let cleanup: (() => void)[] = [];
afterEach(() => {
  for (const f of cleanup.reverse()) f();
  cleanup = [];
});

describe('DLedger replication: a follower that lost more pushes than the dispatch window', () => {
  it('catches up while the leader keeps appending (the full window still re-pushes the lost entry)', async () => {
    const t = tempDir();
    const g = new DLedgerGroup({ baseDir: t.dir, timeScale: SCALE, seed: 41, mappedFileSize: 1 << 20 });
    cleanup.push(t.remove, () => g.stop());
    g.start();
    const leader = await g.waitForLeader(5000);
    const lagging = [...g.nodes.values()].find((n) => n !== leader)!;
    await leader.appendAsLeader(Buffer.from('first'));
    await until(() => lagging.log.endIndex === 0, 2000, 'first entry replicated');

    // 1050 pushes to the isolated follower are lost: more than the dispatcher's 1000 in-flight window.
    g.isolate(lagging.selfId);
    // In waves of 50: 1050 appends at once can outlast the (scaled) quorum-ack wait on a loaded machine, which is not
    // what this test is about.
    const lost = [];
    for (let w = 0; w < 1050; w += 50) {
      lost.push(...(await Promise.all(Array.from({ length: 50 }, (_, i) => leader.appendAsLeader(Buffer.from(`lost-${w + i}`))))));
    }
    expect(lost.filter((r) => r.status !== 'SUCCESS').map((r) => r.status)).toEqual([]); // the other follower is the quorum
    expect(lagging.log.endIndex).toBe(0);
    g.heal();

    // Steady load after the heal: the leader is never idle, so only the full-window path can re-push.
    let stop = false;
    const load = (async () => {
      for (let i = 0; !stop; i++) {
        await leader.appendAsLeader(Buffer.from(`more-${i}`));
        await sleep(3);
      }
    })();
    try {
      await until(() => lagging.log.endIndex >= 1050, 10_000, 'the lagging follower to catch up under load');
    } finally {
      stop = true;
      await load;
    }
    expect(leader.role).toBe('LEADER');
    expect(lagging.role).toBe('FOLLOWER');
    for (const i of [1, 500, 1050]) expect(lagging.log.get(i)!.body.toString()).toBe(leader.log.get(i)!.body.toString());
  });
});
