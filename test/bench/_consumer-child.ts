/**
 * Our PushConsumer's side of the consumer bench, run in a child process by test/bench/consumer.ts (the mirror of
 * test/interop-peers/ali-ons-consumer-bench.cjs: same inputs, same outputs). Subscribes to the backlog topic
 * RMQ_TOPIC (RMQ_COUNT stored messages, bodies `<send ms>|<index>|pad`) and the empty live topic RMQ_LIVE_TOPIC as
 * group RMQ_GROUP from the first offset. Prints {event:'drained', ms, cpuUs, handled, duplicates} once every backlog index
 * was handled (ms from just before start()), then — while the parent sends RMQ_LIVE messages to the live topic —
 * {event:'done', live, p50, p99} (send→handler latency, ms) and exits.
 */
import { PushConsumer } from '../../src/consumer/index.js';
import { emit, exitAfterFlush, pct } from './_child.js';

const env = process.env;
const topic = env.RMQ_TOPIC ?? 'BENCH_BACKLOG';
const liveTopic = env.RMQ_LIVE_TOPIC ?? 'BENCH_LIVE';
const count = Number(env.RMQ_COUNT ?? 20_000);
const live = Number(env.RMQ_LIVE ?? 2000);

try {
  const seen = new Uint8Array(count);
  let unique = 0;
  let handled = 0;
  let firstMs = NaN;
  const latencies: number[] = [];
  let t0 = 0;
  let drained!: () => void;
  let liveDone!: () => void;
  const drainedP = new Promise<void>((r) => (drained = r));
  const liveP = new Promise<void>((r) => (liveDone = r));
  const consumer = new PushConsumer({
    namesrvAddr: env.RMQ_NAMESRV ?? '127.0.0.1:9876',
    consumerGroup: env.RMQ_GROUP ?? 'BENCH_OURS',
    consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
    consumeThreadMax: 64,
    pullBatchSize: 32,
    pullThresholdForQueue: 1000,
    suspendTimeoutMillis: 1000,
  });
  consumer.subscribe(topic, '*');
  consumer.subscribe(liveTopic, '*');
  consumer.registerMessageListener((msgs) => {
    const now = Date.now();
    for (const m of msgs) {
      const text = m.body.toString('latin1', 0, 32);
      if (m.topic === liveTopic) {
        latencies.push(now - Number(text.slice(0, 13)));
        if (latencies.length === live) liveDone();
        continue;
      }
      if (handled++ === 0) firstMs = performance.now() - t0;
      const i = Number(text.split('|')[1]);
      if (seen[i] === 0) {
        seen[i] = 1;
        if (++unique === count) drained();
      }
    }
  });
  const cpu0 = process.cpuUsage();
  t0 = performance.now();
  await consumer.start();
  await drainedP;
  const cpu = process.cpuUsage(cpu0);
  emit({ event: 'drained', ms: performance.now() - t0, cpuUs: cpu.user + cpu.system, sysUs: cpu.system, firstMs, handled, duplicates: handled - unique });
  await liveP;
  latencies.sort((a, b) => a - b);
  emit({ event: 'done', live: latencies.length, p50: pct(latencies, 50), p99: pct(latencies, 99) });
  await consumer.shutdown();
  exitAfterFlush(0);
} catch (err) {
  emit({ event: 'fatal', message: String((err as Error)?.message ?? err) });
  exitAfterFlush(1);
}
