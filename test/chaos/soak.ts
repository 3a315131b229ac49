/**
 * The chaos soak: producers and a consumer run against a MockCluster with two 3-replica DLedger groups while the
 * {@link FaultScheduler} kills, restarts, pauses, isolates and cuts links; afterwards every replica is brought back
 * and every queue is read from offset 0, and the {@link ChaosChecker} compares what was acknowledged with what is
 * stored.
 *
 * The Producer/PushConsumer classes are not in the tree yet, so this drives the client layer directly: routes from
 * `NamesrvClient.getRouteInfo`, connections from `BrokerPool`, sends as SEND_MESSAGE_V2 with the key as UNIQ_KEY
 * and body, up to three attempts across groups with the same key (a retrying producer), pulls for consuming.
 */
import { BrokerPool } from '../../src/client/broker-pool.js';
import { NamesrvClient } from '../../src/client/namesrv-client.js';
import { encodeProperties } from '../../src/message/properties.js';
import { decodeStoredMessages } from '../../src/message/stored.js';
import { MockCluster } from '../../src/mock/index.js';
import { decodePullMessageResponse, encodePullMessageRequest, PullSysFlag } from '../../src/protocol/pull-message.js';
import { decodeSendMessageResponse, encodeSendMessageRequest } from '../../src/protocol/send-message.js';
import { ChaosChecker, type ChaosReport } from './checker.js';
import { FaultScheduler, seededRandom } from './faults.js';

/** Options of {@link runSoak}. */
export interface SoakOptions {
  /** How long faults are injected, ms. */
  durationMs: number;
  /** PRNG seed of the fault schedule. */
  seed: number;
  /** Concurrent producers. @default 4 */
  producers?: number;
  /** Mock time scale (0.1 = timers ten times faster). @default 0.1 */
  timeScale?: number;
  /** Mean gap between faults, ms. @default 1000 */
  meanGapMs?: number;
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
}

const TOPIC = 'ChaosTopic';
const QUEUES = 4;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function sendRequest(key: string, queueId: number) {
  return encodeSendMessageRequest(
    { producerGroup: 'ChaosPG', topic: TOPIC, defaultTopic: 'TBW102', defaultTopicQueueNums: QUEUES, queueId, sysFlag: 0, bornTimestamp: Date.now(), flag: 0, properties: encodeProperties({ UNIQ_KEY: key }) },
    Buffer.from(key),
  );
}

function pullRequest(queueId: number, offset: number) {
  return encodePullMessageRequest({ consumerGroup: 'ChaosCG', topic: TOPIC, queueId, queueOffset: offset, maxMsgNums: 32, sysFlag: PullSysFlag.SUBSCRIPTION, commitOffset: 0, suspendTimeoutMillis: 0, subscription: '*', subVersion: 1 });
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
  const ns = new NamesrvClient({ addrs: [cluster.namesrvAddr], timeoutMs: 1000 });
  const pool = new BrokerPool({ connectTimeoutMs: 1000 });
  const masters = new Map<string, string>();
  let failovers = 0;
  let running = true;
  try {
    for (const g of cluster.brokerNames) await cluster.waitForLeader(g, 10_000);
    await cluster.createTopic(TOPIC, { queues: QUEUES });
    cluster.on('leaderChange', () => failovers++);
    const routeLoop = (async () => {
      while (running) {
        try {
          const route = await ns.getRouteInfo(TOPIC);
          masters.clear();
          for (const b of route.brokerDatas) if (b.brokerAddrs['0']) masters.set(b.brokerName, b.brokerAddrs['0']);
        } catch {
          // The nameserver never fails here; an empty route just means a group is between masters.
        }
        await sleep(200);
      }
    })();
    await sleep(300);
    const producer = async (id: number): Promise<void> => {
      for (let seq = 0; running; seq++) {
        const key = `p${id}-${seq}`;
        checker.sendStarted(key);
        for (let attempt = 0; attempt < 3 && running; attempt++) {
          const groups = [...masters.keys()].sort();
          if (groups.length === 0) {
            await sleep(50);
            continue;
          }
          const group = groups[(seq + attempt + id) % groups.length]!;
          const addr = masters.get(group)!;
          try {
            const res = decodeSendMessageResponse(await pool.invoke(addr, sendRequest(key, seq % QUEUES), { timeoutMs: 1500 }));
            if (res.status === 'SEND_OK') {
              checker.acknowledged(key, group, now());
              break;
            }
            checker.sendFailed();
          } catch {
            checker.sendFailed();
            await sleep(20);
          }
        }
        await sleep(5);
      }
    };
    const consumer = async (): Promise<void> => {
      const offsets = new Map<string, number>();
      while (running) {
        let got = 0;
        for (const [group, addr] of [...masters]) {
          for (let q = 0; q < QUEUES && running; q++) {
            const k = `${group}/${q}`;
            try {
              const r = decodePullMessageResponse(await pool.invoke(addr, pullRequest(q, offsets.get(k) ?? 0), { timeoutMs: 1000 }));
              if (r.status === 'FOUND' && r.body) {
                for (const m of decodeStoredMessages(r.body)) {
                  checker.consumedKey(m.body.toString());
                  got++;
                }
              }
              offsets.set(k, r.nextBeginOffset);
            } catch {
              // Failover in progress: the next round tries the next master.
            }
          }
        }
        if (got === 0) await sleep(50);
      }
    };
    const faults = new FaultScheduler(cluster, checker, { random, meanGapMs: options.meanGapMs ?? 1000, minDurationMs: 500, maxDurationMs: 4000, log, now });
    log(`seed ${options.seed}; ${options.producers ?? 4} producers; faults for ${Math.round(options.durationMs / 1000)} s`);
    faults.start();
    const work = [...Array.from({ length: options.producers ?? 4 }, (_, i) => producer(i)), consumer()];
    await sleep(options.durationMs);
    await faults.stop();
    log(`[t=${String(now()).padStart(7)}ms] faults stopped, every replica restored; draining`);
    await sleep(1000);
    running = false;
    await Promise.all([...work, routeLoop]);
    for (const g of cluster.brokerNames) await cluster.waitForLeader(g, 30_000);
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
    return { report, failovers, faultLog: faults.faultLog };
  } finally {
    running = false;
    await pool.close();
    await ns.close();
    await cluster.stop();
  }
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
