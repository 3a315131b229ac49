/**
 * Topic route cache, shared by every producer and consumer of one client instance (Java `MQClientInstance`'s
 * topicRouteTable / brokerAddrTable / updateTopicRouteInfoFromNameServer).
 *
 * - `refresh(topic)` is single-flight: concurrent callers share one in-flight nameserver request per topic, so a
 *   burst of failed sends after a leader loss causes one GET_ROUTEINFO_BY_TOPIC, not hundreds.
 * - Every `pollNameServerInterval` (30 s) all known topics are re-read; a failed poll keeps the old route.
 * - Events: `routeChange` when a topic's route differs from the cached one, `leaderChange` when a broker group's
 *   id-0 address moved (once per group, however many topics show it), `refreshError` when a poll failed.
 * @module
 */

import { EventEmitter } from 'node:events';
import type { TopicRouteData } from '../protocol/route.js';
import type { LatencyFaultTolerance } from './latency-fault.js';
import {
  buildTopicPublishInfo,
  diffRoutes,
  masterAddr,
  type BuildPublishInfoOptions,
  type LeaderChange,
  type TopicPublishInfo,
} from './topic-publish-info.js';

/** What the route manager needs from a nameserver client ({@link NamesrvClient} implements it). */
export interface RouteSource {
  /**
   * Fetches a topic's route.
   * @param topic - topic name
   */
  getRouteInfo(topic: string): Promise<TopicRouteData>;
}

/** Options of {@link RouteManager}. */
export interface RouteManagerOptions {
  /** Where routes come from. */
  source: RouteSource;
  /** Interval of the periodic poll over all known topics, in ms. @default 30000 */
  pollNameServerInterval?: number;
  /** Delay of the first poll after {@link RouteManager.start}, in ms. @default 10 */
  firstPollDelayMs?: number;
  /** When given, a group whose leader changed is re-admitted in this fault table. @default none */
  faultTolerance?: LatencyFaultTolerance;
  /** How publish info is built from routes. @default {} */
  publishInfo?: BuildPublishInfoOptions;
}

/** Payload of `routeChange`. */
export interface RouteChangeEvent {
  /** Topic name. */
  topic: string;
  /** The new route. */
  route: TopicRouteData;
  /** The route it replaced (undefined on first discovery). */
  previous?: TopicRouteData;
  /** Leader changes between the two routes of this topic. */
  leaderChanges: LeaderChange[];
}

/** Payload of `leaderChange`: a broker group's master address moved (or appeared / disappeared). */
export interface LeaderChangeEvent extends LeaderChange {
  /** The topic whose refresh revealed it. */
  topic: string;
}

/** Payload of `refreshError`. */
export interface RefreshErrorEvent {
  /** Topic whose refresh failed. */
  topic: string;
  /** Why. */
  error: unknown;
}

/** Events of {@link RouteManager}. */
export interface RouteManagerEvents {
  /** A topic's route changed. */
  routeChange: [RouteChangeEvent];
  /** A broker group's master address changed. */
  leaderChange: [LeaderChangeEvent];
  /** A periodic refresh failed (the cached route stays). */
  refreshError: [RefreshErrorEvent];
}

/** One address of one broker, as listed by {@link RouteManager.brokerAddrs}. */
export interface BrokerAddress {
  /** Broker group name. */
  brokerName: string;
  /** Broker id (0 = master). */
  brokerId: number;
  /** `host:port`. */
  addr: string;
}

/** Result of {@link RouteManager.findBrokerAddressInSubscribe}. */
export interface SubscribeBrokerAddress {
  /** `host:port`. */
  brokerAddr: string;
  /** The broker id it belongs to. */
  brokerId: number;
  /** Whether it is not the master. */
  slave: boolean;
}

interface CacheEntry {
  route: TopicRouteData;
  publishInfo: TopicPublishInfo;
}

/** The route cache. Call {@link RouteManager.start} to poll and {@link RouteManager.stop} to stop. */
export class RouteManager extends EventEmitter<RouteManagerEvents> {
  private readonly source: RouteSource;
  private readonly pollInterval: number;
  private readonly firstPollDelay: number;
  private readonly faultTolerance?: LatencyFaultTolerance;
  private readonly publishOptions: BuildPublishInfoOptions;
  private readonly cache = new Map<string, CacheEntry>();
  private readonly known = new Set<string>();
  private readonly inFlight = new Map<string, Promise<TopicRouteData>>();
  /** brokerName → (brokerId → addr), merged from every cached route; the most recent route of a group wins. */
  private readonly brokerTable = new Map<string, Record<string, string>>();
  private timer: NodeJS.Timeout | undefined;
  private running = false;

  /** @param options - source, poll timing, fault table */
  constructor(options: RouteManagerOptions) {
    super();
    this.source = options.source;
    this.pollInterval = options.pollNameServerInterval ?? 30_000;
    this.firstPollDelay = options.firstPollDelayMs ?? 10;
    this.faultTolerance = options.faultTolerance;
    this.publishOptions = options.publishInfo ?? {};
  }

  /** Starts the periodic poll (timers are unref'd: they do not keep the process alive). */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule(this.firstPollDelay);
  }

  /** Stops the periodic poll. In-flight refreshes still settle. */
  stop(): void {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /**
   * Remembers a topic for the periodic poll without fetching it now.
   * @param topic - topic name
   */
  addTopic(topic: string): void {
    this.known.add(topic);
  }

  /**
   * Forgets a topic: no more polling, cached route dropped.
   * @param topic - topic name
   */
  removeTopic(topic: string): void {
    this.known.delete(topic);
    this.cache.delete(topic);
    this.rebuildBrokerTable();
  }

  /** Topics polled periodically. */
  topics(): string[] {
    return [...this.known];
  }

  /**
   * Fetches a topic's route now. Concurrent calls for one topic share a single request and its outcome.
   * The topic is remembered for polling even if this fails.
   * @param topic - topic name
   */
  refresh(topic: string): Promise<TopicRouteData> {
    this.known.add(topic);
    let p = this.inFlight.get(topic);
    if (!p) {
      p = this.fetch(topic).finally(() => this.inFlight.delete(topic));
      this.inFlight.set(topic, p);
    }
    return p;
  }

  /**
   * Starts a refresh without waiting for it (e.g. after a send failed with a refresh-route error). Joins an
   * in-flight refresh of the topic; a failure is reported as `refreshError`, never as an unhandled rejection.
   * @param topic - topic name
   */
  requestRefresh(topic: string): void {
    this.refresh(topic).catch((error: unknown) => {
      this.emit('refreshError', { topic, error });
    });
  }

  /**
   * The cached route, fetching it first if none is cached.
   * @param topic - topic name
   */
  async getRoute(topic: string): Promise<TopicRouteData> {
    return this.cache.get(topic)?.route ?? this.refresh(topic);
  }

  /**
   * The cached publish info, fetching the route first if none is cached. It may have no queue (`ok` false) when
   * no group of the topic is writable with a master; the producer decides what then.
   * @param topic - topic name
   */
  async getPublishInfo(topic: string): Promise<TopicPublishInfo> {
    const cached = this.cache.get(topic);
    if (cached) return cached.publishInfo;
    const route = await this.refresh(topic);
    // refresh() caches on success; the fallback only covers a concurrent removeTopic().
    return this.cache.get(topic)?.publishInfo ?? buildTopicPublishInfo(topic, route, this.publishOptions);
  }

  /**
   * The cached route, without fetching.
   * @param topic - topic name
   */
  cachedRoute(topic: string): TopicRouteData | undefined {
    return this.cache.get(topic)?.route;
  }

  /**
   * The cached publish info, without fetching.
   * @param topic - topic name
   */
  cachedPublishInfo(topic: string): TopicPublishInfo | undefined {
    return this.cache.get(topic)?.publishInfo;
  }

  /** Refreshes every known topic once; failures emit `refreshError` and keep the old route. */
  async pollOnce(): Promise<void> {
    await Promise.all(
      [...this.known].map((topic) =>
        this.refresh(topic).catch((error: unknown) => {
          this.emit('refreshError', { topic, error });
        }),
      ),
    );
  }

  /**
   * The master (id 0) address of a broker group: the only address sends, end-transaction and offset commits use.
   * @param brokerName - broker group name
   */
  findBrokerAddressInPublish(brokerName: string): string | undefined {
    const addr = this.brokerTable.get(brokerName)?.['0'];
    return addr ? addr : undefined;
  }

  /**
   * An address to read from (Java `findBrokerAddressInSubscribe`): the broker with `brokerId`; else, for a slave id,
   * the next id (`brokerId + 1`); else, unless `onlyThisBroker`, any address of the group (lowest id first).
   * @param brokerName - broker group name
   * @param brokerId - preferred broker id (the pull response's suggestWhichBrokerId; 0 = master)
   * @param onlyThisBroker - do not fall back to another broker of the group
   */
  findBrokerAddressInSubscribe(
    brokerName: string,
    brokerId: number,
    onlyThisBroker: boolean,
  ): SubscribeBrokerAddress | undefined {
    const map = this.brokerTable.get(brokerName);
    if (!map) return undefined;
    const exact = map[String(brokerId)];
    if (exact) return { brokerAddr: exact, brokerId, slave: brokerId !== 0 };
    if (brokerId !== 0) {
      const next = map[String(brokerId + 1)];
      if (next) return { brokerAddr: next, brokerId: brokerId + 1, slave: true };
    }
    if (onlyThisBroker) return undefined;
    const ids = Object.keys(map)
      .map(Number)
      .sort((a, b) => a - b);
    if (ids.length === 0) return undefined;
    return { brokerAddr: map[String(ids[0])], brokerId: ids[0], slave: ids[0] !== 0 };
  }

  /** Every broker address of every cached route (heartbeats go to these). */
  brokerAddrs(): BrokerAddress[] {
    const out: BrokerAddress[] = [];
    for (const [brokerName, map] of this.brokerTable) {
      for (const [id, addr] of Object.entries(map)) out.push({ brokerName, brokerId: Number(id), addr });
    }
    return out;
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.pollOnce().then(() => {
        if (this.running) this.schedule(this.pollInterval);
      });
    }, delayMs);
    this.timer.unref();
  }

  private async fetch(topic: string): Promise<TopicRouteData> {
    const route = await this.source.getRouteInfo(topic);
    // A topic removed while its request was in flight stays removed.
    if (this.known.has(topic)) this.apply(topic, route);
    return route;
  }

  /** Stores a fresh route and emits what changed. */
  private apply(topic: string, route: TopicRouteData): void {
    const old = this.cache.get(topic);
    const previous = old?.route;
    const diff = diffRoutes(previous, route);
    if (previous && !diff.changed) return;
    // The counter of the old publish info carries over, so a refresh does not reset the round robin.
    const options = old ? { ...this.publishOptions, startIndex: old.publishInfo.roundRobinIndex } : this.publishOptions;
    this.cache.set(topic, { route, publishInfo: buildTopicPublishInfo(topic, route, options) });

    const leaderEvents: LeaderChangeEvent[] = [];
    for (const bd of route.brokerDatas) {
      const before = this.brokerTable.get(bd.brokerName);
      const from = before?.['0'] || undefined;
      const to = masterAddr(bd);
      this.brokerTable.set(bd.brokerName, { ...bd.brokerAddrs });
      if (before && from !== to) {
        const ev: LeaderChangeEvent = { topic, brokerName: bd.brokerName };
        if (from !== undefined) ev.from = from;
        if (to !== undefined) ev.to = to;
        leaderEvents.push(ev);
      }
    }
    this.rebuildBrokerTable();
    const ev: RouteChangeEvent = { topic, route, leaderChanges: diff.leaderChanges };
    if (previous) ev.previous = previous;
    this.emit('routeChange', ev);
    for (const le of leaderEvents) {
      this.faultTolerance?.recover(le.brokerName, 'route-change');
      this.emit('leaderChange', le);
    }
  }

  /** Drops groups no cached route mentions any more (Java `cleanOfflineBroker`). */
  private rebuildBrokerTable(): void {
    const live = new Set<string>();
    for (const { route } of this.cache.values()) for (const bd of route.brokerDatas) live.add(bd.brokerName);
    for (const name of [...this.brokerTable.keys()]) if (!live.has(name)) this.brokerTable.delete(name);
  }
}
