/**
 * `MockCluster`: a nameserver plus broker groups (single, master/slave or DLedger), all in process on loopback
 * ports, with fault injection (kill/restart from disk on the same port, pause, isolate, cut links, latency) and the
 * master/slave → DLedger upgrade (`upgrade.ts`).
 * @module
 */
import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RequestTimeoutError, ValidationError } from '../errors.js';
import { MockBroker } from './broker/broker.js';
import { HaLink } from './broker/replication.js';
import type { MockBrokerOptions } from './broker/options.js';
import type {
  MockClusterEvents,
  MockClusterOptions,
  MockGroupOptions,
  NodeAddress,
  ReplicationMode,
  UpgradeOptions,
} from './cluster-options.js';
import { DLedgerNetwork } from './dledger/transport.js';
import { DLedgerNode } from './dledger/node.js';
import { MockNameServer } from './namesrv/server.js';
import { defaultTopicConfig } from './store/config-store.js';
import { scaled, sleep } from './timing.js';
import { upgradeGroup } from './upgrade.js';

/** One replica of a group. */
export interface ClusterNode {
  /** Replica id. */
  id: string;
  /** Its broker (the same object across kill/restart). */
  broker: MockBroker;
  /** Its DLedger replica (dledger mode). */
  dledger?: DLedgerNode;
}

/** One broker group. */
export interface ClusterGroup {
  /** Options it was created with. */
  options: MockGroupOptions;
  /** Current mode (changes on upgrade). */
  mode: ReplicationMode;
  /** Replicas. */
  nodes: ClusterNode[];
  /** DLedger network (dledger mode). */
  network?: DLedgerNetwork;
  /** HA links (master/slave mode). */
  links: HaLink[];
}

/** An in-process RocketMQ cluster. */
export class MockCluster extends EventEmitter<MockClusterEvents> {
  /** The nameserver. */
  readonly nameServer: MockNameServer;
  /** Root of every store. */
  readonly storeDir: string;
  /** Multiplier of every period. */
  readonly timeScale: number;
  /** Resolved options. */
  readonly options: Readonly<MockClusterOptions>;
  private readonly groups = new Map<string, ClusterGroup>();
  private readonly ownsStoreDir: boolean;
  private stopped = false;

  private constructor(options: MockClusterOptions) {
    super();
    this.options = options;
    this.timeScale = options.timeScale ?? 1;
    this.ownsStoreDir = options.storeDir === undefined;
    this.storeDir = options.storeDir ?? mkdtempSync(join(tmpdir(), 'rocketmq-ts-mock-'));
    this.nameServer = new MockNameServer({
      port: options.namesrvPort ?? 0,
      timeScale: this.timeScale,
      acl: options.namesrvAcl ? options.acl : undefined,
      tls: options.tls,
    });
  }

  /**
   * Starts a nameserver and every group.
   * @param options - groups and shared settings
   */
  static async start(options: MockClusterOptions): Promise<MockCluster> {
    const names = new Set<string>();
    for (const g of options.groups) {
      if (names.has(g.brokerName)) throw new ValidationError(`duplicate brokerName ${g.brokerName}`);
      names.add(g.brokerName);
    }
    const cluster = new MockCluster(options);
    try {
      await cluster.nameServer.start();
      for (const g of options.groups) await cluster.startGroup(g, g.mode);
    } catch (err) {
      await cluster.stop();
      throw err;
    }
    return cluster;
  }

  /** `host:port` of the nameserver. */
  get namesrvAddr(): string {
    return this.nameServer.addr;
  }

  /** Names of the broker groups. */
  get brokerNames(): string[] {
    return [...this.groups.keys()];
  }

  /** The broker of replica `id` of a group. */
  broker(brokerName: string, id: string): MockBroker {
    return this.node(brokerName, id).broker;
  }

  /** Every replica of a group. */
  nodes(brokerName: string): readonly ClusterNode[] {
    return this.group(brokerName).nodes;
  }

  /**
   * The group's replicas, replication links and DLedger network.
   * @param brokerName - group
   * @throws ValidationError for an unknown group
   */
  group(brokerName: string): ClusterGroup {
    const g = this.groups.get(brokerName);
    if (!g) throw new ValidationError(`no broker group ${brokerName}`);
    return g;
  }

  /**
   * Options of one replica's broker: the cluster's settings (nameserver, store directory `<storeDir>/<group>/<id>`,
   * file size, time scale, version) with `extra` on top.
   * @param brokerName - group
   * @param id - replica id
   * @param extra - overrides (role, broker id, port, DLedger binding, …)
   */
  brokerOptions(brokerName: string, id: string, extra: Partial<MockBrokerOptions>): MockBrokerOptions {
    const g = this.group(brokerName);
    // Replica ids are positional (n0, n1, …), so the fixed port of `nX` is ports[X].
    const port = g.options.ports?.[Number(id.slice(1))];
    return {
      brokerName,
      ...(port ? { port } : {}),
      clusterName: this.options.clusterName,
      namesrvAddrs: [this.namesrvAddr],
      storePathRootDir: join(this.storeDir, brokerName, id),
      mappedFileSize: this.options.mappedFileSize,
      autoCreateTopicEnable: this.options.autoCreateTopicEnable,
      slaveReadEnable: g.options.slaveReadEnable,
      timeScale: this.timeScale,
      brokerVersion: this.options.brokerVersion,
      acl: this.options.acl,
      tls: this.options.tls,
      maxMessageSize: this.options.maxMessageSize,
      ...extra,
    };
  }

  private node(brokerName: string, id: string): ClusterNode {
    const n = this.group(brokerName).nodes.find((x) => x.id === id);
    if (!n) throw new ValidationError(`no replica ${id} in ${brokerName}`);
    return n;
  }

  private async startGroup(options: MockGroupOptions, mode: ReplicationMode): Promise<void> {
    const group: ClusterGroup = { options, mode, nodes: [], links: [] };
    this.groups.set(options.brokerName, group);
    const name = options.brokerName;
    if (mode === 'single') {
      group.nodes.push(this.wrap({ id: 'n0', broker: new MockBroker(this.brokerOptions(name, 'n0', { role: 'ASYNC_MASTER', brokerId: 0 })) }));
    } else if (mode === 'master-slave') {
      const role = options.syncMaster ? 'SYNC_MASTER' : 'ASYNC_MASTER';
      group.nodes.push(this.wrap({ id: 'n0', broker: new MockBroker(this.brokerOptions(name, 'n0', { role, brokerId: 0 })) }));
      group.nodes.push(this.wrap({ id: 'n1', broker: new MockBroker(this.brokerOptions(name, 'n1', { role: 'SLAVE', brokerId: 1 })) }));
    } else {
      this.buildDLedgerNodes(group, options.replicas ?? 3, (id) => this.brokerOptions(name, id, {}), 0);
    }
    await Promise.all(group.nodes.map((n) => n.broker.start()));
    if (mode === 'master-slave') {
      const link = new HaLink(group.nodes[0].broker, group.nodes[1].broker);
      link.start();
      group.links.push(link);
    }
  }

  /** Creates the DLedger replicas and their brokers for a group. */
  buildDLedgerNodes(group: ClusterGroup, replicas: number, optionsOf: (id: string) => MockBrokerOptions, startPos: number): void {
    if (!Number.isInteger(replicas) || replicas < 1) throw new ValidationError(`bad replica count ${replicas}`);
    const network = new DLedgerNetwork();
    group.network = network;
    const peers = Array.from({ length: replicas }, (_, i) => `n${i}`);
    for (const id of peers) {
      const opts = optionsOf(id);
      const dledger = new DLedgerNode({
        group: group.options.brokerName,
        selfId: id,
        peers,
        baseDir: opts.storePathRootDir,
        network,
        timeScale: this.timeScale,
        mappedFileSize: this.options.mappedFileSize,
        startPos,
      });
      group.nodes.push(this.wrap({ id, dledger, broker: new MockBroker({ ...opts, dledger: { node: dledger } }) }));
    }
  }

  private wrap(n: ClusterNode): ClusterNode {
    n.broker.peers = () => this.groups.get(n.broker.brokerName)?.nodes.map((x) => x.broker) ?? [];
    n.broker.on('roleChange', (e) => {
      this.emit('roleChange', { ...e, id: n.id });
      if (e.brokerId === 0) this.emit('leaderChange', { brokerName: e.brokerName, id: n.id, addr: e.addr });
    });
    return n;
  }

  /**
   * Creates (or updates) a topic on every running broker of the chosen groups and re-registers them.
   * @param topic - topic name
   * @param options - queue count (read = write), permission, groups (default: all)
   */
  async createTopic(topic: string, options: { queues?: number; perm?: number; brokerNames?: string[] } = {}): Promise<void> {
    const queues = options.queues ?? 4;
    for (const name of options.brokerNames ?? this.brokerNames) {
      for (const n of this.group(name).nodes) {
        if (!n.broker.running) continue;
        n.broker.store.config.putTopic({ ...defaultTopicConfig(topic), readQueueNums: queues, writeQueueNums: queues, perm: options.perm ?? 6 });
      }
    }
    await Promise.all(
      (options.brokerNames ?? this.brokerNames).flatMap((name) => this.group(name).nodes.filter((n) => n.broker.running).map((n) => n.broker.registerAll())),
    );
  }

  /** The group's current master (brokerId 0, running), or undefined. */
  leaderOf(brokerName: string): NodeAddress | undefined {
    const n = this.group(brokerName).nodes.find((x) => x.broker.running && x.broker.brokerId === 0 && x.broker.role !== 'SLAVE');
    return n ? { id: n.id, addr: n.broker.addr } : undefined;
  }

  /**
   * Waits until the group has a master that is registered with the nameserver as brokerId 0.
   * @param brokerName - group
   * @param timeoutMs - budget in real ms (default: 30 s scaled, at least 2 s)
   * @throws RequestTimeoutError when none shows up in time
   */
  async waitForLeader(brokerName: string, timeoutMs = Math.max(2000, scaled(30_000, this.timeScale))): Promise<NodeAddress> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const leader = this.leaderOf(brokerName);
      if (leader && this.nameServer.routes.brokerAddrs(brokerName)?.['0'] === leader.addr) return leader;
      if (Date.now() >= deadline) throw new RequestTimeoutError(`no registered leader for ${brokerName} within ${timeoutMs} ms`, timeoutMs);
      await sleep(5);
    }
  }

  /** Kills a replica: its sockets close and its DLedger replica stops; files stay. */
  async kill(brokerName: string, id: string): Promise<void> {
    await this.node(brokerName, id).broker.close();
  }

  /** Restarts a killed replica from disk on the same port. */
  async restart(brokerName: string, id: string): Promise<void> {
    await this.node(brokerName, id).broker.start();
    for (const l of this.group(brokerName).links) l.kick();
  }

  /** Kills the group's current master; resolves with its id. */
  async killLeader(brokerName: string): Promise<string> {
    const leader = this.leaderOf(brokerName);
    if (!leader) throw new ValidationError(`${brokerName} has no leader to kill`);
    await this.kill(brokerName, leader.id);
    return leader.id;
  }

  /** Freezes a replica (requests and DLedger work wait) until {@link MockCluster.resume}. */
  pause(brokerName: string, id: string): void {
    const n = this.node(brokerName, id);
    n.broker.pause();
    n.dledger?.pause();
  }

  /** Thaws a paused replica. */
  resume(brokerName: string, id: string): void {
    const n = this.node(brokerName, id);
    n.dledger?.resume();
    n.broker.resume();
  }

  /** Cuts a DLedger replica off from its peers (both directions). */
  isolate(brokerName: string, id: string): void {
    this.network(brokerName).isolate(id);
  }

  /** Cuts the one-way DLedger link from → to. */
  cutLink(brokerName: string, from: string, to: string): void {
    this.network(brokerName).cutLink(from, to);
  }

  /** Restores every DLedger link (of one group, or of all). */
  heal(brokerName?: string): void {
    for (const name of brokerName === undefined ? this.brokerNames : [brokerName]) this.groups.get(name)?.network?.heal();
  }

  /**
   * Adds latency: on the DLedger link from → to when `to` is given, else before every client request of `from`.
   * @param brokerName - group
   * @param from - replica id
   * @param toOrMs - peer id (DLedger link) or the latency for client requests
   * @param ms - latency of the DLedger link
   */
  setLatency(brokerName: string, from: string, toOrMs: string | number, ms = 0): void {
    if (typeof toOrMs === 'number') this.node(brokerName, from).broker.setLatency(toOrMs);
    else this.network(brokerName).setLatency(from, toOrMs, ms);
  }

  private network(brokerName: string): DLedgerNetwork {
    const net = this.group(brokerName).network;
    if (!net) throw new ValidationError(`${brokerName} is not a dledger group`);
    return net;
  }

  /**
   * Upgrades a master/slave group to DLedger the way the real procedure does (see `upgrade.ts`).
   * @param brokerName - the group
   * @param options - replicas, legacy copy
   */
  async upgradeToDLedger(brokerName: string, options: UpgradeOptions = {}): Promise<void> {
    const g = this.group(brokerName);
    for (const l of g.links) l.stop();
    g.links = [];
    await Promise.all(g.nodes.map((n) => n.broker.close()));
    await upgradeGroup(this, g, options);
  }

  /** Stops everything; removes the store directory when the cluster created it. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const g of this.groups.values()) for (const l of g.links) l.stop();
    await Promise.all([...this.groups.values()].flatMap((g) => g.nodes.map((n) => n.broker.close())));
    for (const g of this.groups.values()) g.network?.close();
    await this.nameServer.close();
    if (this.ownsStoreDir) rmSync(this.storeDir, { recursive: true, force: true });
  }
}
