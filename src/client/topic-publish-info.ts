/**
 * What a producer needs to pick a queue: the writable message queues of a topic, built from its route the way Java's
 * `MQClientInstance.topicRouteData2TopicPublishInfo` does, plus the round-robin choice of `TopicPublishInfo` /
 * `MQFaultStrategy` (protocol.md §8) and a diff of two routes that spots leader (id-0 address) changes.
 * @module
 */

import { MASTER_ID, PermName, type BrokerData, type TopicRouteData } from '../protocol/route.js';
import type { LatencyFaultTolerance } from './latency-fault.js';

/**
 * Most queues one broker group may contribute. Real deployments use a handful to a few hundred; the cap only keeps a
 * corrupt or hostile route (writeQueueNums = 2^31-1) from allocating billions of entries.
 */
export const MAX_QUEUES_PER_BROKER = 10_000;

/** One message queue of a topic. */
export interface MessageQueue {
  /** Topic name. */
  topic: string;
  /** Broker group name. */
  brokerName: string;
  /** Queue id within the broker group. */
  queueId: number;
}

/** Options of {@link buildTopicPublishInfo}. */
export interface BuildPublishInfoOptions {
  /**
   * Cap every group's queue count at this many (Java's defaultTopicQueueNums, used when the route is the TBW102
   * default route standing in for a topic the nameserver does not know yet). @default no cap
   */
  maxQueueNumsPerBroker?: number;
  /** Start value of the round-robin counter. @default a random integer */
  startIndex?: number;
}

/** Options of {@link TopicPublishInfo.selectQueue}. */
export interface SelectQueueOptions {
  /** Broker group of the previous (failed) attempt; avoided when another group is possible. @default none */
  lastBrokerName?: string;
  /** Latency fault table; when given, isolated groups are avoided. @default none (plain round robin) */
  faultTolerance?: LatencyFaultTolerance;
}

/** The writable queues of one topic and the round-robin counter over them. */
export class TopicPublishInfo {
  /** Topic name. */
  readonly topic: string;
  /** The route this was built from. */
  readonly route: TopicRouteData;
  /** Whether the queues come from `orderTopicConf` (an ordered topic). */
  readonly orderTopic: boolean;
  /** Writable queues: groups sorted by name, queues 0..writeQueueNums-1 each. */
  readonly messageQueues: readonly MessageQueue[];
  private index: number;

  /**
   * @param topic - topic name
   * @param route - the topic's route
   * @param orderTopic - whether the queues come from orderTopicConf
   * @param queues - the writable queues
   * @param startIndex - round-robin start
   */
  constructor(topic: string, route: TopicRouteData, orderTopic: boolean, queues: MessageQueue[], startIndex: number) {
    this.topic = topic;
    this.route = route;
    this.orderTopic = orderTopic;
    this.messageQueues = Object.freeze(queues);
    this.index = startIndex & 0x7fffffff;
  }

  /** Current value of the round-robin counter (carried over when the route is rebuilt). */
  get roundRobinIndex(): number {
    return this.index;
  }

  /** Whether there is at least one writable queue. */
  get ok(): boolean {
    return this.messageQueues.length > 0;
  }

  /** Distinct broker group names of the writable queues, in queue order. */
  brokerNames(): string[] {
    return [...new Set(this.messageQueues.map((q) => q.brokerName))];
  }

  /** Advances the round-robin counter; always a non-negative integer (wraps like Java's `& 0x7FFFFFFF`). */
  private next(): number {
    this.index = (this.index + 1) & 0x7fffffff;
    return this.index;
  }

  /**
   * Next queue in plain round-robin order, ignoring faults. Undefined when there are no queues.
   * @param filter - optional predicate; the first queue from the counter on that passes is returned
   */
  nextQueue(filter?: (mq: MessageQueue) => boolean): MessageQueue | undefined {
    const size = this.messageQueues.length;
    if (size === 0) return undefined;
    const start = this.next();
    for (let i = 0; i < size; i++) {
      const mq = this.messageQueues[(start + i) % size];
      if (!filter || filter(mq)) return mq;
    }
    return undefined;
  }

  /**
   * Picks the queue for the next attempt. Order: a queue of an available group other than `lastBrokerName`; else of
   * a reachable group other than `lastBrokerName`; else (all isolated) a queue of the least-bad group; else plain
   * round robin. Without a fault table: any group other than `lastBrokerName`, else plain round robin.
   * Undefined only when the topic has no writable queue.
   * @param options - last broker and fault table
   */
  selectQueue(options: SelectQueueOptions = {}): MessageQueue | undefined {
    const { lastBrokerName, faultTolerance: ft } = options;
    const notLast = (mq: MessageQueue): boolean => mq.brokerName !== lastBrokerName;
    if (ft) {
      const available = this.nextQueue((mq) => notLast(mq) && ft.isAvailable(mq.brokerName));
      if (available) return available;
      const reachable = this.nextQueue((mq) => notLast(mq) && ft.isReachable(mq.brokerName));
      if (reachable) return reachable;
      const leastBad = ft.pickLeastBad(this.brokerNames());
      if (leastBad !== undefined) {
        const mq = this.nextQueue((q) => q.brokerName === leastBad);
        if (mq) return mq;
      }
      return this.nextQueue();
    }
    return this.nextQueue(notLast) ?? this.nextQueue();
  }
}

/**
 * Builds the publish info of `topic` from its route. With `orderTopicConf` ("bn:n;bn:n") the queues are exactly those
 * listed (malformed items are skipped). Otherwise: queueDatas sorted by brokerName, kept when writable (perm & WRITE)
 * and their group has a master (id 0) address, queues 0..writeQueueNums-1 each.
 * @param topic - topic name
 * @param route - its route
 * @param options - queue cap and round-robin start
 */
export function buildTopicPublishInfo(
  topic: string,
  route: TopicRouteData,
  options: BuildPublishInfoOptions = {},
): TopicPublishInfo {
  const start = options.startIndex ?? Math.floor(Math.random() * 0x7fffffff);
  const cap = options.maxQueueNumsPerBroker;
  const queues: MessageQueue[] = [];
  if (route.orderTopicConf) {
    for (const item of route.orderTopicConf.split(';')) {
      const colon = item.lastIndexOf(':');
      if (colon <= 0) continue;
      const brokerName = item.slice(0, colon).trim();
      const nums = Number(item.slice(colon + 1).trim());
      if (!brokerName || !Number.isInteger(nums) || nums <= 0) continue;
      const n = Math.min(MAX_QUEUES_PER_BROKER, cap !== undefined ? Math.min(cap, nums) : nums);
      for (let i = 0; i < n; i++) queues.push({ topic, brokerName, queueId: i });
    }
    return new TopicPublishInfo(topic, route, true, queues, start);
  }
  const masters = new Set(
    route.brokerDatas.filter((b) => masterAddr(b) !== undefined).map((b) => b.brokerName),
  );
  const sorted = [...route.queueDatas].sort((a, b) => compareStrings(a.brokerName, b.brokerName));
  for (const qd of sorted) {
    if ((qd.perm & PermName.WRITE) === 0) continue;
    // A group without an id-0 address cannot take writes ("broker not exist"): leave it out.
    if (!masters.has(qd.brokerName)) continue;
    const nums = Number.isFinite(qd.writeQueueNums) ? Math.max(0, Math.floor(qd.writeQueueNums)) : 0;
    const n = Math.min(MAX_QUEUES_PER_BROKER, cap !== undefined ? Math.min(cap, nums) : nums);
    for (let i = 0; i < n; i++) queues.push({ topic, brokerName: qd.brokerName, queueId: i });
  }
  return new TopicPublishInfo(topic, route, false, queues, start);
}

/** The master (id 0) address of a broker group, if it has one. */
export function masterAddr(bd: BrokerData): string | undefined {
  const addr = bd.brokerAddrs[String(MASTER_ID)];
  return addr ? addr : undefined;
}

/** One leader change found by {@link diffRoutes}. */
export interface LeaderChange {
  /** Broker group name. */
  brokerName: string;
  /** Previous master address; undefined when the group had none. */
  from?: string;
  /** New master address; undefined when the group lost it (e.g. mid-election). */
  to?: string;
}

/** Result of {@link diffRoutes}. */
export interface RouteDiff {
  /** Groups whose master address appeared, disappeared or moved. */
  leaderChanges: LeaderChange[];
  /** Whether anything in the route differs (order of lists and maps ignored). */
  changed: boolean;
}

/**
 * Compares two routes of one topic. With no old route everything is "changed" but no leader change is reported
 * (a first discovery is not a change). A group present in only one route counts as a leader change when it has a
 * master in that route.
 * @param oldRoute - the cached route, if any
 * @param newRoute - the route just fetched
 */
export function diffRoutes(oldRoute: TopicRouteData | undefined, newRoute: TopicRouteData): RouteDiff {
  if (!oldRoute) return { leaderChanges: [], changed: true };
  const before = new Map(oldRoute.brokerDatas.map((b) => [b.brokerName, masterAddr(b)]));
  const after = new Map(newRoute.brokerDatas.map((b) => [b.brokerName, masterAddr(b)]));
  const names = [...new Set([...before.keys(), ...after.keys()])].sort(compareStrings);
  const leaderChanges: LeaderChange[] = [];
  for (const brokerName of names) {
    const from = before.get(brokerName);
    const to = after.get(brokerName);
    if (from === to) continue;
    const change: LeaderChange = { brokerName };
    if (from !== undefined) change.from = from;
    if (to !== undefined) change.to = to;
    leaderChanges.push(change);
  }
  return { leaderChanges, changed: canonicalRoute(oldRoute) !== canonicalRoute(newRoute) };
}

/** A string that is equal for two routes exactly when they carry the same data, whatever the order. */
export function canonicalRoute(route: TopicRouteData): string {
  const sortKeys = (o: Record<string, unknown>): Record<string, unknown> =>
    Object.fromEntries(Object.keys(o).sort(compareStrings).map((k) => [k, o[k]]));
  return JSON.stringify({
    orderTopicConf: route.orderTopicConf ?? null,
    queueDatas: route.queueDatas
      .map((q) => [q.brokerName, q.readQueueNums, q.writeQueueNums, q.perm, q.topicSysFlag])
      .sort((a, b) => compareStrings(JSON.stringify(a), JSON.stringify(b))),
    brokerDatas: route.brokerDatas
      .map((b) => [b.brokerName, b.cluster, sortKeys(b.brokerAddrs), b.zoneName ?? null, b.enableActingMaster ?? null])
      .sort((a, b) => compareStrings(JSON.stringify(a), JSON.stringify(b))),
  });
}

/** Code-unit string order, as Java's `String.compareTo`. */
function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
