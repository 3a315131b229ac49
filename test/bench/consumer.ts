/**
 * Consumer benchmark (`npm run bench -- consumer`): our PushConsumer beside ali-ons@3.12.0's Consumer on one mock.
 * Prints figures; asserts nothing.
 *
 * One single-broker mock (this process) holds a backlog of CONSUMER_BENCH_COUNT messages of CONSUMER_BENCH_BODY bytes
 * on an 8-queue topic, written once by our producer before any consumer runs, so every run drains the very same
 * backlog. Each run is one client in its own child process (test/bench/_consumer-child.ts,
 * test/interop-peers/ali-ons-consumer-bench.cjs) with a fresh group from the first offset:
 * (1) drain — time from start until every backlog message was handled once (end-to-end consumer throughput: pulls,
 * decode, listener dispatch); (2) live — this process sends CONSUMER_BENCH_LIVE messages (16 in flight) to a fresh
 * empty topic the child also subscribes to, and the child measures send→handler latency. Runs alternate ours →
 * ali-ons → ours → ali-ons (CONSUMER_BENCH_ROUNDS, default 2); every run is printed, ratios use the means.
 *
 * Env: CONSUMER_BENCH_COUNT (50000), CONSUMER_BENCH_BODY (1024), CONSUMER_BENCH_LIVE (2000), CONSUMER_BENCH_ROUNDS
 * (2), BENCH_CPU_PROF=<dir> (profile the children).
 */
import { MockCluster } from '../../src/mock/index.js';
import { Producer } from '../../src/producer/index.js';
import { mean, ratio, runChild, type ChildEvent } from './_child.js';

const COUNT = Number(process.env.CONSUMER_BENCH_COUNT ?? 50_000);
const BODY = Number(process.env.CONSUMER_BENCH_BODY ?? 1024);
const LIVE = Number(process.env.CONSUMER_BENCH_LIVE ?? 2000);
const ROUNDS = Number(process.env.CONSUMER_BENCH_ROUNDS ?? 2);
const BACKLOG = 'BENCH_BACKLOG';
const TARGET = 3;

/** Figures of one consumer run. */
interface RunFigures {
  /** Backlog drain time, s. */
  seconds: number;
  /** Backlog messages handled per second. */
  perSecond: number;
  /** Backlog messages handled more than once. */
  duplicates: number;
  /** Consumer process CPU (user + system) per backlog message during the drain, µs. */
  clientCpuUs: number;
  /** Mock (this process) CPU per backlog message during the drain, µs. */
  mockCpuUs: number;
  /** Live send→handler p50, ms. */
  p50: number;
  /** Live send→handler p99, ms. */
  p99: number;
}

/** A body of exactly BODY bytes: `<send ms>|<index>|` then padding (the children parse both fields). */
function body(index: number): Buffer {
  const b = Buffer.alloc(BODY, 0x78);
  b.write(`${Date.now()}|${index}|`, 'latin1');
  return b;
}

async function send(producer: Producer, topic: string, n: number, window: number): Promise<void> {
  for (let i = 0; i < n; i += window) {
    await Promise.all(Array.from({ length: Math.min(window, n - i) }, (_, j) => producer.send({ topic, body: body(i + j) })));
  }
}

async function run(who: 'ours' | 'ali-ons', cluster: MockCluster, producer: Producer, round: number): Promise<RunFigures> {
  const tag = `${who === 'ours' ? 'OURS' : 'ALI'}_${round}`;
  const liveTopic = `BENCH_LIVE_${tag}`;
  await cluster.createTopic(liveTopic, { queues: 8 });
  let liveSend: Promise<void> | undefined;
  // The mock runs in this process: its CPU from the child's spawn to `drained` is what serving the drain cost.
  const mockCpu0 = process.cpuUsage();
  let mockCpuUs = NaN;
  const events: ChildEvent[] = await runChild({
    script: who === 'ours' ? 'ours:_consumer-child.ts' : 'peer:ali-ons-consumer-bench.cjs',
    env: { RMQ_NAMESRV: cluster.namesrvAddr, RMQ_TOPIC: BACKLOG, RMQ_LIVE_TOPIC: liveTopic, RMQ_GROUP: `BENCH_GROUP_${tag}`, RMQ_COUNT: String(COUNT), RMQ_LIVE: String(LIVE) },
    // The live phase starts once the backlog is drained, so it never competes with the drain.
    onEvent: (e) => {
      if (e.event === 'drained') {
        const c = process.cpuUsage(mockCpu0);
        mockCpuUs = c.user + c.system;
      }
      if (e.event === 'drained') liveSend = send(producer, liveTopic, LIVE, 16);
    },
  });
  await liveSend;
  const d = events.find((e) => e.event === 'drained') as ChildEvent & { ms: number; cpuUs: number; handled: number; duplicates: number };
  const l = events.find((e) => e.event === 'done') as ChildEvent & { p50: number; p99: number };
  return {
    seconds: d.ms / 1000,
    perSecond: COUNT / (d.ms / 1000),
    duplicates: d.duplicates,
    clientCpuUs: d.cpuUs / COUNT,
    mockCpuUs: mockCpuUs / COUNT,
    p50: l.p50,
    p99: l.p99,
  };
}

function print(ours: RunFigures[], ali: RunFigures[]): void {
  const w = 10;
  const num = (n: number, digits = 0): string => (Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : 'n/a');
  const runs = (label: string) => ours.map((_, i) => `${label} ${i + 1}`.padStart(w)).join('');
  console.log(`one single-broker mock; backlog of ${COUNT} × ${BODY} B messages on 8 queues, drained by a fresh group from the first offset;`);
  console.log(`live: ${LIVE} sends (16 in flight) after the drain; each client in its own process; runs alternate ours → ali-ons → ours → ali-ons`);
  console.log('settings (both): pullBatchSize 32, pullThresholdForQueue 1000, CONSUME_FROM_FIRST_OFFSET; handler parses index from the body head;');
  console.log('  ours consumeThreadMax 64, ali-ons parallelConsumeLimit 32; CPU = process.cpuUsage (user+system) over the drain ÷ messages');
  console.log(`  ${''.padEnd(30)}${runs('ours')}${runs('ali-ons')}  ${'ours vs ali-ons'.padStart(15)}  target`);
  const row = (label: string, f: (r: RunFigures) => number, digits: number, better: 'higher' | 'lower' | 'none', target?: number): void => {
    const o = mean(ours.map(f));
    const a = mean(ali.map(f));
    const r = better === 'higher' ? ratio(o, a) : better === 'lower' ? ratio(a, o) : '';
    const t = target === undefined ? '—' : `>= ${target}× ${Number.parseFloat(r) >= target ? 'met' : 'MISSED'}`;
    const cells = (xs: RunFigures[]) => xs.map((x) => num(f(x), digits).padStart(w)).join('');
    console.log(`  ${label.padEnd(30)}${cells(ours)}${cells(ali)}  ${r.padStart(15)}  ${t}`);
  };
  row('drain msg/s (end to end)', (r) => r.perSecond, 0, 'higher', TARGET);
  row('drain time (s)', (r) => r.seconds, 2, 'lower');
  row('duplicates in the drain', (r) => r.duplicates, 0, 'none');
  row('consumer CPU µs/msg (drain)', (r) => r.clientCpuUs, 1, 'lower');
  row('mock CPU µs/msg (drain)', (r) => r.mockCpuUs, 1, 'lower');
  row('live send→handler p50 (ms)', (r) => r.p50, 0, 'lower');
  row('live send→handler p99 (ms)', (r) => r.p99, 0, 'lower');
  console.log('  (ratio: ours ÷ ali-ons for throughput, ali-ons ÷ ours for times, from the means; > 1 = ours better)');
}

/** Runs the consumer benchmark. */
export default async function main(): Promise<void> {
  const cluster = await MockCluster.start({ groups: [{ brokerName: 'broker-a', mode: 'single' }] });
  const producer = new Producer({ namesrvAddr: cluster.namesrvAddr, producerGroup: 'BENCH_PRODUCER' });
  const ours: RunFigures[] = [];
  const ali: RunFigures[] = [];
  const crashes: string[] = [];
  try {
    await producer.start();
    await cluster.createTopic(BACKLOG, { queues: 8 });
    await send(producer, BACKLOG, COUNT, 256);
    for (let round = 1; round <= ROUNDS; round++) {
      for (const [who, list] of [['ours', ours], ['ali-ons', ali]] as const) {
        // A crashed run is printed as n/a with its reason; the other runs still count.
        list.push(
          await run(who, cluster, producer, round).catch((err: Error) => {
            crashes.push(`${who} run ${round}: ${err.message}`);
            return { seconds: NaN, perSecond: NaN, duplicates: NaN, clientCpuUs: NaN, mockCpuUs: NaN, p50: NaN, p99: NaN };
          }),
        );
      }
    }
  } finally {
    await producer.shutdown();
    await cluster.stop();
  }
  print(ours, ali);
  for (const c of crashes) console.log(`  CRASHED ${c}`);
}
