/**
 * Turns a set of `broker.conf` files (one per broker process in a real deployment) into {@link MockCluster} options:
 * files are grouped by brokerName; a group is `dledger` when its files set enableDLegerCommitLog, `master-slave`
 * when one is a SLAVE, else `single`. What the mock cannot honour per process (brokerIP1 and each broker's own
 * store paths — the cluster picks ports and lays stores out under one root) is kept in the plan's
 * node list and reported as a warning, so a caller can show it.
 * @module
 */
import { ValidationError } from '../../errors.js';
import type { MockClusterOptions, MockGroupOptions } from '../cluster-options.js';
import type { BrokerConf } from './broker-conf.js';

/** Where one conf file lands in the mock. */
export interface ConfNodePlan {
  /** Broker group. */
  brokerName: string;
  /** Mock replica id (`n0`…; master/slave: n0 master, n1 slave; DLedger: position in dLegerPeers). */
  id: string;
  /** The conf file, if one describes this replica (DLedger peers without a file are still started). */
  file?: string;
  /** listenPort the file sets (unset when it relies on the 10911 default). */
  listenPort?: number;
  /** brokerIP1 asked for by the file. */
  brokerIP1?: string;
  /** storePathRootDir asked for by the file. */
  storePathRootDir?: string;
  /** storePathCommitLog asked for by the file. */
  storePathCommitLog?: string;
}

/** The result of {@link planClusterFromConfs}. */
export interface ConfClusterPlan {
  /** Options for `MockCluster.start` (namesrvPort only when the files name one). */
  options: MockClusterOptions;
  /** Replicas and what their files asked for. */
  nodes: ConfNodePlan[];
  /** Settings the mock does not apply as written, one sentence each. */
  warnings: string[];
}

function fail(conf: BrokerConf, key: string, why: string): never {
  const line = conf.lines[key];
  throw new ValidationError(`${conf.file}${line === undefined ? '' : `:${line}`}: ${key}: ${why}`);
}

/** brokerName, or dLegerGroup when a DLedger conf omits it (the seed article's n0 file does). */
function nameOf(conf: BrokerConf): string {
  const name = conf.brokerName ?? (conf.enableDLegerCommitLog ? conf.dLegerGroup : undefined);
  if (name === undefined) fail(conf, 'brokerName', 'missing (the mock cannot fall back to the host name as Java does)');
  return name;
}

function nodeOf(conf: BrokerConf, brokerName: string, id: string): ConfNodePlan {
  return {
    brokerName,
    id,
    file: conf.file,
    listenPort: conf.lines.listenPort === undefined ? undefined : conf.listenPort,
    brokerIP1: conf.brokerIP1,
    storePathRootDir: conf.storePathRootDir,
    storePathCommitLog: conf.storePathCommitLog,
  };
}

function planDLedger(name: string, confs: BrokerConf[], nodes: ConfNodePlan[], warnings: string[]): MockGroupOptions {
  const off = confs.find((c) => !c.enableDLegerCommitLog);
  if (off) fail(off, 'enableDLegerCommitLog', `group ${name} mixes DLedger and non-DLedger brokers`);
  const first = confs[0];
  const peers = first.dLegerPeers ?? fail(first, 'dLegerPeers', 'missing with enableDLegerCommitLog=true');
  const byId = new Map<string, BrokerConf>();
  for (const c of confs) {
    const p = c.dLegerPeers ?? fail(c, 'dLegerPeers', 'missing with enableDLegerCommitLog=true');
    if (p.map((x) => x.id).join(';') !== peers.map((x) => x.id).join(';')) fail(c, 'dLegerPeers', `differs from ${first.file}`);
    const self = c.dLegerSelfId ?? fail(c, 'dLegerSelfId', 'missing with enableDLegerCommitLog=true');
    if (byId.has(self)) fail(c, 'dLegerSelfId', `${self} is also the id in ${byId.get(self)!.file}`);
    byId.set(self, c);
    if (c.dLegerGroup !== undefined && c.dLegerGroup !== name) warnings.push(`${c.file}: dLegerGroup ${c.dLegerGroup} differs from brokerName ${name}; the mock uses ${name}`);
  }
  // Mock replica ids are positional (n0…); a conf's own ids map by their position in dLegerPeers.
  peers.forEach((p, i) => {
    const c = byId.get(p.id);
    nodes.push(c ? nodeOf(c, name, `n${i}`) : { brokerName: name, id: `n${i}` });
    if (p.id !== `n${i}`) warnings.push(`${name}: DLedger peer ${p.id} runs as mock replica n${i}`);
  });
  return { brokerName: name, mode: 'dledger', replicas: peers.length, slaveReadEnable: confs.some((c) => c.slaveReadEnable) };
}

function planMasterSlave(name: string, confs: BrokerConf[], nodes: ConfNodePlan[]): MockGroupOptions {
  const masters = confs.filter((c) => c.brokerRole !== 'SLAVE');
  const slaves = confs.filter((c) => c.brokerRole === 'SLAVE');
  if (masters.length > 1) fail(masters[1], 'brokerRole', `group ${name} has a second master (also ${masters[0].file})`);
  const master = masters[0];
  if (master && master.brokerId !== 0) fail(master, 'brokerId', `${master.brokerRole} needs brokerId 0`);
  for (const s of slaves) if (s.brokerId === 0) fail(s, 'brokerId', 'a SLAVE needs a brokerId above 0');
  if (slaves.length === 0) {
    nodes.push(nodeOf(master, name, 'n0'));
    return { brokerName: name, mode: 'single' };
  }
  if (!master) fail(slaves[0], 'brokerRole', `group ${name} has a SLAVE but no master`);
  if (slaves.length > 1) fail(slaves[1], 'brokerRole', `the mock runs one slave per group (also ${slaves[0].file})`);
  nodes.push(nodeOf(master, name, 'n0'), nodeOf(slaves[0], name, 'n1'));
  return {
    brokerName: name,
    mode: 'master-slave',
    syncMaster: master.brokerRole === 'SYNC_MASTER',
    // Java's master reads its own slaveReadEnable when it tells a consumer to pull from the slave.
    slaveReadEnable: master.slaveReadEnable,
  };
}

/** One cluster-wide setting the files may disagree on: the first file's value, with a warning on disagreement. */
function agreed<T>(confs: readonly BrokerConf[], key: keyof BrokerConf & string, get: (c: BrokerConf) => T | undefined, warnings: string[]): T | undefined {
  const set = confs.filter((c) => get(c) !== undefined);
  if (set.length === 0) return undefined;
  const v = get(set[0]);
  const other = set.find((c) => get(c) !== v);
  if (other) warnings.push(`${key} differs between ${set[0].file} and ${other.file}; the mock applies ${String(v)} to every broker`);
  return v;
}

/**
 * Plans a mock cluster from parsed conf files.
 * @param confs - one per broker process
 * @throws ValidationError (naming file, line and key) when the files cannot form a cluster the mock can run
 */
export function planClusterFromConfs(confs: readonly BrokerConf[]): ConfClusterPlan {
  if (confs.length === 0) throw new ValidationError('no broker.conf files given');
  const clusterName = confs[0].brokerClusterName;
  const otherCluster = confs.find((c) => c.brokerClusterName !== clusterName);
  if (otherCluster) fail(otherCluster, 'brokerClusterName', `the mock runs one cluster, ${confs[0].file} says ${clusterName}`);

  const byName = new Map<string, BrokerConf[]>();
  for (const c of confs) {
    const name = nameOf(c);
    byName.set(name, [...(byName.get(name) ?? []), c]);
  }
  const warnings: string[] = [];
  const nodes: ConfNodePlan[] = [];
  const groups: MockGroupOptions[] = [];
  for (const [name, list] of byName) {
    groups.push(list.some((c) => c.enableDLegerCommitLog) ? planDLedger(name, list, nodes, warnings) : planMasterSlave(name, list, nodes));
  }

  const options: MockClusterOptions = { groups, clusterName };
  const auto = agreed(confs, 'autoCreateTopicEnable', (c) => c.autoCreateTopicEnable, warnings);
  if (auto !== undefined) options.autoCreateTopicEnable = auto;
  const size = agreed(confs, 'mappedFileSizeCommitLog', (c) => c.mappedFileSizeCommitLog, warnings);
  if (size !== undefined) options.mappedFileSize = size;
  // One nameserver: the port of the first address the files list (the mock always listens on 127.0.0.1).
  const ns = agreed(confs, 'namesrvAddr', (c) => c.namesrvAddr?.[0]?.port, warnings);
  if (ns !== undefined) options.namesrvPort = ns;

  for (const g of groups) {
    const ports = nodes.filter((n) => n.brokerName === g.brokerName).map((n) => ({ i: Number(n.id.slice(1)), port: n.listenPort ?? 0 }));
    if (ports.some((x) => x.port !== 0)) {
      g.ports = [];
      for (const x of ports) g.ports[x.i] = x.port;
      for (let i = 0; i < g.ports.length; i++) g.ports[i] ??= 0;
    }
  }
  for (const n of nodes) {
    if (n.brokerIP1 !== undefined && n.brokerIP1 !== '127.0.0.1') warnings.push(`${n.file}: brokerIP1 ${n.brokerIP1} is not honoured (the mock listens on 127.0.0.1)`);
  }
  if (nodes.some((n) => n.storePathRootDir !== undefined || n.storePathCommitLog !== undefined)) {
    warnings.push('storePathRootDir/storePathCommitLog are not honoured per broker: the mock keeps each replica under <store-dir>/<brokerName>/<id>');
  }
  return { options, nodes, warnings };
}
