/**
 * Producer benchmark against one MockCluster (`npm run bench -- producer`). Prints figures, asserts nothing:
 * - sync send latency p50/p99 (one message at a time);
 * - async throughput at maxInflight 1, 64 and 1024;
 * - failover: time from a leader kill to the first successful send to that group, and failed sends during the
 *   election with one group and with two.
 * ali-ons figures are added by someone else through {@link aliOnsFigures} (same mock, same shapes); until then the
 * hook returns undefined and the table says so.
 */
import { MockCluster } from '../../src/mock/index.js';
import { Producer } from '../../src/producer/index.js';

/** Figures of one client, so ours and ali-ons's print side by side. */
export interface ClientFigures {
  /** Sync latency percentiles, ms. */
  syncP50Ms: number;
  /** Sync latency p99, ms. */
  syncP99Ms: number;
  /** Messages per second by maxInflight (or the client's closest concurrency knob). */
  asyncMsgPerSec: Record<number, number>;
}

/** Where the ali-ons engineer plugs in: given the running mock's nameserver and topic, measure ali-ons the same way. */
export type AliOnsBench = (ctx: { namesrvAddr: string; topic: string; messages: number; inflight: readonly number[] }) => Promise<ClientFigures>;

/**
 * Hook for the ali-ons figures. Replace the body (or assign {@link setAliOnsBench}) when ali-ons is wired in.
 * @param ctx - the mock and the workload
 */
let aliOnsBench: AliOnsBench | undefined;
/** Registers the ali-ons measurement (called by the ali-ons bench module). */
export function setAliOnsBench(fn: AliOnsBench): void {
  aliOnsBench = fn;
}
/** The ali-ons figures, or undefined while no measurement is registered. */
export async function aliOnsFigures(ctx: Parameters<AliOnsBench>[0]): Promise<ClientFigures | undefined> {
  return aliOnsBench ? aliOnsBench(ctx) : undefined;
}

const INFLIGHT = [1, 64, 1024] as const;
const TIME_SCALE = 0.05;

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function ours(namesrvAddr: string, topic: string, messages: number): Promise<ClientFigures> {
  const sync = new Producer({ namesrvAddr, producerGroup: 'bench_sync' });
  await sync.start();
  const lat: number[] = [];
  for (let i = 0; i < Math.min(2000, messages); i++) {
    const t = performance.now();
    await sync.send({ topic, body: `sync ${i}` });
    lat.push(performance.now() - t);
  }
  await sync.shutdown();
  lat.sort((a, b) => a - b);
  const asyncMsgPerSec: Record<number, number> = {};
  for (const n of INFLIGHT) {
    const p = new Producer({ namesrvAddr, producerGroup: `bench_async_${n}`, maxInflight: n });
    await p.start();
    await p.send({ topic, body: 'warm up' });
    let done = 0;
    let failed = 0;
    const all = new Promise<void>((resolve) => {
      const t0 = performance.now();
      let sent = 0;
      const cb = (err: Error | undefined): void => {
        if (err) failed++;
        if (++done === messages) {
          asyncMsgPerSec[n] = Math.round(messages / ((performance.now() - t0) / 1000));
          resolve();
        }
      };
      void (async () => {
        for (; sent < messages; sent++) await p.sendAsync({ topic, body: `async ${sent}` }, cb);
      })();
    });
    await all;
    if (failed) console.log(`  (maxInflight ${n}: ${failed} failed)`);
    await p.shutdown();
  }
  return { syncP50Ms: pct(lat, 50), syncP99Ms: pct(lat, 99), asyncMsgPerSec };
}

/** Sends in a loop, kills a leader of `victim`, and measures the election as the producer saw it. */
async function failover(groups: string[], victim: string): Promise<{ recoveryMs: number; failed: number; total: number }> {
  const cluster = await MockCluster.start({
    groups: groups.map((brokerName) => ({ brokerName, mode: 'dledger' as const, replicas: 3 })),
    timeScale: TIME_SCALE,
  });
  try {
    await Promise.all(groups.map((g) => cluster.waitForLeader(g)));
    await cluster.createTopic('bench_failover');
    const p = new Producer({ namesrvAddr: cluster.namesrvAddr, producerGroup: 'bench_failover' });
    await p.start();
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
        const r = await p.send({ topic: 'bench_failover', body: `f ${i}` });
        if (killedAt && recoveryMs < 0 && r.messageQueue.brokerName === victim) recoveryMs = performance.now() - killedAt;
      } catch {
        failed++;
      }
      if (recoveryMs >= 0 && i > 400) break;
    }
    await p.shutdown();
    return { recoveryMs: Math.round(recoveryMs), failed, total };
  } finally {
    await cluster.stop();
  }
}

/** Runs the producer benchmark. */
export default async function bench(): Promise<void> {
  const messages = Number(process.env.BENCH_MESSAGES ?? 20_000);
  const cluster = await MockCluster.start({ groups: [{ brokerName: 'broker-a', mode: 'single' }], timeScale: TIME_SCALE });
  let mine: ClientFigures;
  let ali: ClientFigures | undefined;
  try {
    await cluster.createTopic('bench_topic', { queues: 8 });
    mine = await ours(cluster.namesrvAddr, 'bench_topic', messages);
    ali = await aliOnsFigures({ namesrvAddr: cluster.namesrvAddr, topic: 'bench_topic', messages, inflight: INFLIGHT });
  } finally {
    await cluster.stop();
  }
  const row = (label: string, a: string | number, b: string | number | undefined): string =>
    `  ${label.padEnd(28)} ${String(a).padStart(12)} ${String(b ?? 'n/a').padStart(12)}`;
  console.log(`one single-broker mock, ${messages} messages per async run, timeScale ${TIME_SCALE}`);
  console.log(row('', 'rocketmq-ts', 'ali-ons'));
  console.log(row('sync p50 (ms)', mine.syncP50Ms.toFixed(2), ali?.syncP50Ms.toFixed(2)));
  console.log(row('sync p99 (ms)', mine.syncP99Ms.toFixed(2), ali?.syncP99Ms.toFixed(2)));
  for (const n of INFLIGHT) console.log(row(`async msg/s, maxInflight ${n}`, mine.asyncMsgPerSec[n], ali?.asyncMsgPerSec[n]));
  if (!ali) console.log('  (ali-ons: no measurement registered; see setAliOnsBench in test/bench/producer.ts)');

  const one = await failover(['broker-a'], 'broker-a');
  const two = await failover(['broker-a', 'broker-b'], 'broker-a');
  console.log('failover (3-replica DLedger groups, leader killed after 200 sends):');
  console.log(`  one group: first send to the group ${one.recoveryMs} ms after the kill; ${one.failed}/${one.total} sends failed`);
  console.log(`  two groups: first send back to broker-a ${two.recoveryMs} ms after the kill; ${two.failed}/${two.total} sends failed`);
}
