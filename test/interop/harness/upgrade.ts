/**
 * The "smooth upgrade" of the seed article: a running master/slave group becomes a 3-node
 * DLedger group that still reads the old commitlog.
 *
 * Per node: the old broker.conf stays, plus enableDLegerCommitLog/dLegerGroup/dLegerPeers/
 * dLegerSelfId; `storePathRootDir` moves to `<oldRoot>/dledger_store` while `storePathCommitLog`
 * keeps pointing at the OLD commitlog; `<oldRoot>/config/*` is copied into the new root (topics,
 * consumer offsets, subscription groups live there and would otherwise be lost). The third node is
 * a copy of the master's store, as the article copies the master's installation to a new host.
 * @module
 */
import fs from 'node:fs';
import path from 'node:path';
import { ValidationError } from '../../../src/errors.js';
import { MS_BROKER, dledgerPeers, waitForRegistration, type InteropCluster } from './cluster.js';
import type { ClusterListEntry } from './java.js';
import { createBrokerNode, launchNode, type BrokerConf, type ClusterNode } from './nodes.js';
import { stopJvm, waitForLog } from './procs.js';

/** Options for {@link upgradeMasterSlaveToDLedger}. */
export interface UpgradeOptions {
  /** Extra broker.conf keys for the three new nodes (e.g. `recheckReputOffsetFromCq`). @default {} */
  extraConf?: BrokerConf;
  /**
   * Overwrite the slave's commitlog with the master's before the start, as the official DLedger
   * upgrade guide asks (every node must compute the same legacy/DLedger divide). The article does
   * not do this. @default false
   */
  copyMasterCommitLog?: boolean;
  /**
   * Give every node the MASTER's `config/` instead of its own. Needed in practice: a 5.x node that becomes a
   * follower syncs the topic table from the leader and deletes topics the leader lacks, so if the old slave (whose
   * topics.json may not have a recently created topic yet) wins the first election, the topic vanishes from every
   * node (seen against 5.3.3: TOPIC_NOT_EXIST from the new leader). @default false
   */
  copyMasterConfig?: boolean;
  /** Budget for boot and registration, in ms. @default 150000 */
  timeoutMs?: number;
}

/** What {@link upgradeMasterSlaveToDLedger} returns. */
export interface UpgradeResult {
  /** Harness names of the new nodes: `ms-n0` (old master), `ms-n1` (old slave), `ms-n2` (copy). */
  nodes: [string, string, string];
  /** clusterList rows of the upgraded group once a leader registered. */
  rows: ClusterListEntry[];
  /** Wall-clock figures in ms: `stop`, `copy`, `boot`, `registration`. */
  timings: Record<string, number>;
}

function copyDir(from: string, to: string): void {
  if (fs.existsSync(from)) fs.cpSync(from, to, { recursive: true });
}

/**
 * Stops `ms-master` and `ms-slave` gracefully, rewrites their configs for DLedger as described
 * above, adds a third node, starts all three and waits until the group has a leader and three
 * registered addresses. The old nodes leave `cluster.procs`; the new ones join it.
 */
export async function upgradeMasterSlaveToDLedger(
  cluster: InteropCluster,
  opts: UpgradeOptions = {},
): Promise<UpgradeResult> {
  const master = cluster.procs['ms-master'];
  const slave = cluster.procs['ms-slave'];
  if (!master || !slave) throw new ValidationError('upgrade needs the ms-master and ms-slave nodes');
  const timeoutMs = opts.timeoutMs ?? 150_000;
  const timings: Record<string, number> = {};
  let t = Date.now();
  // Graceful stops flush the commitlog and unregister from the name server (9-14 s each on
  // 2 cores, so both at once).
  await Promise.all([stopJvm(master.proc), stopJvm(slave.proc)]);
  timings.stop = Date.now() - t;

  t = Date.now();
  const mRoot = String(master.conf.storePathRootDir);
  const sRoot = String(slave.conf.storePathRootDir);
  const thirdDir = path.join(cluster.runDir, 'ms-n2');
  const tRoot = path.join(thirdDir, 'store');
  copyDir(mRoot, tRoot);
  if (opts.copyMasterCommitLog) {
    fs.rmSync(path.join(sRoot, 'commitlog'), { recursive: true, force: true });
    copyDir(path.join(mRoot, 'commitlog'), path.join(sRoot, 'commitlog'));
  }
  const peers = dledgerPeers(cluster.ports.upgradePeers);
  const plan: { name: string; base: ClusterNode; nodeDir: string; root: string; port: number }[] = [
    { name: 'ms-n0', base: master, nodeDir: master.nodeDir, root: mRoot, port: master.port },
    { name: 'ms-n1', base: slave, nodeDir: slave.nodeDir, root: sRoot, port: slave.port },
    { name: 'ms-n2', base: master, nodeDir: thirdDir, root: tRoot, port: cluster.ports.upgradeThird },
  ];
  const nodes = plan.map((p, i) => {
    const newRoot = path.join(p.root, 'dledger_store');
    fs.mkdirSync(path.join(newRoot, 'config'), { recursive: true });
    copyDir(path.join(opts.copyMasterConfig ? mRoot : p.root, 'config'), path.join(newRoot, 'config'));
    const conf: BrokerConf = {
      ...p.base.conf,
      listenPort: p.port,
      haListenPort: p.port + 1,
      storePathRootDir: newRoot,
      storePathCommitLog: path.join(p.root, 'commitlog'),
      enableDLegerCommitLog: true,
      dLegerGroup: String(p.base.conf.brokerName ?? MS_BROKER),
      dLegerPeers: peers,
      dLegerSelfId: `n${i}`,
      ...(opts.extraConf ?? {}),
    };
    return createBrokerNode(cluster.version, p.name, p.nodeDir, conf, 'broker-dledger.conf');
  });
  timings.copy = Date.now() - t;

  delete cluster.procs['ms-master'];
  delete cluster.procs['ms-slave'];
  for (const n of nodes) cluster.procs[n.name] = n;

  t = Date.now();
  for (const n of nodes) await launchNode(n, cluster.runDir, false, timeoutMs);
  for (const n of nodes) {
    await waitForLog(n.proc, /boot success/, timeoutMs);
    n.bootMs = Date.now() - t;
  }
  timings.boot = Date.now() - t;
  t = Date.now();
  const brokerName = String(master.conf.brokerName ?? MS_BROKER);
  const rows = await waitForRegistration(cluster.namesrvAddr, brokerName, {
    version: cluster.version,
    master: true,
    count: 3,
    timeoutMs,
  });
  timings.registration = Date.now() - t;
  return { nodes: ['ms-n0', 'ms-n1', 'ms-n2'], rows, timings };
}
