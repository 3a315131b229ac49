/**
 * Our producer's side of the producer bench, run in a child process by test/bench/producer.ts (the mirror of
 * test/interop-peers/ali-ons-bench.cjs, same inputs, same outputs, same workload):
 * RMQ_SYNC_COUNT sequential sends (latency), then for each value of RMQ_INFLIGHT (comma list) a producer with that
 * `maxInflight` (and `autoBatch` when RMQ_AUTOBATCH=1), RMQ_WARMUP unmeasured sends, and RMQ_COUNT measured
 * sendAsync calls of RMQ_SIZE bytes.
 * Prints JSON lines {event:'sync', p50, p99, failed}, {event:'async', inflight, count, ms, failed, cpuUs}, {event:'done', acked}.
 */
import { Producer } from '../../src/producer/index.js';
import { emit, exitAfterFlush, pct } from './_child.js';

const env = process.env;
const namesrvAddr = env.RMQ_NAMESRV ?? '127.0.0.1:9876';
const topic = env.RMQ_TOPIC ?? 'BenchTopic';
const count = Number(env.RMQ_COUNT ?? 20_000);
const size = Number(env.RMQ_SIZE ?? 1024);
const syncCount = Number(env.RMQ_SYNC_COUNT ?? 2000);
const warmup = Number(env.RMQ_WARMUP ?? 500);
const inflights = (env.RMQ_INFLIGHT ?? '64').split(',').map(Number);
const group = env.RMQ_GROUP ?? 'bench_ours';
/** RMQ_AUTOBATCH=1: the async runs use `autoBatch: true` (default batchMaxDelayMs / batchMaxBytes). */
const autoBatch = env.RMQ_AUTOBATCH === '1';
/** Every acknowledged send, warm-up included, so the parent can compare with what the broker stored. */
let acked = 0;

async function syncRun(body: Buffer): Promise<void> {
  const p = new Producer({ namesrvAddr, producerGroup: `${group}_sync` });
  await p.start();
  const lat: number[] = [];
  let failed = 0;
  for (let i = 0; i < warmup + syncCount; i++) {
    const t = performance.now();
    try {
      await p.send({ topic, tags: 'TagA', body });
      acked++;
    } catch {
      failed++;
    }
    if (i >= warmup) lat.push(performance.now() - t);
  }
  await p.shutdown();
  lat.sort((a, b) => a - b);
  emit({ event: 'sync', count: syncCount, p50: pct(lat, 50), p99: pct(lat, 99), failed });
}

async function asyncRun(body: Buffer, inflight: number): Promise<void> {
  const p = new Producer({ namesrvAddr, producerGroup: `${group}_async_${inflight}`, maxInflight: inflight, autoBatch });
  await p.start();
  // Same warm-up as the ali-ons script: route, connection, JIT.
  await Promise.all(Array.from({ length: warmup }, () => p.send({ topic, tags: 'TagA', body }).then(() => acked++, () => undefined)));
  let done = 0;
  let failed = 0;
  const t0 = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  await new Promise<void>((resolve) => {
    const cb = (err: Error | undefined): void => {
      if (err) failed++;
      else acked++;
      if (++done === count) resolve();
    };
    void (async () => {
      // sendAsync resolves when it holds a maxInflight slot: this loop is the backpressured "fast producer".
      for (let i = 0; i < count; i++) await p.sendAsync({ topic, tags: 'TagA', body }, cb);
    })();
  });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const cpu = process.cpuUsage(cpu0);
  await p.shutdown();
  // cpuUs: this process's CPU time (user + system) over the measured sends, per message.
  emit({ event: 'async', inflight, count, ms, failed, cpuUs: (cpu.user + cpu.system) / count });
}

try {
  const body = Buffer.alloc(size, 0x62);
  if (syncCount > 0) await syncRun(body);
  for (const n of inflights) await asyncRun(body, n);
  emit({ event: 'done', acked });
  exitAfterFlush(0);
} catch (err) {
  emit({ event: 'fatal', message: String((err as Error)?.message ?? err) });
  exitAfterFlush(1);
}
