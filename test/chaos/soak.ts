/**
 * The chaos soak: N {@link Producer}s and a {@link PushConsumer} (the public clients) run against a MockCluster with
 * two 3-replica DLedger groups while the {@link FaultScheduler} kills, restarts, pauses, isolates and cuts links.
 * Afterwards every replica is brought back, the consumer is given a bounded drain to receive every acknowledged
 * message, and every queue is read from offset 0 (the ground truth of what is stored); the {@link ChaosChecker}
 * compares what the producers were told, what the consumer got and what is stored.
 *
 * Each message carries a stable soak key (`p<producer>-<seq>`) as body and KEYS; the producer's own UNIQ_KEY is
 * recorded from SendResult.msgId when the send is acknowledged, and the consumer reports deliveries by msgId.
 */
import { BrokerPool } from '../../src/client/broker-pool.js';
import { PushConsumer, type ConsumeContext, type MessageExt } from '../../src/consumer/index.js';
import { decodeStoredMessages } from '../../src/message/stored.js';
import { MockCluster } from '../../src/mock/index.js';
import { Producer } from '../../src/producer/index.js';
import { decodePullMessageResponse, encodePullMessageRequest, PullSysFlag } from '../../src/protocol/pull-message.js';
import { ChaosChecker, type ChaosReport } from './checker.js';
import { describeGroup, LeaderWatch, RoleTrail } from './diag.js';
import { FaultScheduler, seededRandom } from './faults.js';

/** Options of {@link runSoak}. */
export interface SoakOptions {
  /** How long faults are injected, ms. */
  durationMs: number;
  /** PRNG seed of the fault schedule. */
  seed: number;
  /** Concurrent producers (one Producer instance each). @default 4 */
  producers?: number;
  /** Mock time scale (0.1 = timers ten times faster). @default 0.1 */
  timeScale?: number;
  /** Mean gap between faults, ms. @default 1000 */
  meanGapMs?: number;
  /** Longest wait after the faults for the consumer to receive every acknowledged message, ms. @default 60000 */
  drainTimeoutMs?: number;
  /** Output. @default console.log */
  log?: (line: string) => void;
}

/** Result of {@link runSoak}. */
export interface SoakResult {
  /** The checker's verdict. */
  report: ChaosReport;
  /** Times a group got a new master during the run. */
  failovers: number;
  /** The scheduler's log. */
  faultLog: string[];
  /** ms the consumer drain took (capped at drainTimeoutMs). */
  drainMs: number;
  /** Times the consumer's position on a queue went back more than a pull batch (redelivery bursts). */
  rewinds: number;
}

const TOPIC = 'ChaosTopic';
const QUEUES = 4;
/** Offsets a delivery may lag the newest one on its queue before it counts as a rewind. */
const REWIND_SLACK = 64;
/** Rewinds logged individually (all are counted). */
const MAX_REWIND_LINES = 30;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function pullRequest(queueId: number, offset: number) {
  return encodePullMessageRequest({ consumerGroup: 'ChaosScan', topic: TOPIC, queueId, queueOffset: offset, maxMsgNums: 32, sysFlag: PullSysFlag.SUBSCRIPTION, commitOffset: 0, suspendTimeoutMillis: 0, subscription: '*', subVersion: 1 });
}

/**
 * Runs one soak.
 * @param options - duration, seed, load
 */
export async function runSoak(options: SoakOptions): Promise<SoakResult> {
  const log = options.log ?? ((l: string) => console.log(l));
  const start = Date.now();
  const now = (): number => Date.now() - start;
  const random = seededRandom(options.seed);
  const cluster = await MockCluster.start({
    groups: [
      { brokerName: 'chaos-a', mode: 'dledger', replicas: 3 },
      { brokerName: 'chaos-b', mode: 'dledger', replicas: 3 },
    ],
    timeScale: options.timeScale ?? 0.1,
  });
  const checker = new ChaosChecker();
  const pool = new BrokerPool({ connectTimeoutMs: 1000 });
  const producers: Producer[] = [];
  let consumer: PushConsumer | undefined;
  let failovers = 0;
  let rewinds = 0;
  let running = true;
  try {
    for (const g of cluster.brokerNames) await cluster.waitForLeader(g, 10_000);
    const trail = new RoleTrail(cluster, now);
    await cluster.createTopic(TOPIC, { queues: QUEUES });
    cluster.on('leaderChange', () => failovers++);
    consumer = new PushConsumer({
      namesrvAddr: cluster.namesrvAddr,
      consumerGroup: 'ChaosCG',
      messageModel: 'CLUSTERING',
      consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
      // Short timers so a failover is noticed within a second, not the 30 s production defaults.
      suspendTimeoutMillis: 1000,
      rebalanceInterval: 1000,
      pollNameServerInterval: 500,
      persistConsumerOffsetInterval: 500,
      pullTimeDelayMillsWhenException: 200,
      mqClientApiTimeout: 1500,
    });
    consumer.subscribe(TOPIC, '*');
    // A delivery far behind the newest one seen on its queue means the consumer's position went backwards (a
    // redelivery burst, allowed but worth seeing next to the fault log). Listener calls run concurrently within a
    // pull batch, so small reorderings are not rewinds.
    const newest = new Map<string, number>();
    consumer.registerMessageListener((msgs: MessageExt[], ctx: ConsumeContext) => {
      for (const m of msgs) {
        checker.delivered(m.msgId, m.body.toString());
        const q = `${ctx.messageQueue.brokerName}/${ctx.messageQueue.topic}/${m.queueId}`;
        const top = newest.get(q) ?? -1;
        if (m.queueOffset < top - REWIND_SLACK) {
          rewinds++;
          if (rewinds <= MAX_REWIND_LINES) log(`[t=${String(now()).padStart(7)}ms] consumer rewind ${q}: offset ${m.queueOffset} after ${top}`);
          newest.set(q, m.queueOffset);
        } else if (m.queueOffset > top) newest.set(q, m.queueOffset);
      }
      return 'CONSUME_SUCCESS';
    });
    await consumer.start();
    const nProducers = options.producers ?? 4;
    for (let i = 0; i < nProducers; i++) {
      const p = new Producer({ namesrvAddr: cluster.namesrvAddr, producerGroup: 'ChaosPG', pollNameServerInterval: 1000, instanceName: `chaos-${i}` });
      await p.start();
      producers.push(p);
    }
    const produce = async (id: number, producer: Producer): Promise<void> => {
      for (let seq = 0; running; seq++) {
        const key = `p${id}-${seq}`;
        checker.sendStarted(key);
        try {
          // One send() per key: the producer's own retries (same UNIQ_KEY, other groups) are what is under test.
          const r = await producer.send({ topic: TOPIC, body: key, keys: key });
          if (r.status === 'SEND_OK') checker.acknowledged(key, r.messageQueue.brokerName, now(), r.msgId);
          else checker.sendFailed();
        } catch {
          checker.sendFailed();
          await sleep(20);
        }
        await sleep(5);
      }
    };
    const faults = new FaultScheduler(cluster, checker, { random, meanGapMs: options.meanGapMs ?? 1000, minDurationMs: 500, maxDurationMs: 4000, log, now });
    log(`seed ${options.seed}; ${nProducers} producers, 1 push consumer; faults for ${Math.round(options.durationMs / 1000)} s`);
    const watch = new LeaderWatch(cluster, log, now, trail);
    watch.start();
    faults.start();
    const work = producers.map((p, i) => produce(i, p));
    await sleep(options.durationMs);
    await faults.stop();
    watch.stop();
    log(`[t=${String(now()).padStart(7)}ms] faults stopped, every replica restored; longest stretch without a registered leader: ${cluster.brokerNames.map((g) => `${g} ${watch.longestGapMs.get(g) ?? 0} ms`).join(', ')}`);
    await sleep(1000);
    running = false;
    await Promise.all(work);
    await Promise.all(producers.map((p) => p.shutdown()));
    await waitForLeaders(cluster, trail, log, now);
    // Bounded drain: the consumer must get every acknowledged message; what is still missing then is a consumer loss.
    const drainStart = Date.now();
    const drainTimeout = options.drainTimeoutMs ?? 60_000;
    while (checker.undeliveredCount() > 0 && Date.now() - drainStart < drainTimeout) await sleep(200);
    const drainMs = Date.now() - drainStart;
    log(`[t=${String(now()).padStart(7)}ms] drain ${drainMs} ms; ${checker.undeliveredCount()} acknowledged message(s) not delivered`);
    await consumer.shutdown();
    // Scan until stable: committed entries may still be dispatching into a new leader's consume queues.
    let report = checker.report();
    for (let round = 0; round < 5; round++) {
      await sleep(1000);
      checker.clearStored();
      await scanAll(cluster, pool, (key) => checker.storedKey(key));
      report = checker.report();
      if (report.lost.length === 0) break;
      log(`scan ${round + 1}: ${report.lost.length} acknowledged keys not found yet, rescanning`);
    }
    return { report, failovers, faultLog: faults.faultLog, drainMs, rewinds };
  } finally {
    running = false;
    await Promise.all(producers.map((p) => p.shutdown()));
    await consumer?.shutdown();
    await pool.close();
    await cluster.stop();
  }
}

/** After the heal, waits (every group at once) for a registered master; explains the state of a group without one. */
async function waitForLeaders(cluster: MockCluster, trail: RoleTrail, log: (line: string) => void, now: () => number): Promise<void> {
  // 30 s real is 300 s of DLedger time at timeScale 0.1: dozens of election rounds, so a miss is a liveness bug.
  const results = await Promise.allSettled(
    cluster.brokerNames.map(async (g) => {
      try {
        await cluster.waitForLeader(g, 10_000);
      } catch {
        log(`[t=${String(now()).padStart(7)}ms] ${g} has no registered leader 10 s after the heal; state now:`);
        for (const line of describeGroup(cluster, g)) log(line);
        await cluster.waitForLeader(g, 20_000);
        log(`[t=${String(now()).padStart(7)}ms] ${g} got its leader back late`);
      }
    }),
  );
  const failed = cluster.brokerNames.filter((_, i) => results[i]!.status === 'rejected');
  if (failed.length === 0) return;
  for (const g of failed) {
    log(`--- ${g}: no registered leader 30 s after the heal. Replicas:`);
    for (const line of describeGroup(cluster, g)) log(line);
    log(`--- ${g}: last role changes:`);
    for (const line of trail.lines(g)) log(line);
  }
  throw new Error(`no registered leader after the heal for ${failed.join(', ')}`);
}

/** Reads every queue of every group's master from offset 0 (re-resolving the master when a pull is refused). */
async function scanAll(cluster: MockCluster, pool: BrokerPool, onKey: (key: string) => void): Promise<void> {
  for (const g of cluster.brokerNames) {
    for (let q = 0; q < QUEUES; q++) {
      let offset = 0;
      for (let refusals = 0; ; ) {
        const leader = await cluster.waitForLeader(g, 30_000);
        let r;
        try {
          r = decodePullMessageResponse(await pool.invoke(leader.addr, pullRequest(q, offset), { timeoutMs: 5000 }));
        } catch (err) {
          // A leadership change can still be settling (SYSTEM_BUSY from a stepping-down master, a closed socket).
          if (++refusals > 50) throw err;
          await sleep(200);
          continue;
        }
        if (r.status !== 'FOUND' || !r.body) break;
        for (const m of decodeStoredMessages(r.body)) onKey(m.body.toString());
        offset = r.nextBeginOffset;
      }
    }
  }
}
