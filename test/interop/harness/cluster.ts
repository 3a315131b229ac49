/**
 * A whole real test cluster: one name server, optionally a master/slave group and a 3-node
 * DLedger group, all in one RocketMQ cluster on 127.0.0.1.
 * @module
 */
import { Admin } from '../../../src/admin/index.js';
import { RequestTimeoutError, ValidationError } from '../../../src/errors.js';
import { clusterList, ensureRocketMQ, ROCKETMQ_5, type ClusterListEntry } from './java.js';
import { launchNode, startBroker, startNamesrv, type BrokerConf, type ClusterNode } from './nodes.js';
import { createRunDir, killJvm, removeTempDir, sleep, stopJvm, waitForLog } from './procs.js';

/**
 * Port layout from one base. Brokers are 10 apart because each binds listenPort-2 (fast/VIP
 * channel), listenPort and listenPort+1 (HA).
 */
export interface PortPlan {
  /** Name server. */
  namesrv: number;
  /** Master of the master/slave group. */
  master: number;
  /** Slave of the master/slave group. */
  slave: number;
  /** Remoting ports of DLedger nodes n0..n2. */
  dledger: [number, number, number];
  /** DLedger (Raft) peer ports of n0..n2. */
  dledgerPeers: [number, number, number];
  /** Third node of the upgraded master/slave group. */
  upgradeThird: number;
  /** DLedger peer ports of the upgraded group. */
  upgradePeers: [number, number, number];
}

/** Default base port: far from RocketMQ's 9876/10911 so a locally running RocketMQ does not clash. */
export const DEFAULT_BASE_PORT = 31_000;

/** Computes the {@link PortPlan} for `base`. */
export function portPlan(base = DEFAULT_BASE_PORT): PortPlan {
  return {
    namesrv: base + 876,
    master: base + 911,
    slave: base + 921,
    dledger: [base + 931, base + 941, base + 951],
    dledgerPeers: [base + 961, base + 962, base + 963],
    upgradeThird: base + 971,
    upgradePeers: [base + 981, base + 982, base + 983],
  };
}

/** Name of the master/slave group. */
export const MS_BROKER = 'broker-ms';
/** Name of the DLedger group (also its dLegerGroup). */
export const DL_BROKER = 'broker-dl';
/** Cluster name shared by both groups. */
export const CLUSTER_NAME = 'InteropCluster';

/** Options for {@link startCluster}. */
export interface StartClusterOptions {
  /** RocketMQ version. @default '5.3.3' */
  version?: string;
  /** Start the ASYNC_MASTER + SLAVE group `broker-ms`. @default true */
  masterSlave?: boolean;
  /** Start the 3-node DLedger group `broker-dl`. @default true */
  dledger?: boolean;
  /** Base of the {@link PortPlan}. @default 31000 */
  basePort?: number;
  /** Extra broker.conf keys for every broker. @default {} */
  brokerConf?: BrokerConf;
  /** Budget for everything to boot and register, in ms. @default 150000 */
  timeoutMs?: number;
}

/** A running cluster; see {@link startCluster}. */
export interface InteropCluster {
  /** RocketMQ version. */
  readonly version: string;
  /** `127.0.0.1:<port>` of the name server. */
  readonly namesrvAddr: string;
  /** `brokerClusterName` of every broker. */
  readonly clusterName: string;
  /** Temp folder holding every node's config, store and logs. */
  readonly runDir: string;
  /** The port layout in use. */
  readonly ports: PortPlan;
  /** Nodes by harness name: `namesrv`, `ms-master`, `ms-slave`, `dl-n0`..`dl-n2` (and `ms-n0`.. after an upgrade). */
  readonly procs: Record<string, ClusterNode>;
  /** Wall-clock figures in ms, e.g. `fetch`, `namesrvBoot`, `brokersBoot`, `registration`. */
  readonly timings: Record<string, number>;
  /** SIGKILLs one node's JVM. */
  kill(name: string): Promise<void>;
  /** Stops one node gracefully (SIGTERM, SIGKILL after 20 s). */
  stop(name: string): Promise<void>;
  /** Stops (if running) and starts one node again with the same config and store. */
  restart(name: string): Promise<void>;
  /** Name of the node listening on `addr` (`ip:port`), if any. */
  nodeByAddr(addr: string): ClusterNode | undefined;
  /** Stops every node (brokers first), then removes the temp folder. Safe to call twice. */
  stopAll(): Promise<void>;
}

/** Options for {@link waitForRegistration}. */
export interface WaitForRegistrationOptions {
  /** Version whose mqadmin does the polling. @default '5.3.3' */
  version?: string;
  /** Require a broker with id 0. @default false */
  master?: boolean;
  /** Require every one of these broker ids. @default [] */
  brokerIds?: number[];
  /** Require at least this many registered addresses. @default 1 */
  count?: number;
  /** When `master`, the id-0 address must differ from this one (a new leader). @default undefined */
  notMasterAddr?: string;
  /** Overall budget, in ms. @default 90000 */
  timeoutMs?: number;
}

/**
 * Registration rows of the name server's cluster table, read with our own {@link Admin} (GET_BROKER_CLUSTER_INFO,
 * milliseconds) and, when that fails, with `mqadmin clusterList` (seconds of JVM start) as the fallback.
 */
export async function registeredRows(namesrvAddr: string, version: string): Promise<ClusterListEntry[]> {
  const admin = new Admin({ namesrvAddr, timeoutMs: 5000 });
  try {
    await admin.start();
    const overview = await admin.clusterInfo();
    return overview.groups.flatMap((g) =>
      g.replicas.map((r) => ({ cluster: g.clusterName, brokerName: g.brokerName, brokerId: r.brokerId, addr: r.addr })),
    );
  } catch {
    return clusterList(version, namesrvAddr);
  } finally {
    await admin.shutdown();
  }
}

/** Polls the name server's cluster table ({@link registeredRows}) until `brokerName` is registered as asked. */
export async function waitForRegistration(
  namesrvAddr: string,
  brokerName: string,
  opts: WaitForRegistrationOptions = {},
): Promise<ClusterListEntry[]> {
  const timeoutMs = opts.timeoutMs ?? 90_000;
  const deadline = Date.now() + timeoutMs;
  let last: ClusterListEntry[] = [];
  for (;;) {
    last = (await registeredRows(namesrvAddr, opts.version ?? ROCKETMQ_5)).filter((r) => r.brokerName === brokerName);
    const ids = new Set(last.map((r) => r.brokerId));
    const master = last.find((r) => r.brokerId === 0);
    const ok =
      last.length >= (opts.count ?? 1) &&
      (opts.brokerIds ?? []).every((id) => ids.has(id)) &&
      (!opts.master || (master !== undefined && master.addr !== opts.notMasterAddr));
    if (ok) return last;
    if (Date.now() > deadline) {
      throw new RequestTimeoutError(
        `${brokerName} not registered as asked within ${timeoutMs} ms; last clusterList rows: ${JSON.stringify(last)}`,
        timeoutMs,
      );
    }
    await sleep(500);
  }
}

function msConfs(p: PortPlan, extra: BrokerConf): BrokerConf[] {
  const common = { brokerClusterName: CLUSTER_NAME, brokerName: MS_BROKER, ...extra };
  return [
    { ...common, brokerId: 0, brokerRole: 'ASYNC_MASTER', listenPort: p.master },
    { ...common, brokerId: 1, brokerRole: 'SLAVE', listenPort: p.slave },
  ];
}

/** dLegerPeers value for three nodes on loopback. */
export function dledgerPeers(ports: readonly number[]): string {
  return ports.map((port, i) => `n${i}-127.0.0.1:${port}`).join(';');
}

function dlConfs(p: PortPlan, extra: BrokerConf): BrokerConf[] {
  return p.dledger.map((listenPort, i) => ({
    brokerClusterName: CLUSTER_NAME,
    brokerName: DL_BROKER,
    listenPort,
    enableDLegerCommitLog: true,
    dLegerGroup: DL_BROKER,
    dLegerPeers: dledgerPeers(p.dledgerPeers),
    dLegerSelfId: `n${i}`,
    ...extra,
  }));
}

/**
 * Starts a name server and the requested groups, waits until the master/slave group shows ids
 * {0,1} and the DLedger group shows three addresses including a leader (id 0). On any failure
 * everything already started is torn down before the error propagates.
 */
export async function startCluster(opts: StartClusterOptions = {}): Promise<InteropCluster> {
  const version = opts.version ?? ROCKETMQ_5;
  const ports = portPlan(opts.basePort);
  const timeoutMs = opts.timeoutMs ?? 150_000;
  const timings: Record<string, number> = {};
  let t = Date.now();
  timings.fetch = (await ensureRocketMQ(version)).fetchMs;
  const runDir = createRunDir(`cluster-${version}`);
  const procs: Record<string, ClusterNode> = {};
  let stopped = false;

  const cluster: InteropCluster = {
    version, clusterName: CLUSTER_NAME, runDir, ports, procs, timings,
    namesrvAddr: `127.0.0.1:${ports.namesrv}`,
    async kill(name) {
      await killJvm(nodeOf(name).proc);
    },
    async stop(name) {
      await stopJvm(nodeOf(name).proc);
    },
    async restart(name) {
      const node = nodeOf(name);
      await stopJvm(node.proc);
      await launchNode(node, runDir, true, 90_000);
    },
    nodeByAddr(addr) {
      return Object.values(procs).find((n) => n.addr === addr);
    },
    async stopAll() {
      if (stopped) return;
      stopped = true;
      const brokers = Object.values(procs).filter((n) => n.kind === 'broker');
      // Brokers get SIGKILL: graceful shutdown costs seconds each and the store is thrown away.
      await Promise.all(brokers.map((n) => killJvm(n.proc)));
      await Promise.all(Object.values(procs).map((n) => killJvm(n.proc)));
      removeTempDir(runDir);
    },
  };
  function nodeOf(name: string): ClusterNode {
    const node = procs[name];
    if (!node) throw new ValidationError(`no node named ${name}; have ${Object.keys(procs).join(', ')}`);
    return node;
  }

  try {
    t = Date.now();
    procs.namesrv = await startNamesrv(version, { port: ports.namesrv, runDir });
    timings.namesrvBoot = Date.now() - t;
    const extra = { namesrvAddr: cluster.namesrvAddr, ...(opts.brokerConf ?? {}) };
    const wanted: [string, BrokerConf][] = [];
    if (opts.masterSlave ?? true) {
      const [m, s] = msConfs(ports, extra);
      wanted.push(['ms-master', m], ['ms-slave', s]);
    }
    if (opts.dledger ?? true) dlConfs(ports, extra).forEach((c, i) => wanted.push([`dl-n${i}`, c]));
    // Spawn all brokers at once (they compete for 2 cores anyway), then wait for each boot line.
    t = Date.now();
    for (const [name, conf] of wanted) procs[name] = await startBroker(version, conf, { name, runDir, waitBoot: false });
    for (const [name] of wanted) {
      await waitForLog(procs[name].proc, /boot success/, timeoutMs);
      procs[name].bootMs = Date.now() - t;
    }
    timings.brokersBoot = Date.now() - t;
    t = Date.now();
    const waitOpts = { version, timeoutMs };
    if (opts.masterSlave ?? true) await waitForRegistration(cluster.namesrvAddr, MS_BROKER, { ...waitOpts, brokerIds: [0, 1] });
    if (opts.dledger ?? true) await waitForRegistration(cluster.namesrvAddr, DL_BROKER, { ...waitOpts, master: true, count: 3 });
    timings.registration = Date.now() - t;
    return cluster;
  } catch (err) {
    await cluster.stopAll();
    throw err;
  }
}
