'use strict';
/*
 * ali-ons@3.12.0's push consumer in the consumer bench, run in a child process by test/bench/consumer.ts. The
 * mirror of test/bench/_consumer-child.ts: same inputs (RMQ_NAMESRV, RMQ_TOPIC = backlog of RMQ_COUNT messages with
 * bodies `<send ms>|<index>|pad`, RMQ_LIVE_TOPIC, RMQ_GROUP, RMQ_LIVE), same outputs ({event:'drained', ms, handled,
 * duplicates} with ms from just before the consumer is created, then {event:'done', live, p50, p99}, or
 * {event:'fatal', message}).
 *
 * Settings are ali-ons's most favourable comparable ones: pullBatchSize 32 as ours, parallelConsumeLimit 32 (its
 * maximum for that batch size; the default 1 consumes one message at a time per queue), pullThresholdForQueue 1000
 * as ours, offsets in memory.
 */
const { Consumer } = require('ali-ons');

const env = process.env;
const topic = env.RMQ_TOPIC || 'BENCH_BACKLOG';
const liveTopic = env.RMQ_LIVE_TOPIC || 'BENCH_LIVE';
const count = Number(env.RMQ_COUNT || 20000);
const live = Number(env.RMQ_LIVE || 2000);

function out(obj) {
  process.stdout.write(JSON.stringify(obj) + '\n');
}

function pct(sorted, p) {
  return sorted.length === 0 ? null : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

(async () => {
  const quiet = { info() {}, warn() {}, debug() {}, error() {} };
  const seen = new Uint8Array(count);
  let unique = 0;
  let handled = 0;
  let firstMs = NaN;
  const latencies = [];
  let drained;
  let liveDone;
  const drainedP = new Promise((r) => (drained = r));
  const liveP = new Promise((r) => (liveDone = r));
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const consumer = new Consumer({
    nameSrv: env.RMQ_NAMESRV,
    httpclient: {},
    logger: quiet,
    consumerGroup: env.RMQ_GROUP || 'BENCH_ALI',
    consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
    pullBatchSize: 32,
    parallelConsumeLimit: 32,
    pullThresholdForQueue: 1000,
    persistent: false,
  });
  consumer.on('error', () => {});
  consumer.subscribe(topic, '*', async (msg) => {
    const text = msg.body.toString('latin1', 0, 32);
    if (handled++ === 0) firstMs = performance.now() - t0;
    const i = Number(text.split('|')[1]);
    if (seen[i] === 0) {
      seen[i] = 1;
      if (++unique === count) drained();
    }
  });
  consumer.subscribe(liveTopic, '*', async (msg) => {
    latencies.push(Date.now() - Number(msg.body.toString('latin1', 0, 13)));
    if (latencies.length === live) liveDone();
  });
  await consumer.ready();
  await drainedP;
  const cpu = process.cpuUsage(cpu0);
  out({ event: 'drained', ms: performance.now() - t0, cpuUs: cpu.user + cpu.system, sysUs: cpu.system, firstMs, handled, duplicates: handled - unique });
  await liveP;
  latencies.sort((a, b) => a - b);
  out({ event: 'done', live: latencies.length, p50: pct(latencies, 50), p99: pct(latencies, 99) });
  // ali-ons keeps timers alive after close(): exit explicitly.
  await Promise.race([consumer.close().catch(() => {}), new Promise((r) => setTimeout(r, 3000))]);
  process.exit(0);
})().catch((err) => {
  out({ event: 'fatal', message: String((err && err.message) || err) });
  process.exit(1);
});
