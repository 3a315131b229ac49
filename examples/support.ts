/**
 * Shared by the examples: use the cluster at NAMESRV_ADDR when it is set, otherwise start an embedded mock cluster
 * (nameserver + brokers in this process, on loopback ports, store in a temp dir) and stop it at the end.
 */
import { Admin } from '../src/admin/index.js';
import { MockCluster, type MockGroupOptions } from '../src/mock/index.js';
import type { SendResult } from '../src/producer/index.js';

/** Where an example runs. */
export interface ExampleEnv {
  /** Nameserver address(es) to give clients. */
  namesrvAddr: string;
  /** The embedded cluster, when NAMESRV_ADDR was unset. */
  cluster?: MockCluster;
  /** Stops the embedded cluster (no-op against a real one). */
  close(): Promise<void>;
}

/** Options of {@link exampleEnv}. */
export interface ExampleEnvOptions {
  /** Topics to create (queues per broker group). */
  topics: string[];
  /** Queues per topic and group. @default 4 */
  queues?: number;
  /** Embedded groups. @default one 3-replica DLedger group 'broker-a' */
  groups?: MockGroupOptions[];
  /** Embedded time scale (all mock periods × this). @default 0.1 */
  timeScale?: number;
  /** Print where we run. @default true */
  announce?: boolean;
}

/**
 * Connects to NAMESRV_ADDR, or starts the embedded mock cluster, and makes sure the topics exist.
 * @param options - topics, embedded layout
 */
export async function exampleEnv(options: ExampleEnvOptions): Promise<ExampleEnv> {
  const queues = options.queues ?? 4;
  const external = process.env.NAMESRV_ADDR;
  if (external) {
    if (options.announce !== false) console.log(`using the cluster at NAMESRV_ADDR=${external}`);
    const admin = new Admin({ namesrvAddr: external });
    await admin.start();
    try {
      for (const topic of options.topics) {
        try {
          await admin.topicRoute(topic);
        } catch {
          // Not there yet: create it on every master, as mqadmin updateTopic would.
          await admin.createTopic({ topic, queues });
        }
      }
    } finally {
      await admin.shutdown();
    }
    return { namesrvAddr: external, close: async () => undefined };
  }
  const groups = options.groups ?? [{ brokerName: 'broker-a', mode: 'dledger', replicas: 3 }];
  const cluster = await MockCluster.start({ groups, timeScale: options.timeScale ?? 0.1 });
  try {
    for (const g of groups) await cluster.waitForLeader(g.brokerName);
    for (const topic of options.topics) await cluster.createTopic(topic, { queues });
  } catch (err) {
    await cluster.stop();
    throw err;
  }
  if (options.announce !== false) {
    console.log(`embedded mock cluster: namesrv ${cluster.namesrvAddr}, groups ${groups.map((g) => `${g.brokerName} (${g.mode})`).join(', ')} — set NAMESRV_ADDR to use a real cluster`);
  }
  return { namesrvAddr: cluster.namesrvAddr, cluster, close: () => cluster.stop() };
}

/** Java's `SendResult.toString()` shape, so the output reads like the Java example's. */
export function formatSendResult(r: SendResult): string {
  const mq = r.messageQueue;
  return `SendResult [sendStatus=${r.status}, msgId=${r.msgId}, offsetMsgId=${r.offsetMsgId}, messageQueue=MessageQueue [topic=${mq.topic}, brokerName=${mq.brokerName}, queueId=${mq.queueId}], queueOffset=${r.queueOffset}]`;
}

/** The key of message `i` in the Java example: m600000 … m600099. */
export function keyOf(i: number): string {
  return `m${600000 + i}`;
}

/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The Java example's producer group and topic. */
export const PRODUCER_GROUP = 'producer_dw_test';
/** The Java example's topic. */
export const TOPIC = 'topic_dw_test_by_order_01';

/** Prints events as they happen, stamped with the milliseconds since it was created, and keeps them. */
export class Timeline {
  private readonly t0 = Date.now();
  /** Every event so far. */
  readonly events: { at: number; what: string }[] = [];

  /** Records and prints one event. */
  mark(what: string): number {
    const at = Date.now() - this.t0;
    this.events.push({ at, what });
    console.log(`[+${String(at).padStart(6)} ms] ${what}`);
    return at;
  }
}

/**
 * Renders rows as an aligned two-column table.
 * @param rows - label / value pairs
 */
export function summaryTable(rows: [string, string | number][]): string {
  const w = Math.max(...rows.map(([k]) => k.length));
  const v = Math.max(...rows.map(([, x]) => String(x).length));
  const line = `+${'-'.repeat(w + 2)}+${'-'.repeat(v + 2)}+`;
  return [line, ...rows.map(([k, x]) => `| ${k.padEnd(w)} | ${String(x).padStart(v)} |`), line].join('\n');
}
