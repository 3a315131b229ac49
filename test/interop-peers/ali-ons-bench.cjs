'use strict';
/*
 * ali-ons@3.12.0 producer figures, run in a child process by test/bench/producer.ts and test/bench/mock.ts
 * (aliOnsSendThroughput). The mirror of test/bench/_producer-child.ts: same inputs, same workload, same outputs.
 *
 * Input (environment): RMQ_NAMESRV, RMQ_TOPIC, RMQ_SIZE (body bytes, 1024), RMQ_WARMUP (unmeasured sends, 500),
 * RMQ_SYNC_COUNT (sequential sends timed one by one, 0 = skip), RMQ_COUNT (measured sends per concurrency, 20000),
 * RMQ_CONCURRENCY (comma list; ali-ons has no maxInflight, so N workers each awaiting send() keep N in flight).
 * Output: JSON lines {event:'sync', count, p50, p99, failed} (when RMQ_SYNC_COUNT > 0), {event:'async', inflight,
 * count, ms, failed, cpuUs} per concurrency, and last {event:'done', count, ms, failed, acked} (acked: every SEND_OK, warm-up included) repeating the last async run (the
 * shape mock.ts reads), or {event:'fatal', message}. Exits 0 only after 'done'.
 */
const { Producer, Message } = require('ali-ons');

const env = process.env;
const count = Number(env.RMQ_COUNT || 20000);
const size = Number(env.RMQ_SIZE || 1024);
const concurrencies = String(env.RMQ_CONCURRENCY || '64').split(',').map(Number);
const warmup = Number(env.RMQ_WARMUP || 500);
const syncCount = Number(env.RMQ_SYNC_COUNT || 0);
const topic = env.RMQ_TOPIC || 'BenchTopic';

function out(obj) {
  process.stdout.write(JSON.stringify(obj) + '\n');
}

function pct(sorted, p) {
  return sorted.length === 0 ? null : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

(async () => {
  const quiet = { info() {}, warn() {}, debug() {}, error() {} };
  const producer = new Producer({ nameSrv: env.RMQ_NAMESRV, httpclient: {}, logger: quiet, producerGroup: env.RMQ_GROUP || 'ali_ons_bench', sendMsgTimeout: 10000 });
  producer.on('error', () => {});
  await producer.ready();
  const body = Buffer.alloc(size, 0x62);
  let failed = 0;
  let acked = 0;
  async function sendOne() {
    try {
      const r = await producer.send(new Message(topic, 'TagA', body));
      if (r.sendStatus !== 'SEND_OK') failed++;
      else acked++;
    } catch (err) {
      failed++;
    }
  }
  async function run(total, concurrency) {
    let next = 0;
    async function worker() {
      while (next < total) {
        next++;
        await sendOne();
      }
    }
    await Promise.all(Array.from({ length: Math.min(concurrency, total) }, worker));
  }
  if (syncCount > 0) {
    await run(warmup, 1);
    failed = 0;
    const lat = [];
    for (let i = 0; i < syncCount; i++) {
      const t = process.hrtime.bigint();
      await sendOne();
      lat.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
    lat.sort((a, b) => a - b);
    out({ event: 'sync', count: syncCount, p50: pct(lat, 50), p99: pct(lat, 99), failed });
  }
  let last;
  for (const concurrency of concurrencies) {
    await run(warmup, concurrency);
    failed = 0;
    const start = process.hrtime.bigint();
    const cpu0 = process.cpuUsage();
    await run(count, concurrency);
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    const cpu = process.cpuUsage(cpu0);
    // cpuUs: this process's CPU (user + system) over the measured sends, per message (as our child reports it).
    last = { count, ms, failed, cpuUs: (cpu.user + cpu.system) / count };
    out({ event: 'async', inflight: concurrency, ...last });
  }
  out({ event: 'done', ...last, acked });
  process.exit(0);
})().catch((err) => {
  out({ event: 'fatal', message: String((err && err.message) || err) });
  process.exit(1);
});
