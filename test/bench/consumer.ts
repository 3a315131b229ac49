/**
 * Consumer benchmark: end-to-end throughput and send→handler latency (p50/p99) of a PushConsumer against the mock
 * cluster over loopback TCP. Prints figures; asserts nothing.
 *
 * `aliOnsComparison` is the named hook for running ali-ons's consumer on the same mock: set ALI_ONS_BENCH=1 with the
 * `ali-ons` package installed (it is not a dependency of this repository) to get its figures next to ours.
 *
 * Env: CONSUMER_BENCH_COUNT (drained backlog, default 20000), CONSUMER_BENCH_LIVE (live-phase messages, default
 * 2000), CONSUMER_BENCH_BODY (bytes, default 256).
 */
import { MockCluster } from '../../src/mock/index.js';
import { Producer } from '../../src/producer/index.js';
import { PushConsumer } from '../../src/consumer/index.js';

const COUNT = Number(process.env.CONSUMER_BENCH_COUNT ?? 20_000);
const BODY = Number(process.env.CONSUMER_BENCH_BODY ?? 256);
const LIVE = Number(process.env.CONSUMER_BENCH_LIVE ?? 2000);

interface Figures {
  client: string;
  messages: number;
  seconds: number;
  perSecond: number;
  p50: number;
  p99: number;
}

function pct(sorted: number[], p: number): number {
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function fill(producer: Producer, topic: string, n: number, pad: string, window = 256): Promise<void> {
  for (let i = 0; i < n; i += window) {
    await Promise.all(
      Array.from({ length: Math.min(window, n - i) }, () => producer.send({ topic, body: `${Date.now()}|${pad}` })),
    );
  }
}

/**
 * Two phases: (1) drain — COUNT messages are stored first, then a fresh consumer is timed until it has handled them
 * all (consumer throughput, independent of the producer's speed); (2) live — LIVE messages are sent while the
 * consumer runs, timing send→handler latency.
 */
async function ours(cluster: MockCluster, producer: Producer, pad: string): Promise<Figures> {
  const topic = 'BENCH_OURS';
  await cluster.createTopic(topic, { queues: 8 });
  await fill(producer, topic, COUNT, pad);
  const latencies: number[] = [];
  let handled = 0;
  let target = COUNT;
  let done!: () => void;
  let finished = new Promise<void>((r) => (done = r));
  const consumer = new PushConsumer({
    namesrvAddr: cluster.namesrvAddr,
    consumerGroup: 'BENCH_GROUP',
    consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
    consumeThreadMax: 64,
    pullBatchSize: 32,
    suspendTimeoutMillis: 1000,
  });
  consumer.subscribe(topic, '*');
  let live = false;
  consumer.registerMessageListener((msgs) => {
    const now = Date.now();
    if (live) for (const m of msgs) latencies.push(now - Number(m.body.toString('latin1', 0, 13)));
    handled += msgs.length;
    if (handled >= target) done();
  });
  const t0 = performance.now();
  await consumer.start();
  await finished;
  const seconds = (performance.now() - t0) / 1000;
  // Live phase.
  live = true;
  handled = 0;
  target = LIVE;
  finished = new Promise<void>((r) => (done = r));
  await fill(producer, topic, LIVE, pad, 16);
  await finished;
  await consumer.shutdown();
  latencies.sort((a, b) => a - b);
  return { client: 'rocketmq-ts PushConsumer', messages: COUNT, seconds, perSecond: COUNT / seconds, p50: pct(latencies, 50), p99: pct(latencies, 99) };
}

/**
 * Hook for the ali-ons comparison: runs ali-ons's consumer on the same mock when ALI_ONS_BENCH=1 and the package is
 * installed; otherwise says why it was skipped.
 */
export async function aliOnsComparison(cluster: MockCluster, producer: Producer, pad: string): Promise<Figures | string> {
  if (process.env.ALI_ONS_BENCH !== '1') return 'skipped (set ALI_ONS_BENCH=1 and install ali-ons to compare)';
  let mod: unknown;
  try {
    mod = await import(/* @vite-ignore */ 'ali-ons' as string);
  } catch {
    return 'skipped (ali-ons is not installed)';
  }
  const { Consumer } = mod as { Consumer: new (o: Record<string, unknown>) => { subscribe(t: string, e: string, h: (m: { body: Buffer }) => Promise<void>): void; ready(): Promise<void>; close(): Promise<void> } };
  const topic = 'BENCH_ALI';
  await cluster.createTopic(topic, { queues: 8 });
  const latencies: number[] = [];
  let done!: () => void;
  const finished = new Promise<void>((r) => (done = r));
  const c = new Consumer({ namesrvAddr: cluster.namesrvAddr, consumerGroup: 'BENCH_ALI_GROUP', consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET', isBroadcast: false });
  // Same drain measurement as ours: backlog first, then time until the consumer handled it all.
  await fill(producer, topic, COUNT, pad);
  const t0 = performance.now();
  c.subscribe(topic, '*', async (m) => {
    latencies.push(Date.now() - Number(m.body.toString('latin1', 0, 13)));
    if (latencies.length >= COUNT) done();
  });
  await c.ready();
  await finished;
  const seconds = (performance.now() - t0) / 1000;
  await c.close();
  latencies.sort((a, b) => a - b);
  // Latency here is backlog age (drain only), not comparable with our live figure.
  return { client: 'ali-ons Consumer (latency = backlog age)', messages: COUNT, seconds, perSecond: COUNT / seconds, p50: pct(latencies, 50), p99: pct(latencies, 99) };
}

export default async function main(): Promise<void> {
  const cluster = await MockCluster.start({ groups: [{ brokerName: 'broker-a', mode: 'single' }] });
  const producer = new Producer({ namesrvAddr: cluster.namesrvAddr, producerGroup: 'BENCH_PRODUCER' });
  await producer.start();
  const pad = 'x'.repeat(Math.max(0, BODY - 14));
  try {
    const rows: (Figures | string)[] = [await ours(cluster, producer, pad), await aliOnsComparison(cluster, producer, pad)];
    for (const r of rows) {
      if (typeof r === 'string') console.log(`ali-ons: ${r}`);
      else
        console.log(
          `${r.client}: ${r.messages} msgs of ${BODY} B in ${r.seconds.toFixed(2)} s = ${Math.round(r.perSecond)} msg/s drained (stored backlog → handler); live send→handler p50 ${r.p50} ms, p99 ${r.p99} ms`,
        );
    }
  } finally {
    await producer.shutdown();
    await cluster.stop();
  }
}
