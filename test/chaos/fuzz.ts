/**
 * Server-side fuzzing of one MockCluster (nameserver + broker): slow-loris junk connections, hostile frames (each
 * followed by a canary request), and a request flood, while a well-behaved client keeps routing, sending and
 * pulling. Passes when nothing hangs, nothing untyped leaks into a remark, undecodable frames close their
 * connection, the well-behaved client never fails, and memory stays bounded.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { BrokerPool } from '../../src/client/broker-pool.js';
import { NamesrvClient } from '../../src/client/namesrv-client.js';
import { encodeProperties } from '../../src/message/properties.js';
import { MockCluster } from '../../src/mock/index.js';
import { decodePullMessageResponse, encodePullMessageRequest, PullSysFlag } from '../../src/protocol/pull-message.js';
import { encodeRouteInfoRequest } from '../../src/protocol/route-info.js';
import { decodeSendMessageResponse, encodeSendMessageRequest } from '../../src/protocol/send-message.js';
import { RemotingConnection } from '../../src/remoting/connection.js';
import { seededRandom } from './faults.js';
import { classify, hostileFrame, ProbeSocket, UNTYPED_REMARK } from './hostile.js';

/** Options of {@link runFuzz}. */
export interface FuzzOptions {
  /** Hostile frames to send. */
  frames: number;
  /** Concurrent slow-loris connections. */
  junkConnections: number;
  /** Seed of the frame generator. */
  seed: number;
  /** Requests in the flood phase. @default frames / 10 */
  floodRequests?: number;
  /** Parallel hostile-frame writers. @default 32 */
  workers?: number;
  /** Output. @default console.log */
  log?: (line: string) => void;
}

/** What a fuzz run saw. */
export interface FuzzResult {
  /** Whether every check passed. */
  ok: boolean;
  /** Failures, human readable. */
  failures: string[];
  /** Hostile frames written, by how our splitter classified them. */
  framesByClass: Record<string, number>;
  /** Canary answered / connection closed / neither. */
  reactions: { answered: number; closed: number; hang: number };
  /** Junk connections held open at once. */
  junkConnections: number;
  /** Flood requests answered. */
  floodAnswered: number;
  /** Well-behaved client: rounds completed and failed, slowest round in ms. */
  good: { rounds: number; failures: number; maxMs: number };
  /** Memory growth over the run, MiB. */
  heapGrowthMiB: number;
  /** RSS growth over the run, MiB. */
  rssGrowthMiB: number;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const portOf = (addr: string): number => Number(addr.slice(addr.lastIndexOf(':') + 1));

/**
 * Runs the fuzz.
 * @param options - volumes and seed
 */
export async function runFuzz(options: FuzzOptions): Promise<FuzzResult> {
  const log = options.log ?? ((l: string) => console.log(l));
  const random = seededRandom(options.seed);
  const failures: string[] = [];
  const cluster = await MockCluster.start({ groups: [{ brokerName: 'fuzz-a', mode: 'single' }] });
  const ns = new NamesrvClient({ addrs: [cluster.namesrvAddr], timeoutMs: 5000 });
  const pool = new BrokerPool();
  const good = { rounds: 0, failures: 0, maxMs: 0 };
  let running = true;
  const mem0 = process.memoryUsage();
  const result: FuzzResult = {
    ok: false,
    failures,
    framesByClass: {},
    reactions: { answered: 0, closed: 0, hang: 0 },
    junkConnections: 0,
    floodAnswered: 0,
    good,
    heapGrowthMiB: 0,
    rssGrowthMiB: 0,
  };
  try {
    await cluster.createTopic('FuzzGood', { queues: 1 });
    const brokerAddr = cluster.broker('fuzz-a', 'n0').addr;
    const targets = [portOf(cluster.namesrvAddr), portOf(brokerAddr)];
    // The well-behaved client: route, send, pull back what it sent, all the time.
    const goodLoop = (async () => {
      let offset = 0;
      while (running) {
        const t0 = Date.now();
        try {
          const route = await ns.getRouteInfo('FuzzGood');
          const addr = route.brokerDatas[0]?.brokerAddrs['0'];
          if (addr !== brokerAddr) throw new Error(`route changed: ${addr}`);
          const body = `good-${good.rounds}`;
          const req = encodeSendMessageRequest({ producerGroup: 'GPG', topic: 'FuzzGood', defaultTopic: 'TBW102', defaultTopicQueueNums: 1, queueId: 0, sysFlag: 0, bornTimestamp: Date.now(), flag: 0, properties: encodeProperties({ UNIQ_KEY: body }) }, Buffer.from(body));
          const sent = decodeSendMessageResponse(await pool.invoke(addr, req, { timeoutMs: 5000 }));
          if (sent.queueOffset !== offset) throw new Error(`queue offset ${sent.queueOffset}, expected ${offset}`);
          const pull = decodePullMessageResponse(await pool.invoke(addr, encodePullMessageRequest({ consumerGroup: 'GCG', topic: 'FuzzGood', queueId: 0, queueOffset: offset, maxMsgNums: 1, sysFlag: PullSysFlag.SUBSCRIPTION, commitOffset: 0, suspendTimeoutMillis: 0, subscription: '*', subVersion: 1 }), { timeoutMs: 5000 }));
          if (pull.status !== 'FOUND') throw new Error(`pull ${pull.status}`);
          offset++;
          good.rounds++;
        } catch (err) {
          good.failures++;
          if (good.failures <= 5) failures.push(`well-behaved client failed: ${(err as Error).message}`);
        }
        good.maxMs = Math.max(good.maxMs, Date.now() - t0);
        await sleep(5);
      }
    })();

    // Phase 1: slow-loris junk connections, all open at once, dribbling partial frames.
    const roundsBefore1 = good.rounds;
    const junk: ProbeSocket[] = [];
    for (let i = 0; i < options.junkConnections; i += 100) {
      const batch = await Promise.all(Array.from({ length: Math.min(100, options.junkConnections - i) }, (_, j) => ProbeSocket.open(targets[(i + j) % 2]!).catch(() => undefined)));
      for (const s of batch) if (s) junk.push(s);
    }
    result.junkConnections = junk.length;
    // A consistent start (1000-byte frame, 600-byte JSON header) that never completes: the server has to wait.
    const header = Buffer.alloc(8);
    header.writeInt32BE(1000, 0);
    header.writeUInt32BE(600, 4);
    for (const s of junk) s.write(header);
    for (let k = 0; k < 5; k++) {
      await sleep(200);
      for (const s of junk) s.write(Buffer.from([0x7b]));
    }
    const stillOpen = junk.filter((s) => !s.closed).length;
    log(`junk: ${junk.length} slow-loris connections opened, ${stillOpen} still open after 1 s of dribbling; well-behaved rounds meanwhile ${good.rounds - roundsBefore1}`);
    if (junk.length < options.junkConnections) failures.push(`only ${junk.length}/${options.junkConnections} junk connections opened`);
    if (good.rounds === roundsBefore1) failures.push('the well-behaved client made no progress while junk connections were open');
    await Promise.all(junk.map((s) => s.close()));

    // Phase 2: hostile frames, each followed by a canary.
    const roundsBefore2 = good.rounds;
    const lag = monitorEventLoopDelay({ resolution: 10 });
    lag.enable();
    let next = 0;
    const workers = options.workers ?? 32;
    const started = Date.now();
    await Promise.all(
      Array.from({ length: workers }, async (_, w) => {
        const port = targets[w % 2]!;
        let sock = await ProbeSocket.open(port);
        while (next < options.frames) {
          next++;
          let frame = hostileFrame(random);
          let cls = classify(frame.bytes);
          while (cls === 'destructive') {
            frame = hostileFrame(random);
            cls = classify(frame.bytes);
          }
          result.framesByClass[cls] = (result.framesByClass[cls] ?? 0) + 1;
          if (cls === 'partial') {
            sock.write(frame.bytes);
            await sock.close();
            sock = await ProbeSocket.open(port);
            continue;
          }
          const out = await sock.probe(frame.bytes, 10_000);
          result.reactions[out.reaction]++;
          if (out.reaction === 'hang' && failures.length < 50) failures.push(`no reaction to a ${frame.kind}/${cls} frame: ${frame.bytes.subarray(0, 64).toString('hex')}`);
          if (cls === 'bad' && out.reaction !== 'closed' && failures.length < 50) failures.push(`undecodable ${frame.kind} frame did not close the connection`);
          for (const r of out.remarks) if (UNTYPED_REMARK.test(r) && failures.length < 50) failures.push(`untyped error leaked in a remark: ${r}`);
          if (out.reaction !== 'answered') {
            await sock.close();
            sock = await ProbeSocket.open(port);
          }
        }
        await sock.close();
      }),
    );
    lag.disable();
    log(`frames: ${options.frames} in ${Date.now() - started} ms (event-loop delay max ${Math.round(lag.max / 1e6)} ms) ${JSON.stringify(result.framesByClass)} reactions ${JSON.stringify(result.reactions)}; well-behaved rounds meanwhile ${good.rounds - roundsBefore2}`);
    if (good.rounds === roundsBefore2) failures.push('the well-behaved client made no progress during the hostile frames');

    // Phase 3: a flood of valid requests on a few connections, all in flight at once.
    const flood = options.floodRequests ?? Math.max(100, Math.floor(options.frames / 10));
    const conns = await Promise.all([0, 1, 2, 3].map((i) => RemotingConnection.connect({ host: '127.0.0.1', port: targets[i % 2]! })));
    const answers = await Promise.allSettled(Array.from({ length: flood }, (_, i) => conns[i % 4]!.invoke(encodeRouteInfoRequest({ topic: i % 3 ? 'FuzzGood' : `nope-${i}` }), { timeoutMs: 20_000 })));
    result.floodAnswered = answers.filter((a) => a.status === 'fulfilled').length;
    await Promise.all(conns.map((c) => c.close()));
    log(`flood: ${result.floodAnswered}/${flood} answered`);
    if (result.floodAnswered !== flood) failures.push(`flood: only ${result.floodAnswered}/${flood} answered`);

    running = false;
    await goodLoop;
    const mem1 = process.memoryUsage();
    result.heapGrowthMiB = Math.round((mem1.heapUsed - mem0.heapUsed) / 2 ** 20);
    result.rssGrowthMiB = Math.round((mem1.rss - mem0.rss) / 2 ** 20);
    log(`well-behaved client: ${good.rounds} rounds, ${good.failures} failures, slowest ${good.maxMs} ms; heap +${result.heapGrowthMiB} MiB, rss +${result.rssGrowthMiB} MiB`);
    if (result.reactions.hang > 0) failures.push(`${result.reactions.hang} frames got no reaction`);
    if (result.heapGrowthMiB > 256) failures.push(`heap grew by ${result.heapGrowthMiB} MiB`);
    if (result.rssGrowthMiB > 768) failures.push(`rss grew by ${result.rssGrowthMiB} MiB`);
  } finally {
    running = false;
    await pool.close();
    await ns.close();
    await cluster.stop();
  }
  result.ok = failures.length === 0;
  log(result.ok ? 'fuzz OK' : `fuzz FAILED:\n  ${failures.join('\n  ')}`);
  return result;
}
