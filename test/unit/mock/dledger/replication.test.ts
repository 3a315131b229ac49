import { afterEach, describe, expect, it } from 'vitest';
import { DLedgerGroup, type DLedgerNode, type CommittedEvent, type TruncatedEvent } from '../../../../src/mock/dledger/index.js';
import { tempDir, sleep, until } from './helpers.js';

const SCALE = 0.2; // ack timeout 500 ms, heartbeat 400 ms, follower timeout 1.2 s (roomy for loaded CI)
let cleanup: (() => void)[] = [];
afterEach(() => {
  for (const f of cleanup.reverse()) f();
  cleanup = [];
});

function group(seed: number, extra: { startPos?: number; baseDir?: string } = {}): DLedgerGroup {
  const t = tempDir();
  const g = new DLedgerGroup({ baseDir: extra.baseDir ?? t.dir, timeScale: SCALE, seed, mappedFileSize: 4096, startPos: extra.startPos });
  cleanup.push(t.remove, () => g.stop());
  return g;
}

function dump(n: DLedgerNode, upTo = n.log.endIndex): string[] {
  const out: string[] = [];
  for (let i = 0; i <= upTo; i++) {
    const e = n.log.get(i)!;
    out.push(`${e.index}/${e.term}/${e.pos}/${e.body.toString('hex')}`);
  }
  return out;
}

describe('DLedger replication', () => {
  it('commits on a quorum; every replica holds identical entries at identical pos and learns the commit', async () => {
    const g = group(21);
    g.start();
    const leader = await g.waitForLeader(5000);
    const events = new Map<string, CommittedEvent[]>();
    for (const n of g.nodes.values()) {
      events.set(n.selfId, []);
      n.on('committed', (e) => events.get(n.selfId)!.push(e));
    }
    const bodies = Array.from({ length: 120 }, (_, i) => Buffer.from(`message-${i}-`.repeat(3)));
    for (const b of bodies) {
      const r = await leader.appendAsLeader(b, (pos) => b.write(String(pos).padStart(8, '0'), 0));
      expect(r.status).toBe('SUCCESS');
    }
    const batch = await leader.appendBatchAsLeader([Buffer.from('b1'), Buffer.from('b2'), Buffer.from('b3')]);
    expect(batch).toMatchObject({ status: 'SUCCESS', index: 122 });
    await until(() => [...g.nodes.values()].every((n) => n.committedIndex === 122), 3000, 'commit everywhere');
    const ref = dump(leader);
    expect(ref.length).toBe(123);
    expect(leader.log.endPos).toBeGreaterThan(4096); // rolled over several 4 KiB files
    for (const n of g.nodes.values()) {
      expect(dump(n)).toEqual(ref);
      expect(n.committedPos).toBe(leader.log.endPos);
      const ev = events.get(n.selfId)!;
      expect(ev[ev.length - 1].toIndex).toBe(122);
      // contiguous ranges, no gaps
      for (let i = 1; i < ev.length; i++) expect(ev[i].fromIndex).toBe(ev[i - 1].toIndex + 1);
    }
    // beforeWrite saw the final pos
    const e5 = leader.log.get(5)!;
    expect(e5.body.subarray(0, 8).toString()).toBe(String(e5.pos).padStart(8, '0'));
    expect(await [...g.nodes.values()].find((n) => n !== leader)!.appendAsLeader(Buffer.from('x'))).toEqual({ status: 'NOT_LEADER' });
  });

  it('a minority leader times out (WAIT_QUORUM_ACK_TIMEOUT), never commits, and is truncated by the new leader', async () => {
    const g = group(22);
    g.start();
    const old = await g.waitForLeader(5000);
    for (let i = 0; i < 3; i++) expect((await old.appendAsLeader(Buffer.from(`ok${i}`))).status).toBe('SUCCESS');
    const truncated: TruncatedEvent[] = [];
    old.on('truncated', (e) => truncated.push(e));
    g.isolate(old.selfId);
    const t0 = Date.now();
    const r = await old.appendAsLeader(Buffer.from('lost'));
    expect(r).toMatchObject({ status: 'WAIT_QUORUM_ACK_TIMEOUT', index: 3 });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(2500 * SCALE - 20);
    expect(old.log.endIndex).toBe(3); // the entry stays in the minority leader's log
    await until(() => [...g.nodes.values()].some((n) => n !== old && n.role === 'LEADER'), 5000, 'new leader');
    const next = [...g.nodes.values()].find((n) => n !== old && n.role === 'LEADER')!;
    expect(next.term).toBeGreaterThan(old.term);
    expect((await next.appendAsLeader(Buffer.from('new'))).status).toBe('SUCCESS');
    await sleep(300);
    expect(old.committedIndex).toBe(2);
    g.heal();
    await until(() => old.role === 'FOLLOWER' && old.committedIndex === 3, 5000, 'old leader to follow and catch up');
    expect(truncated[0]).toEqual({ fromIndex: 3, toIndex: 3 });
    expect(old.log.get(3)!.body.toString()).toBe('new');
    expect(dump(old)).toEqual(dump(next));
  });

  it('an ack timeout is ambiguous: healed in time, the entry commits later', async () => {
    const g = group(23);
    g.start();
    const leader = await g.waitForLeader(5000);
    expect((await leader.appendAsLeader(Buffer.from('a'))).status).toBe('SUCCESS');
    g.isolate(leader.selfId);
    const r = await leader.appendAsLeader(Buffer.from('maybe'));
    expect(r.status).toBe('WAIT_QUORUM_ACK_TIMEOUT');
    g.heal(); // before anyone's 1.2 s heartbeat timeout
    await until(() => [...g.nodes.values()].every((n) => n.committedIndex === 1), 3000, 'late commit');
    expect(leader.role).toBe('LEADER');
    for (const n of g.nodes.values()) expect(n.log.get(1)!.body.toString()).toBe('maybe');
  });

  it('restart from disk keeps every committed entry and the persisted term and vote', async () => {
    const g = group(24);
    g.start();
    const leader = await g.waitForLeader(5000);
    for (let i = 0; i < 40; i++) expect((await leader.appendAsLeader(Buffer.from(`e${i}`))).status).toBe('SUCCESS');
    await until(() => [...g.nodes.values()].every((n) => n.committedIndex === 39), 3000, 'commit');
    const before = new Map([...g.nodes.values()].map((n) => [n.selfId, { term: n.term, vote: n.votedFor, entries: dump(n) }]));
    for (const id of g.peers) g.kill(id);
    for (const id of g.peers) {
      const n = g.node(id);
      n.start();
      expect(n.term).toBe(before.get(id)!.term);
      expect(n.votedFor).toBe(before.get(id)!.vote);
      expect(dump(n)).toEqual(before.get(id)!.entries);
    }
    const again = await g.waitForLeader(5000);
    expect((await again.appendAsLeader(Buffer.from('after'))).status).toBe('SUCCESS');
    await until(() => [...g.nodes.values()].every((n) => n.committedIndex === 40), 3000, 'commit after restart');
    for (const n of g.nodes.values()) expect(dump(n, 39)).toEqual(before.get(n.selfId)!.entries);
  });

  it('honours startPos (the upgrade divide) on every replica', async () => {
    const divide = 3 * 4096;
    const g = group(25, { startPos: divide });
    g.start();
    const leader = await g.waitForLeader(5000);
    const r = await leader.appendAsLeader(Buffer.from('first after upgrade'));
    expect(r).toEqual({ status: 'SUCCESS', index: 0, pos: divide });
    await until(() => [...g.nodes.values()].every((n) => n.committedIndex === 0), 3000, 'commit');
    for (const n of g.nodes.values()) {
      expect(n.log.get(0)!.pos).toBe(divide);
      expect(n.committedPos).toBe(divide + 48 + 19);
    }
  });

  it('a paused leader loses leadership; on resume it steps down and follows', async () => {
    const g = group(26);
    g.start();
    const old = await g.waitForLeader(5000);
    g.pause(old.selfId);
    const next = await g.waitForLeader(5000);
    expect(next.selfId).not.toBe(old.selfId);
    expect((await next.appendAsLeader(Buffer.from('while paused'))).status).toBe('SUCCESS');
    g.resume(old.selfId);
    await until(() => old.role === 'FOLLOWER' && old.leaderId === next.selfId && old.committedIndex === 0, 5000, 'follow');
    expect(old.log.get(0)!.body.toString()).toBe('while paused');
  });
});
