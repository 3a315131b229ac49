import { afterEach, expect, it } from 'vitest';
import { DLedgerGroup, mulberry32, nextInt, type DLedgerNode } from '../../../../src/mock/dledger/index.js';
import { tempDir, sleep, until } from './helpers.js';

const SCALE = 0.05; // heartbeat 100 ms, ack timeout 125 ms, follower timeout 300 ms
const ROUNDS = 50;
let cleanup: (() => void)[] = [];
afterEach(() => {
  for (const f of cleanup.reverse()) f();
  cleanup = [];
});

type Fault = 'kill' | 'restart' | 'isolate' | 'cut' | 'pause' | 'heal' | 'none';
const FAULTS: Fault[] = ['kill', 'restart', 'isolate', 'cut', 'pause', 'heal', 'none'];

it(`${ROUNDS} seeded rounds of random faults lose no acknowledged entry and converge`, async () => {
  const t = tempDir();
  const g = new DLedgerGroup({ baseDir: t.dir, timeScale: SCALE, seed: 99, mappedFileSize: 8 * 1024 });
  cleanup.push(t.remove, () => g.stop());
  const rng = mulberry32(20240601); // the fault schedule replays exactly from this seed
  const pick = <T,>(xs: readonly T[]): T => xs[nextInt(rng, xs.length)];
  const acked = new Set<string>();
  const attempted = new Set<string>();
  const statuses = new Map<string, number>();
  const down = new Set<string>();
  const paused = new Set<string>();
  const schedule: string[] = [];
  g.start();
  await g.waitForLeader(5000);

  for (let round = 0; round < ROUNDS; round++) {
    const fault = pick(FAULTS);
    const id = pick(g.peers);
    const other = pick(g.peers.filter((p) => p !== id));
    schedule.push(`${fault}:${id}:${other}`);
    switch (fault) {
      case 'kill':
        if (!down.has(id)) {
          g.kill(id);
          down.add(id);
          paused.delete(id);
        }
        break;
      case 'restart':
        for (const d of down) g.restart(d);
        down.clear();
        break;
      case 'isolate':
        g.isolate(id);
        break;
      case 'cut':
        g.cutLink(id, other);
        break;
      case 'pause':
        if (!down.has(id) && !paused.has(id)) {
          g.pause(id);
          paused.add(id);
        } else if (paused.has(id)) {
          g.resume(id);
          paused.delete(id);
        }
        break;
      case 'heal':
        g.heal();
        for (const p of paused) g.resume(p);
        paused.clear();
        break;
      case 'none':
        break;
    }
    // Send a few appends to whoever believes it leads right now.
    const writes: Promise<void>[] = [];
    for (const n of g.nodes.values()) {
      if (!n.isRunning || n.role !== 'LEADER' || paused.has(n.selfId)) continue;
      for (let k = 0; k < 3; k++) {
        const body = `r${round}-${n.selfId}-${k}`;
        attempted.add(body);
        writes.push(
          n.appendAsLeader(Buffer.from(body)).then((r) => {
            statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
            if (r.status === 'SUCCESS') acked.add(body);
          }),
        );
      }
    }
    await Promise.all(writes);
    await sleep(100 + nextInt(rng, 150));
  }

  // Repair everything and let the group converge.
  g.heal();
  for (const p of paused) g.resume(p);
  for (const d of down) g.restart(d);
  let leader: DLedgerNode | undefined;
  await until(() => {
    leader = g.leader();
    return leader !== undefined && [...g.nodes.values()].every((n) => n === leader || (n.role === 'FOLLOWER' && n.leaderId === leader!.selfId));
  }, 15000, 'a leader followed by everyone');
  // An entry of the new term commits everything before it (0.3.1.2 commits by watermark, not by term).
  let final;
  for (let i = 0; i < 20 && final?.status !== 'SUCCESS'; i++) final = await leader!.appendAsLeader(Buffer.from('final'));
  expect(final?.status).toBe('SUCCESS');
  const end = leader!.log.endIndex;
  await until(() => [...g.nodes.values()].every((n) => n.log.endIndex === end && n.committedIndex === end), 10000, 'convergence');

  const logs = [...g.nodes.values()].map((n) => {
    const rows: string[] = [];
    for (let i = 0; i <= end; i++) {
      const e = n.log.get(i)!;
      rows.push(`${e.index}|${e.term}|${e.pos}|${e.size}|${e.body.toString('hex')}`);
    }
    return rows;
  });
  expect(logs[1]).toEqual(logs[0]);
  expect(logs[2]).toEqual(logs[0]);
  const bodies = [...g.nodes.values()][0];
  const present: string[] = [];
  for (let i = 0; i <= end; i++) present.push(bodies.log.get(i)!.body.toString());
  for (const a of acked) expect(present).toContain(a);
  for (const p of present) if (p !== 'final') expect(attempted.has(p)).toBe(true);
  expect(new Set(present.filter((p) => p !== 'final')).size).toBe(present.filter((p) => p !== 'final').length);
  // pos is a running byte offset: each entry starts where the previous ended or at the next file boundary
  for (let i = 1; i <= end; i++) {
    const prev = bodies.log.get(i - 1)!;
    const cur = bodies.log.get(i)!;
    expect(cur.pos === prev.pos + prev.size || cur.pos % (8 * 1024) === 0).toBe(true);
  }
  expect(acked.size).toBeGreaterThan(20); // the run did real work, not just faults
  expect(schedule.length).toBe(ROUNDS);
}, 60_000);
