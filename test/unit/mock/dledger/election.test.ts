import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DLedgerGroup, type RoleChangeEvent } from '../../../../src/mock/dledger/index.js';
import { tempDir, sleep, until } from './helpers.js';

const SCALE = 0.1; // heartbeat 200 ms, follower timeout 600 ms
let cleanup: (() => void)[] = [];
afterEach(() => {
  for (const f of cleanup.reverse()) f();
  cleanup = [];
});

function group(seed: number): DLedgerGroup {
  const t = tempDir();
  const g = new DLedgerGroup({ baseDir: t.dir, timeScale: SCALE, seed, mappedFileSize: 64 * 1024 });
  cleanup.push(t.remove, () => g.stop());
  return g;
}

describe('DLedger election', () => {
  it('elects exactly one leader of three, followed by the other two in its term', async () => {
    const g = group(11);
    const leadersByTerm = new Map<number, Set<string>>();
    for (const n of g.nodes.values()) {
      n.on('roleChange', (e) => {
        if (e.role !== 'LEADER') return;
        if (!leadersByTerm.has(e.term)) leadersByTerm.set(e.term, new Set());
        leadersByTerm.get(e.term)!.add(n.selfId);
      });
    }
    g.start();
    await g.waitForLeader(5000);
    await sleep(600); // three heartbeats later
    const nodes = [...g.nodes.values()];
    await until(() => {
      const l = nodes.filter((n) => n.role === 'LEADER');
      return l.length === 1 && nodes.every((n) => n === l[0] || (n.role === 'FOLLOWER' && n.leaderId === l[0].selfId && n.term === l[0].term));
    }, 5000, 'one leader, two followers');
    const leader = nodes.find((n) => n.role === 'LEADER')!;
    // never two leaders in one term, at any point of the run
    for (const ids of leadersByTerm.values()) expect(ids.size).toBe(1);
    expect(leadersByTerm.get(leader.term)).toEqual(new Set([leader.selfId]));
    // the persisted vote of a follower names the leader in that term
    const f = nodes.find((n) => n !== leader)!;
    const text = fs.readFileSync(path.join(f.log.dir, 'currterm'), 'utf8');
    expect(text).toBe(`currTerm=${leader.term}\nvoteLeader=${leader.selfId}\n`);
  });

  it('a killed leader is replaced by another node after the heartbeat timeout', async () => {
    const g = group(12);
    g.start();
    const old = await g.waitForLeader(5000);
    const killedAt = Date.now();
    g.kill(old.selfId);
    const next = await g.waitForLeader(5000);
    const took = Date.now() - killedAt;
    expect(next.selfId).not.toBe(old.selfId);
    expect(next.term).toBeGreaterThan(old.term);
    // followers wait > 3 heartbeats (6 s real, 600 ms here) before campaigning
    expect(took).toBeGreaterThanOrEqual(6000 * SCALE);
    g.restart(old.selfId);
    await until(() => old.role === 'FOLLOWER' && old.leaderId === next.selfId, 5000, 'old leader to follow');
  });

  it('a leader whose followers die steps down to CANDIDATE in the same term', async () => {
    const g = group(13);
    g.start();
    const leader = await g.waitForLeader(5000);
    const term = leader.term;
    const roles: RoleChangeEvent[] = [];
    leader.on('roleChange', (e) => roles.push(e));
    const t0 = Date.now();
    for (const id of g.peers) if (id !== leader.selfId) g.kill(id);
    await until(() => leader.role === 'CANDIDATE', 5000, 'step down');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(6000 * SCALE - 250);
    expect(roles[0]).toEqual({ role: 'CANDIDATE', term, leaderId: null });
    // alone it re-votes in the same term: no quorum answered, so the term never grows
    await sleep(1000);
    expect(leader.term).toBe(term);
    expect(leader.role).toBe('CANDIDATE');
  });

  it('an isolated follower keeps its term (no quorum answers) and rejoins after heal', async () => {
    const g = group(14);
    g.start();
    const leader = await g.waitForLeader(5000);
    const f = [...g.nodes.values()].find((n) => n !== leader)!;
    g.isolate(f.selfId);
    await until(() => f.role === 'CANDIDATE', 3000, 'candidate');
    await sleep(800);
    expect(f.term).toBe(leader.term);
    expect(leader.role).toBe('LEADER');
    g.heal();
    await until(() => f.role === 'FOLLOWER' && f.leaderId === leader.selfId, 5000, 'rejoin');
  });

  it('restart keeps the persisted term and vote', async () => {
    const g = group(15);
    g.start();
    const leader = await g.waitForLeader(5000);
    const f = [...g.nodes.values()].find((n) => n !== leader)!;
    const { term, votedFor } = f;
    g.kill(f.selfId);
    f.start();
    expect(f.term).toBe(term);
    expect(f.votedFor).toBe(votedFor);
    expect(f.role).toBe('CANDIDATE');
    await until(() => f.role === 'FOLLOWER', 5000, 'follow again');
    expect(f.leaderId).toBe(leader.selfId);
  });
});
