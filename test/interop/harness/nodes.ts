/**
 * Starting one real name server or broker as a child JVM on 127.0.0.1.
 * @module
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { ValidationError } from '../../../src/errors.js';
import { ensureRocketMQ, isLegacy, jvmArgs, writeRocketMQHome } from './java.js';
import { createRunDir, spawnJvm, waitForLog, type JvmProcess } from './procs.js';

/** broker.conf / namesrv.conf keys and values (written as `key=value` lines). */
export type BrokerConf = Record<string, string | number | boolean>;

/** A started name server or broker. `proc` is replaced on restart. */
export interface ClusterNode {
  /** Harness name, e.g. `namesrv`, `ms-master`, `dl-n1`. */
  readonly name: string;
  /** Kind of server. */
  readonly kind: 'namesrv' | 'broker';
  /** RocketMQ version it runs. */
  readonly version: string;
  /** The full config written to `confFile`. */
  conf: BrokerConf;
  /** Path of the config file passed with `-c`. */
  confFile: string;
  /** This node's folder (its `user.home`: logs, kvConfig, and by default the store). */
  readonly nodeDir: string;
  /** Remoting listen port. */
  readonly port: number;
  /** `127.0.0.1:<port>`. */
  readonly addr: string;
  /** The running (or last) JVM. */
  proc: JvmProcess;
  /** How long the last start took until the "boot success" line, in ms (0 if not waited for). */
  bootMs: number;
  /** Number of starts so far (log files are numbered by it). */
  starts: number;
  /**
   * JVM arguments added after the harness's own (e.g. `-Dtls.server.mode=enforcing`); kept on the node so a
   * restart by {@link launchNode} passes them again. Absent means none.
   */
  extraJvmArgs?: string[];
}

/** Shared options of {@link startNamesrv} and {@link startBroker}. */
export interface StartNodeOptions {
  /** Harness name. @default 'namesrv' or the broker's `brokerName` */
  name?: string;
  /** Parent folder; a fresh temp dir is created when absent. @default a new temp dir */
  runDir?: string;
  /** Wait for the "boot success" line before resolving. @default true */
  waitBoot?: boolean;
  /** Budget for the boot line, in ms. @default 90000 */
  bootTimeoutMs?: number;
  /**
   * Extra JVM arguments placed after the harness's flags and before `-cp`, e.g. the `-Dtls.*` system properties
   * RocketMQ reads its TLS settings from (they are not broker.conf keys). @default []
   */
  extraJvmArgs?: string[];
}

/** Fails fast with a clear message when a port the node needs is already bound. */
export async function assertPortsFree(ports: number[]): Promise<void> {
  for (const port of ports) {
    await new Promise<void>((resolve, reject) => {
      const srv = net.createServer();
      srv.once('error', () => reject(new ValidationError(`port ${port} on 127.0.0.1 is in use; pick another basePort`)));
      srv.listen(port, '127.0.0.1', () => srv.close(() => resolve()));
    });
  }
}

function writeConf(file: string, conf: BrokerConf): void {
  const lines = Object.entries(conf).map(([k, v]) => `${k}=${String(v)}`);
  fs.writeFileSync(file, lines.join('\n') + '\n');
}

/** Home folder shared by the nodes of one run (4.x needs the logback files in it). */
function homeOf(runDir: string): string {
  const home = path.join(runDir, 'home');
  if (!fs.existsSync(path.join(home, 'conf'))) writeRocketMQHome(home);
  return home;
}

/**
 * (Re)starts the JVM of a node from its config file. Each start logs to a new numbered file, so a
 * readiness check never matches the previous run's lines.
 */
export async function launchNode(node: ClusterNode, runDir: string, waitBoot: boolean, bootTimeoutMs: number): Promise<void> {
  const dist = await ensureRocketMQ(node.version);
  const home = homeOf(runDir);
  node.starts += 1;
  const main =
    node.kind === 'namesrv' ? 'org.apache.rocketmq.namesrv.NamesrvStartup' : 'org.apache.rocketmq.broker.BrokerStartup';
  const started = Date.now();
  node.proc = spawnJvm({
    name: node.name,
    args: [...jvmArgs(node.kind, home, node.nodeDir), ...(node.extraJvmArgs ?? []), '-cp', dist.classpath, main, '-c', node.confFile],
    cwd: node.nodeDir,
    env: { ROCKETMQ_HOME: home },
    logFile: path.join(node.nodeDir, `stdout.${node.starts}.log`),
  });
  node.bootMs = 0;
  if (waitBoot) {
    await waitForLog(node.proc, /boot success/, bootTimeoutMs);
    node.bootMs = Date.now() - started;
  }
}

/** Starts a name server on 127.0.0.1:`port`. */
export async function startNamesrv(
  version: string,
  opts: StartNodeOptions & { port?: number } = {},
): Promise<ClusterNode> {
  const port = opts.port ?? 9876;
  await assertPortsFree([port]);
  const runDir = opts.runDir ?? createRunDir('namesrv');
  const name = opts.name ?? 'namesrv';
  const nodeDir = path.join(runDir, name);
  fs.mkdirSync(nodeDir, { recursive: true });
  const conf: BrokerConf = { listenPort: port };
  // 4.9.x has no bindAddress and listens on every interface; we still only ever connect to 127.0.0.1.
  if (!isLegacy(version)) conf.bindAddress = '127.0.0.1';
  const confFile = path.join(nodeDir, 'namesrv.conf');
  writeConf(confFile, conf);
  const node: ClusterNode = {
    name, kind: 'namesrv', version, conf, confFile, nodeDir, port, addr: `127.0.0.1:${port}`,
    proc: notStarted(name), bootMs: 0, starts: 0, extraJvmArgs: opts.extraJvmArgs,
  };
  await launchNode(node, runDir, opts.waitBoot ?? true, opts.bootTimeoutMs ?? 90_000);
  return node;
}

/**
 * Defaults for every broker: loopback addresses, the seed article's settings (no auto-created
 * topics or groups, async flush), and small files so five brokers fit in a few hundred MB.
 */
export function defaultBrokerConf(version: string, nodeDir: string): BrokerConf {
  const root = path.join(nodeDir, 'store');
  const conf: BrokerConf = {
    brokerClusterName: 'InteropCluster',
    brokerIP1: '127.0.0.1',
    brokerIP2: '127.0.0.1',
    deleteWhen: '04',
    fileReservedTime: 48,
    flushDiskType: 'ASYNC_FLUSH',
    autoCreateTopicEnable: false,
    autoCreateSubscriptionGroup: false,
    storePathRootDir: root,
    storePathCommitLog: path.join(root, 'commitlog'),
    mappedFileSizeCommitLog: 16 * 1024 * 1024,
    mappedFileSizeConsumeQueue: 600_000,
    maxHashSlotNum: 10_000,
    maxIndexNum: 40_000,
    cleanFileForciblyEnable: false,
    // CPU-starved 2-core machines: be patient before answering "broker busy".
    waitTimeMillsInSendQueue: 1000,
    osPageCacheBusyTimeOutMills: 3000,
  };
  if (!isLegacy(version)) {
    conf.bindAddress = '127.0.0.1';
    conf.mappedFileSizeTimerLog = 16 * 1024 * 1024;
    conf.enableCompaction = false;
  }
  return conf;
}

/**
 * Starts a broker. `conf` needs at least `brokerName` and `listenPort`; everything else falls
 * back to {@link defaultBrokerConf}. `haListenPort` defaults to listenPort+1 (4.9.x forces that).
 */
export async function startBroker(version: string, conf: BrokerConf, opts: StartNodeOptions = {}): Promise<ClusterNode> {
  const port = Number(conf.listenPort);
  if (!Number.isInteger(port) || port < 3 || port > 65534 || typeof conf.brokerName !== 'string') {
    throw new ValidationError('startBroker: conf needs brokerName and a listenPort in 3..65534');
  }
  const dledger = conf.enableDLegerCommitLog === true || conf.enableDLegerCommitLog === 'true';
  await assertPortsFree(dledger ? [port - 2, port] : [port - 2, port, port + 1]);
  const runDir = opts.runDir ?? createRunDir('broker');
  const name = opts.name ?? conf.brokerName;
  const nodeDir = path.join(runDir, name);
  const full: BrokerConf = { ...defaultBrokerConf(version, nodeDir), haListenPort: port + 1, ...conf };
  const node = createBrokerNode(version, name, nodeDir, full, 'broker.conf');
  node.extraJvmArgs = opts.extraJvmArgs;
  await launchNode(node, runDir, opts.waitBoot ?? true, opts.bootTimeoutMs ?? 90_000);
  return node;
}

/**
 * Writes `conf` verbatim (no defaults merged) to `<nodeDir>/<confName>` and returns a node that is
 * not started yet: pass it to {@link launchNode}. Used by the upgrade helper.
 */
export function createBrokerNode(
  version: string,
  name: string,
  nodeDir: string,
  conf: BrokerConf,
  confName: string,
): ClusterNode {
  const port = Number(conf.listenPort);
  fs.mkdirSync(nodeDir, { recursive: true });
  const confFile = path.join(nodeDir, confName);
  writeConf(confFile, conf);
  return {
    name, kind: 'broker', version, conf, confFile, nodeDir, port, addr: `127.0.0.1:${port}`,
    proc: notStarted(name), bootMs: 0, starts: 0,
  };
}

/** Placeholder until the first launch: looks like a process that already exited. */
function notStarted(name: string): JvmProcess {
  return {
    name, pid: -1, logFile: '', exited: Promise.resolve(null), alive: () => false,
    child: undefined as never,
  };
}

/** Rewrites a node's config file (used by the upgrade helper before a restart). */
export function rewriteConf(node: ClusterNode, conf: BrokerConf): void {
  node.conf = conf;
  writeConf(node.confFile, conf);
}
