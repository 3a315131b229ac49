/**
 * Mock cluster throughput (`npm run bench -- mock`): how many 1 KiB sends per second the mock's master sustains,
 * for a single broker and for a 3-replica DLedger group (every send waits for a quorum), driven over TCP with
 * src/remoting + src/protocol only (several connections, many requests in flight). Later client benchmarks compare
 * against these figures to know they are not limited by the mock. Set RMQ_BENCH_ALI_ONS=1 to also measure ali-ons's
 * producer on the same mock. Prints figures; asserts nothing.
 */
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MockCluster } from '../../src/mock/index.js';
import { encodeProperties } from '../../src/message/properties.js';
import { createUniqId } from '../../src/message/ids.js';
import { decodeSendMessageResponse, encodeSendMessageRequest } from '../../src/protocol/send-message.js';
import { RemotingConnection } from '../../src/remoting/connection.js';
import { hostLine } from './codec.js';

/** Options of {@link mockSendThroughput}. */
export interface SendLoadOptions {
  /** Topic (must exist). */
  topic: string;
  /** Queues to spread over. @default 8 */
  queues?: number;
  /** TCP connections. @default 4 */
  connections?: number;
  /** Requests in flight per connection. @default 64 */
  inFlight?: number;
  /** Body size in bytes. @default 1024 */
  bodySize?: number;
  /** Measured duration. @default 3000 */
  durationMs?: number;
  /** Unmeasured warm-up. @default 500 */
  warmupMs?: number;
}

/** Result of {@link mockSendThroughput}. */
export interface SendLoadResult {
  /** Acknowledged (SEND_OK) sends per second. */
  sendsPerSecond: number;
  /**
   * Acknowledged sends per second of this process's CPU time (driver and, when in process, mock together): a lower
   * bound of what the mock alone sustains per core, and steadier than wall clock on a shared machine.
   */
  sendsPerCpuSecond: number;
  /** Sends that failed (error answer or timeout) during the measured window. */
  failed: number;
  /** Sends answered more than 1 s after the measured window closed (a stall: a leader change, a starved process). */
  late: number;
  /** Median latency, ms. */
  p50Ms: number;
  /** 99th-percentile latency, ms. */
  p99Ms: number;
}

/**
 * Drives SEND_MESSAGE_V2 at a broker address with many requests in flight and measures acknowledged sends/s.
 * @param brokerAddr - `host:port` of a master
 * @param options - load shape
 */
export async function mockSendThroughput(brokerAddr: string, options: SendLoadOptions): Promise<SendLoadResult> {
  const { topic, queues = 8, connections = 4, inFlight = 64, bodySize = 1024, durationMs = 3000, warmupMs = 500 } = options;
  const i = brokerAddr.lastIndexOf(':');
  const conns = await Promise.all(
    Array.from({ length: connections }, () => RemotingConnection.connect({ host: brokerAddr.slice(0, i), port: Number(brokerAddr.slice(i + 1)) })),
  );
  const body = Buffer.alloc(bodySize, 0x62);
  const start = Date.now();
  const measureFrom = start + warmupMs;
  const stopAt = measureFrom + durationMs;
  let ok = 0;
  let failed = 0;
  let seq = 0;
  let late = 0;
  const latencies: number[] = [];
  // CPU time is sampled at the first answer inside the window and the first one after it (timers could fire late
  // on a starved event loop, after every lane has finished).
  let cpu0: NodeJS.CpuUsage | undefined;
  let cpuUsed: NodeJS.CpuUsage | undefined;
  async function lane(conn: RemotingConnection): Promise<void> {
    while (Date.now() < stopAt) {
      const queueId = seq++ % queues;
      const t0 = performance.now();
      const req = encodeSendMessageRequest(
        { producerGroup: 'bench', topic, defaultTopic: 'TBW102', defaultTopicQueueNums: 4, queueId, sysFlag: 0, bornTimestamp: Date.now(), flag: 0, properties: encodeProperties({ UNIQ_KEY: createUniqId(), WAIT: 'true' }) },
        body,
      );
      let good = false;
      try {
        good = decodeSendMessageResponse(await conn.invoke(req, { timeoutMs: 10_000 })).status === 'SEND_OK';
      } catch {
        good = false;
      }
      const done = Date.now();
      if (done >= measureFrom && !cpu0) cpu0 = process.cpuUsage();
      if (done > stopAt && cpu0 && !cpuUsed) cpuUsed = process.cpuUsage(cpu0);
      if (done > stopAt + 1000) late++;
      if (done < measureFrom || done > stopAt) continue;
      if (good) {
        ok++;
        latencies.push(performance.now() - t0);
      } else failed++;
    }
  }
  try {
    await Promise.all(conns.flatMap((c) => Array.from({ length: inFlight }, () => lane(c))));
  } finally {
    await Promise.all(conns.map((c) => c.close()));
  }
  cpuUsed ??= cpu0 && process.cpuUsage(cpu0);
  const cpuSeconds = cpuUsed ? (cpuUsed.user + cpuUsed.system) / 1e6 : NaN;
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? NaN;
  return { sendsPerSecond: ok / (durationMs / 1000), sendsPerCpuSecond: ok / cpuSeconds, failed, late, p50Ms: pct(0.5), p99Ms: pct(0.99) };
}

/** Result of {@link aliOnsSendThroughput}. */
export interface AliOnsLoadResult {
  /** Sends per second (all sends, including failed ones). */
  sendsPerSecond: number;
  /** Sends that failed. */
  failed: number;
}

/**
 * ali-ons@3.12.0's producer throughput against a nameserver, in a child process (ali-ons never exits on its own).
 * @param namesrvAddr - `host:port`
 * @param options - topic, message count, sends in flight, body size
 */
export function aliOnsSendThroughput(
  namesrvAddr: string,
  options: { topic: string; count?: number; concurrency?: number; bodySize?: number; timeoutMs?: number },
): Promise<AliOnsLoadResult> {
  const script = join(dirname(fileURLToPath(import.meta.url)), '..', 'interop-peers', 'ali-ons-bench.cjs');
  const env = {
    ...process.env,
    RMQ_NAMESRV: namesrvAddr,
    RMQ_TOPIC: options.topic,
    RMQ_COUNT: String(options.count ?? 20_000),
    RMQ_CONCURRENCY: String(options.concurrency ?? 64),
    RMQ_SIZE: String(options.bodySize ?? 1024),
  };
  const child = spawn(process.execPath, [script], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  const killer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
  return new Promise((resolve, reject) => {
    child.on('close', (code) => {
      clearTimeout(killer);
      const last = out.trim().split('\n').at(-1) ?? '';
      try {
        const r = JSON.parse(last) as { event: string; count: number; ms: number; failed: number; message?: string };
        if (code === 0 && r.event === 'done') return resolve({ sendsPerSecond: r.count / (r.ms / 1000), failed: r.failed });
        reject(new Error(`ali-ons bench failed (exit ${code}): ${r.message ?? last}`));
      } catch {
        reject(new Error(`ali-ons bench failed (exit ${code}): ${last}`));
      }
    });
  });
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

/** Measures the mock with a single broker and with a 3-replica DLedger group. */
export default async function mockBench(): Promise<void> {
  console.log(hostLine());
  console.log('the TCP driver runs in the same process as the mock, so these are lower bounds of what the mock sustains');
  const shapes = [
    { label: 'single broker', group: { brokerName: 'bench-single', mode: 'single' as const } },
    { label: 'DLedger, 3 replicas', group: { brokerName: 'bench-dledger', mode: 'dledger' as const, replicas: 3 } },
  ];
  for (const { label, group } of shapes) {
    const cluster = await MockCluster.start({ groups: [group] });
    try {
      const leader = await cluster.waitForLeader(group.brokerName);
      await cluster.createTopic('BenchTopic', { queues: 8 });
      const r = await mockSendThroughput(leader.addr, { topic: 'BenchTopic' });
      console.log(
        `mock ${label.padEnd(20)} 1 KiB sends, 4 conns x 64 in flight: ${fmt(r.sendsPerSecond).padStart(7)} sends/s (${fmt(r.sendsPerCpuSecond)}/CPU-s)  p50 ${r.p50Ms.toFixed(1)} ms  p99 ${r.p99Ms.toFixed(1)} ms  failed ${r.failed}  late ${r.late}`,
      );
      if (process.env.RMQ_BENCH_ALI_ONS === '1') {
        const a = await aliOnsSendThroughput(cluster.namesrvAddr, { topic: 'BenchTopic', count: 10_000 });
        console.log(`  ali-ons@3.12.0 producer, 64 in flight:              ${fmt(a.sendsPerSecond).padStart(7)} sends/s  failed ${a.failed}`);
      }
    } finally {
      await cluster.stop();
    }
  }
}
