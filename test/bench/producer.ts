/**
 * Producer benchmark (`npm run bench -- producer`), ours beside ali-ons@3.12.0 on one mock. Prints figures, asserts
 * nothing.
 *
 * Comparison: one single-broker mock (8 queues) in this process; each client runs in its own child process
 * (test/bench/_producer-child.ts and test/interop-peers/ali-ons-bench.cjs, same workload: 1 KiB bodies, the same
 * warm-up, RMQ_SYNC_COUNT sequential sends for p50/p99, then BENCH_MESSAGES async sends at 1, 64 and 1024 in flight —
 * `maxInflight` for ours, that many workers awaiting `send()` for ali-ons). A third client, "ours (autoBatch)", is our
 * producer with `autoBatch: true` (default batchMaxDelayMs / batchMaxBytes) on the async levels 64 and 1024 only:
 * the same single-message `sendAsync` calls, gathered by the producer into SEND_BATCH_MESSAGE requests (ali-ons has no
 * such mode). Runs alternate ours → ours (autoBatch) → ali-ons per round (BENCH_ROUNDS, default 2) so all see the same
 * machine moment; every run is printed, ratios use the means.
 * Loss check: each child reports how many sends were acknowledged; the brokers' queue max offsets say how many were
 * stored.
 *
 * Failover (ours only): 3-replica DLedger groups, leader killed after 200 sends — time to the first successful send
 * to that group again, failed sends with one group and with two, and every acknowledged message looked up by its
 * msgId afterwards.
 *
 * Env: BENCH_MESSAGES (20000), BENCH_SYNC (2000), BENCH_ROUNDS (2), BENCH_CPU_PROF=<dir> (profile the children).
 */
import { loadavg } from 'node:os';
import { Admin } from '../../src/admin/index.js';
import { MockCluster } from '../../src/mock/index.js';
import { Producer } from '../../src/producer/index.js';
import { resolveOptions } from '../../src/producer/options.js';
import { mean, ratio, runChild, type ChildEvent } from './_child.js';

/** Figures of one client run. */
export interface ClientFigures {
  /** Sync latency p50, ms. */
  syncP50Ms: number;
  /** Sync latency p99, ms. */
  syncP99Ms: number;
  /** Messages per second by messages in flight. */
  asyncMsgPerSec: Record<number, number>;
  /** Failed sends (sync and measured async). */
  failed: number;
  /** Acknowledged sends, warm-up included. */
  acked: number;
  /** Messages the broker stored during the run (queue max offsets, after − before). */
  stored: number;
  /** CPU time of this (the mock's) process during the run, per stored message, µs (process.cpuUsage). */
  mockCpuUs: number;
  /** The client process's CPU per message by messages in flight, µs (process.cpuUsage in the child, both clients). */
  clientCpuUs: Record<number, number>;
}

const INFLIGHT = [1, 64, 1024] as const;
const AUTOBATCH_INFLIGHT = [64, 1024] as const;
const TIME_SCALE = 0.05;
const TOPIC = 'bench_topic';
const QUEUES = 8;
const SIZE = 1024;
const TARGET = 3;

async function storedCount(admin: Admin): Promise<number> {
  const offsets = await Promise.all(
    Array.from({ length: QUEUES }, (_, queueId) => admin.maxOffset({ topic: TOPIC, brokerName: 'broker-a', queueId })),
  );
  return offsets.reduce((a, b) => a + b, 0);
}

/** The clients compared. */
type Who = 'ours' | 'ours-ab' | 'ali-ons';

/** One run of one client in its child process. */
async function clientRun(who: Who, namesrvAddr: string, admin: Admin, messages: number, syncCount: number, round: number): Promise<ClientFigures> {
  const before = await storedCount(admin);
  const cpu0 = process.cpuUsage();
  const events: ChildEvent[] = await runChild({
    script: who === 'ali-ons' ? 'peer:ali-ons-bench.cjs' : 'ours:_producer-child.ts',
    env: {
      RMQ_NAMESRV: namesrvAddr,
      RMQ_TOPIC: TOPIC,
      RMQ_GROUP: `bench_${who.replace('-', '_')}_${round}`,
      RMQ_SIZE: String(SIZE),
      RMQ_COUNT: String(messages),
      RMQ_SYNC_COUNT: String(who === 'ours-ab' ? 0 : syncCount),
      RMQ_WARMUP: '500',
      RMQ_INFLIGHT: (who === 'ours-ab' ? AUTOBATCH_INFLIGHT : INFLIGHT).join(','),
      RMQ_CONCURRENCY: INFLIGHT.join(','),
      RMQ_AUTOBATCH: who === 'ours-ab' ? '1' : '0',
    },
  });
  const cpu = process.cpuUsage(cpu0);
  const stored = (await storedCount(admin)) - before;
  const sync = events.find((e) => e.event === 'sync') as (ChildEvent & { p50: number; p99: number; failed: number }) | undefined;
  const asyncMsgPerSec: Record<number, number> = {};
  let failed = sync?.failed ?? 0;
  const clientCpuUs: Record<number, number> = {};
  for (const e of events.filter((x) => x.event === 'async') as (ChildEvent & { inflight: number; count: number; ms: number; failed: number; cpuUs?: number })[]) {
    asyncMsgPerSec[e.inflight] = e.count / (e.ms / 1000);
    clientCpuUs[e.inflight] = e.cpuUs ?? NaN;
    failed += e.failed;
  }
  const acked = Number((events.find((e) => e.event === 'done') as ChildEvent & { acked?: number }).acked ?? NaN);
  const mockCpuUs = (cpu.user + cpu.system) / stored;
  return { syncP50Ms: sync?.p50 ?? NaN, syncP99Ms: sync?.p99 ?? NaN, asyncMsgPerSec, failed, acked, stored, mockCpuUs, clientCpuUs };
}

const crashes: string[] = [];

function failedRun(who: string, round: number, err: Error): ClientFigures {
  crashes.push(`${who} run ${round}: ${err.message}`);
  return { syncP50Ms: NaN, syncP99Ms: NaN, asyncMsgPerSec: {}, failed: NaN, acked: NaN, stored: NaN, mockCpuUs: NaN, clientCpuUs: {} };
}

/** Sends in a loop, kills a leader of `victim`, and measures the election as the producer saw it. */
async function failover(groups: string[], victim: string): Promise<{ recoveryMs: number; failed: number; total: number; lost: number }> {
  const cluster = await MockCluster.start({
    groups: groups.map((brokerName) => ({ brokerName, mode: 'dledger' as const, replicas: 3 })),
    timeScale: TIME_SCALE,
  });
  try {
    await Promise.all(groups.map((g) => cluster.waitForLeader(g)));
    await cluster.createTopic('bench_failover');
    const p = new Producer({ namesrvAddr: cluster.namesrvAddr, producerGroup: 'bench_failover' });
    await p.start();
    const body = Buffer.alloc(SIZE, 0x66);
    const acked: string[] = [];
    let failed = 0;
    let total = 0;
    let killedAt = 0;
    let recoveryMs = -1;
    const stopAt = Date.now() + 20_000;
    for (let i = 0; Date.now() < stopAt; i++) {
      if (i === 200) {
        await cluster.killLeader(victim);
        killedAt = performance.now();
      }
      total++;
      try {
        const r = await p.send({ topic: 'bench_failover', body });
        acked.push(r.msgId);
        if (killedAt && recoveryMs < 0 && r.messageQueue.brokerName === victim) recoveryMs = performance.now() - killedAt;
      } catch {
        failed++;
      }
      if (recoveryMs >= 0 && i > 400) break;
    }
    await p.shutdown();
    // Every acknowledged message must be readable from the surviving replicas.
    const admin = new Admin({ namesrvAddr: cluster.namesrvAddr });
    await admin.start();
    let lost = 0;
    try {
      for (let i = 0; i < acked.length; i += 32) {
        const found = await Promise.all(
          acked.slice(i, i + 32).map((id) => admin.queryMessageByUniqKey('bench_failover', id).then(() => true, () => false)),
        );
        lost += found.filter((f) => !f).length;
      }
    } finally {
      await admin.shutdown();
    }
    return { recoveryMs: Math.round(recoveryMs), failed, total, lost };
  } finally {
    await cluster.stop();
  }
}

const num = (n: number, digits = 0): string => (Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : 'n/a');

/** The 1 / 5 / 15-minute load averages, for the header (a shared machine's figures mean little without them). */
const load = (): string => loadavg().map((l) => l.toFixed(2)).join(' / ');

function printComparison(ours: ClientFigures[], oursAB: ClientFigures[], ali: ClientFigures[], messages: number, syncCount: number, loadAtStart: string): void {
  const w = 10;
  const cells = (xs: ClientFigures[], f: (c: ClientFigures) => string): string => xs.map((c) => f(c).padStart(w)).join('');
  const runs = (label: string) => ours.map((_, i) => `${label} ${i + 1}`.padStart(w)).join('');
  console.log(`one single-broker mock (8 queues), ${SIZE} B bodies; sync: ${syncCount} sequential sends; async: ${messages} sends per level`);
  console.log('after 500 warm-up sends; each client in its own process, runs alternate ours → ours (autoBatch) → ali-ons, per round');
  const ab = resolveOptions({ producerGroup: 'x' });
  console.log(
    `ours (autoBatch): batchMaxDelayMs ${ab.batchMaxDelayMs}, batchMaxBytes ${ab.batchMaxBytes}, totalBatchMaxBytes ${ab.totalBatchMaxBytes} (defaults); load average (1 / 5 / 15 min) at start ${loadAtStart}, at end ${load()}`,
  );
  console.log(`  ${''.padEnd(26)}${runs('ours')}${runs('ali-ons')}  ${'ours vs ali-ons'.padStart(15)}  target`);
  const row = (label: string, f: (c: ClientFigures) => number, digits: number, better: 'higher' | 'lower', target?: number, mine = ours): void => {
    const o = mean(mine.map(f));
    const a = mean(ali.map(f));
    const r = better === 'higher' ? ratio(o, a) : ratio(a, o);
    const t = target === undefined ? '—' : `>= ${target}× ${Number.parseFloat(r) >= target ? 'met' : 'MISSED'}`;
    console.log(`  ${label.padEnd(26)}${cells(mine, (c) => num(f(c), digits))}${cells(ali, (c) => num(f(c), digits))}  ${r.padStart(15)}  ${t}`);
  };
  row('sync p50 (ms)', (c) => c.syncP50Ms, 2, 'lower');
  row('sync p99 (ms)', (c) => c.syncP99Ms, 2, 'lower');
  for (const n of INFLIGHT) row(`async msg/s, ${n} in flight`, (c) => c.asyncMsgPerSec[n], 0, 'higher', TARGET);
  // Same ali-ons runs; our columns are the autoBatch runs.
  for (const n of AUTOBATCH_INFLIGHT) row(`  ours (autoBatch), ${n}`, (c) => c.asyncMsgPerSec[n], 0, 'higher', TARGET, oursAB);
  const plain = (label: string, f: (c: ClientFigures) => number, target: string): void =>
    console.log(`  ${label.padEnd(26)}${cells(ours, (c) => num(f(c)))}${cells(ali, (c) => num(f(c)))}  ${''.padStart(15)}  ${target}`);
  plain('failed sends', (c) => c.failed, '0 (ours)');
  plain('acknowledged (incl. warm-up)', (c) => c.acked, '—');
  plain('lost (acked − stored)', (c) => Math.max(0, c.acked - c.stored), '0 (ours)');
  plain('mock CPU µs per stored msg', (c) => c.mockCpuUs, '—');
  const cpuLine = (label: string, xs: ClientFigures[], n: number): string => `${label} ${xs.map((c) => num(c.clientCpuUs[n], 1)).join(' / ')}`;
  for (const n of [1024, 64]) {
    console.log(
      `  client CPU µs/msg at ${n} in flight: ${cpuLine('ours', ours, n)}; ${cpuLine('ours (autoBatch)', oursAB, n)}; ${cpuLine('ali-ons', ali, n)}`,
    );
  }
  console.log(`  mock CPU µs per stored msg with ours (autoBatch) ${oursAB.map((c) => num(c.mockCpuUs, 1)).join(' / ')} (whole child run: warm-up, both levels, start-up)`);
  console.log(
    `  ours (autoBatch) runs: failed ${oursAB.map((c) => num(c.failed)).join(' / ')}, acknowledged ${oursAB.map((c) => num(c.acked)).join(' / ')}, lost ${oursAB.map((c) => num(Math.max(0, c.acked - c.stored))).join(' / ')} (target 0)`,
  );
  console.log('  (ratio: ours ÷ ali-ons for throughput, ali-ons ÷ ours for latency, from the means; > 1 = ours better)');
}

/** Runs the producer benchmark. */
export default async function bench(): Promise<void> {
  const messages = Number(process.env.BENCH_MESSAGES ?? 20_000);
  const syncCount = Number(process.env.BENCH_SYNC ?? 2000);
  const rounds = Number(process.env.BENCH_ROUNDS ?? 2);
  const loadAtStart = load();
  const cluster = await MockCluster.start({ groups: [{ brokerName: 'broker-a', mode: 'single' }], timeScale: TIME_SCALE });
  const admin = new Admin({ namesrvAddr: cluster.namesrvAddr });
  const ours: ClientFigures[] = [];
  const oursAB: ClientFigures[] = [];
  const ali: ClientFigures[] = [];
  try {
    await cluster.createTopic(TOPIC, { queues: QUEUES });
    await admin.start();
    for (let round = 1; round <= rounds; round++) {
      for (const [who, list] of [['ours', ours], ['ours-ab', oursAB], ['ali-ons', ali]] as const) {
        // A crashed run is printed as n/a with its reason; the other runs still count.
        list.push(await clientRun(who, cluster.namesrvAddr, admin, messages, syncCount, round).catch((err: Error) => failedRun(who, round, err)));
      }
    }
  } finally {
    await admin.shutdown();
    await cluster.stop();
  }
  printComparison(ours, oursAB, ali, messages, syncCount, loadAtStart);
  for (const c of crashes) console.log(`  CRASHED ${c}`);

  const one = await failover(['broker-a'], 'broker-a');
  const two = await failover(['broker-a', 'broker-b'], 'broker-a');
  console.log(`failover, ours (3-replica DLedger groups, timeScale ${TIME_SCALE}, ${SIZE} B sync sends, leader killed after 200 sends):`);
  console.log(`  one group:  first send to the group ${one.recoveryMs} ms after the kill; ${one.failed}/${one.total} sends failed; ${one.lost} acknowledged lost (target 0)`);
  console.log(
    `  two groups: first send back to broker-a ${two.recoveryMs} ms after the kill; ${two.failed}/${two.total} sends failed (target 0, ${two.failed === 0 ? 'met' : 'MISSED'}); ${two.lost} acknowledged lost (target 0, ${two.lost === 0 ? 'met' : 'MISSED'})`,
  );
}
