/**
 * The nameserver's tables (Java `RouteInfoManager`): clusters, broker groups with their addresses by broker id, topic
 * queue layouts per broker group, and live brokers with their last registration time. Pure state plus a clock
 * argument, so the rules (address switching ids, expiry, channel loss) are unit-testable without sockets.
 * @module
 */
import { PermName, type BrokerData, type ClusterInfo, type QueueData, type TopicRouteData } from '../../protocol/route.js';

/** One topic as a broker registers it (Java `TopicConfig`, the fields the nameserver keeps). */
export interface RegisteredTopicConfig {
  /** Topic name. */
  topicName: string;
  /** Readable queue count. */
  readQueueNums: number;
  /** Writable queue count. */
  writeQueueNums: number;
  /** `PermName` bits. */
  perm: number;
  /** `TopicSysFlag` bits. */
  topicSysFlag: number;
}

/** What a REGISTER_BROKER request carries. */
export interface BrokerRegistration {
  /** Cluster name. */
  clusterName: string;
  /** `host:port` the broker serves clients on. */
  brokerAddr: string;
  /** Broker group name. */
  brokerName: string;
  /** 0 = master, ≥ 1 = slave; -1 for a DLedger broker that has no role yet. */
  brokerId: number;
  /** HA address (master/slave replication). */
  haServerAddr: string;
  /** Topics the broker serves (from its TopicConfigSerializeWrapper). */
  topics: RegisteredTopicConfig[];
  /** The broker's data version, as text (only compared for equality). */
  dataVersion: string;
  /** Expiry of this registration in ms. */
  timeoutMs: number;
  /** Identity of the connection the registration came over (its loss removes the broker). */
  channel: object | undefined;
}

/** The answer to a registration: where the master is, for slaves. */
export interface RegistrationResult {
  /** Master address of the group, when the registrant is a slave and a master is known. */
  masterAddr?: string;
  /** The master's HA address. */
  haServerAddr?: string;
}

interface LiveInfo {
  clusterName: string;
  brokerName: string;
  lastUpdate: number;
  timeoutMs: number;
  dataVersion: string;
  haServerAddr: string;
  channel: object | undefined;
}

interface GroupData {
  cluster: string;
  brokerName: string;
  addrs: Map<number, string>;
}

/** The nameserver's route tables. */
export class RouteInfoManager {
  private readonly clusters = new Map<string, Set<string>>();
  private readonly groups = new Map<string, GroupData>();
  private readonly topics = new Map<string, Map<string, QueueData>>();
  private readonly live = new Map<string, LiveInfo>();

  /**
   * Registers (or refreshes) a broker. As RouteInfoManager#registerBroker: an address registering under a new id
   * first loses its old id ("switch slave to master"); only a master's topic table updates the queue layouts.
   * @param reg - the registration
   * @param now - current time in ms
   */
  register(reg: BrokerRegistration, now: number): RegistrationResult {
    let names = this.clusters.get(reg.clusterName);
    if (!names) this.clusters.set(reg.clusterName, (names = new Set()));
    names.add(reg.brokerName);

    let group = this.groups.get(reg.brokerName);
    if (!group) {
      group = { cluster: reg.clusterName, brokerName: reg.brokerName, addrs: new Map() };
      this.groups.set(reg.brokerName, group);
    }
    for (const [id, addr] of group.addrs) {
      if (addr === reg.brokerAddr && id !== reg.brokerId) group.addrs.delete(id);
    }
    // brokerId -1 (a DLedger broker before its first role) is stored like any id, as the Java code does.
    group.addrs.set(reg.brokerId, reg.brokerAddr);

    if (reg.brokerId === 0) {
      for (const t of reg.topics) {
        let byBroker = this.topics.get(t.topicName);
        if (!byBroker) this.topics.set(t.topicName, (byBroker = new Map()));
        byBroker.set(reg.brokerName, {
          brokerName: reg.brokerName,
          readQueueNums: t.readQueueNums,
          writeQueueNums: t.writeQueueNums,
          perm: t.perm,
          topicSysFlag: t.topicSysFlag,
        });
      }
    }

    this.live.set(reg.brokerAddr, {
      clusterName: reg.clusterName,
      brokerName: reg.brokerName,
      lastUpdate: now,
      timeoutMs: reg.timeoutMs,
      dataVersion: reg.dataVersion,
      haServerAddr: reg.haServerAddr,
      channel: reg.channel,
    });

    const result: RegistrationResult = {};
    if (reg.brokerId !== 0) {
      const masterAddr = group.addrs.get(0);
      if (masterAddr !== undefined) {
        result.masterAddr = masterAddr;
        const masterLive = this.live.get(masterAddr);
        if (masterLive) result.haServerAddr = masterLive.haServerAddr;
      }
    }
    return result;
  }

  /**
   * Removes one broker address (UNREGISTER_BROKER).
   * @returns true when something was removed
   */
  unregister(clusterName: string, brokerAddr: string, brokerName: string, brokerId: number): boolean {
    this.live.delete(brokerAddr);
    const group = this.groups.get(brokerName);
    if (!group) return false;
    const had = group.addrs.get(brokerId) === brokerAddr;
    if (had) group.addrs.delete(brokerId);
    if (group.addrs.size === 0) this.removeGroup(brokerName, clusterName);
    return had;
  }

  /** Removes every broker that registered over `channel` (its connection closed). */
  onChannelClosed(channel: object): string[] {
    const gone: string[] = [];
    for (const [addr, info] of this.live) {
      if (info.channel === channel) gone.push(addr);
    }
    for (const addr of gone) this.removeAddr(addr);
    return gone;
  }

  /**
   * Expires brokers whose last registration is older than their timeout (RouteInfoManager#scanNotActiveBroker).
   * @returns the expired entries' channels (so the server can close them) and addresses
   */
  scanNotActive(now: number): {
    /** Broker address that expired. */
    addr: string;
    /** Its registration channel, for the server to close. */
    channel: object | undefined;
  }[] {
    const expired: { addr: string; channel: object | undefined }[] = [];
    for (const [addr, info] of this.live) {
      if (info.lastUpdate + info.timeoutMs < now) expired.push({ addr, channel: info.channel });
    }
    for (const e of expired) this.removeAddr(e.addr);
    return expired;
  }

  /** The data version a live broker last registered with (undefined when not live). */
  dataVersionOf(brokerAddr: string): string | undefined {
    return this.live.get(brokerAddr)?.dataVersion;
  }

  /** Whether a broker address is currently live. */
  isLive(brokerAddr: string): boolean {
    return this.live.has(brokerAddr);
  }

  /**
   * The route of a topic, or `undefined` when no broker group serves it (RouteInfoManager#pickupTopicRouteData).
   */
  pickupTopicRouteData(topic: string): TopicRouteData | undefined {
    const byBroker = this.topics.get(topic);
    if (!byBroker || byBroker.size === 0) return undefined;
    const queueDatas: QueueData[] = [];
    const brokerDatas: BrokerData[] = [];
    for (const [name, qd] of byBroker) {
      queueDatas.push({ ...qd });
      const group = this.groups.get(name);
      if (group) brokerDatas.push(this.brokerData(group));
    }
    if (brokerDatas.length === 0) return undefined;
    return { queueDatas, brokerDatas, filterServerTable: {} };
  }

  /** Cluster info (GET_BROKER_CLUSTER_INFO). */
  clusterInfo(): ClusterInfo {
    const brokerAddrTable: Record<string, BrokerData> = {};
    for (const group of this.groups.values()) brokerAddrTable[group.brokerName] = this.brokerData(group);
    const clusterAddrTable: Record<string, string[]> = {};
    for (const [cluster, names] of this.clusters) clusterAddrTable[cluster] = [...names].sort();
    return { brokerAddrTable, clusterAddrTable };
  }

  /** Every topic with a route (GET_ALL_TOPIC_LIST_FROM_NAMESERVER). */
  topicList(): string[] {
    return [...this.topics.keys()].sort();
  }

  /** Addresses of a broker group by id, or `undefined` when the group is unknown. */
  brokerAddrs(brokerName: string): Record<string, string> | undefined {
    const group = this.groups.get(brokerName);
    return group ? this.brokerData(group).brokerAddrs : undefined;
  }

  private brokerData(group: GroupData): BrokerData {
    const brokerAddrs: Record<string, string> = {};
    for (const id of [...group.addrs.keys()].sort((a, b) => a - b)) brokerAddrs[String(id)] = group.addrs.get(id) as string;
    return { cluster: group.cluster, brokerName: group.brokerName, brokerAddrs, enableActingMaster: false };
  }

  /** Drops one address from its group (RouteInfoManager#onChannelDestroy). */
  private removeAddr(addr: string): void {
    const info = this.live.get(addr);
    this.live.delete(addr);
    const names = info ? [info.brokerName] : [...this.groups.keys()];
    for (const name of names) {
      const group = this.groups.get(name);
      if (!group) continue;
      for (const [id, a] of group.addrs) if (a === addr) group.addrs.delete(id);
      if (group.addrs.size === 0) this.removeGroup(name, group.cluster);
    }
  }

  /** A group with no address left disappears, with its queue layouts and, when empty, its topics and cluster. */
  private removeGroup(brokerName: string, clusterName: string): void {
    this.groups.delete(brokerName);
    const names = this.clusters.get(clusterName);
    if (names) {
      names.delete(brokerName);
      if (names.size === 0) this.clusters.delete(clusterName);
    }
    for (const [topic, byBroker] of this.topics) {
      byBroker.delete(brokerName);
      if (byBroker.size === 0) this.topics.delete(topic);
    }
  }
}

/** Default permission for topics registered without one. */
export const DEFAULT_PERM = PermName.READ | PermName.WRITE;
