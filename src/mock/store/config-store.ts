/**
 * The broker's `<storePathRootDir>/config/` files in their real JSON shapes:
 * - `topics.json` — TopicConfigSerializeWrapper `{"dataVersion":{...},"topicConfigTable":{name:{...}}}`
 * - `consumerOffset.json` — ConsumerOffsetManager `{"offsetTable":{"topic@group":{"0":12}}}`
 * - `subscriptionGroup.json` — SubscriptionGroupWrapper `{"dataVersion":{...},"subscriptionGroupTable":{...}}`
 * - `delayOffset.json` — DelayOffsetSerializeWrapper `{"offsetTable":{"1":5}}`
 * The `encode*`/`decode*` functions are also the bodies of the GET_ALL_* requests a slave syncs with.
 * @module
 */
import { join } from 'node:path';
import { ProtocolError } from '../../errors.js';
import { asObject, loadConfigFile, writeFileAtomic } from './config-files.js';
import type { TopicConfig } from '../../protocol/register-broker.js';

/** DataVersion: bumped on every change so slaves know when to re-sync. */
export interface DataVersion {
  /** Change counter. */
  counter: number;
  /** Time of the last change (ms). */
  timestamp: number;
  /** 5.x state version (0 unless set). */
  stateVersion: number;
}

/** One topic's TopicConfig: the protocol's type (the same JSON shape brokers register and persist). */
export type { TopicConfig } from '../../protocol/register-broker.js';

/** One consumer group's SubscriptionGroupConfig (4.9 fields). */
export interface SubscriptionGroupConfig {
  /** Group name. */
  groupName: string;
  /** Whether the group may consume. */
  consumeEnable: boolean;
  /** Start new groups from the min offset. */
  consumeFromMinEnable: boolean;
  /** Whether broadcast consumption is allowed. */
  consumeBroadcastEnable: boolean;
  /** Retry queues of `%RETRY%group`. */
  retryQueueNums: number;
  /** Max re-consume times before the DLQ. */
  retryMaxTimes: number;
  /** Broker id to read from. */
  brokerId: number;
  /** Broker id to read from when consumption is slow. */
  whichBrokerWhenConsumeSlowly: number;
  /** Notify clients when the group's consumers change. */
  notifyConsumerIdsChangedEnable: boolean;
}

/** Defaults of a new topic (`defaultTopicQueueNums` 8, perm 6). */
export function defaultTopicConfig(topicName: string): TopicConfig {
  return { topicName, readQueueNums: 8, writeQueueNums: 8, perm: 6, topicFilterType: 'SINGLE_TAG', topicSysFlag: 0, order: false };
}

/** Defaults of SubscriptionGroupConfig. */
export function defaultSubscriptionGroupConfig(groupName: string): SubscriptionGroupConfig {
  return {
    groupName,
    consumeEnable: true,
    consumeFromMinEnable: true,
    consumeBroadcastEnable: true,
    retryQueueNums: 1,
    retryMaxTimes: 16,
    brokerId: 0,
    whichBrokerWhenConsumeSlowly: 1,
    notifyConsumerIdsChangedEnable: true,
  };
}

/** A fresh DataVersion. */
export function newDataVersion(now = Date.now()): DataVersion {
  return { counter: 0, timestamp: now, stateVersion: 0 };
}

function num(v: unknown, what: string, dflt?: number): number {
  if (v === undefined && dflt !== undefined) return dflt;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new ProtocolError(`${what} is not a number`);
  return v;
}
function bool(v: unknown, what: string, dflt: boolean): boolean {
  if (v === undefined) return dflt;
  if (typeof v !== 'boolean') throw new ProtocolError(`${what} is not a boolean`);
  return v;
}

function decodeDataVersion(v: unknown): DataVersion {
  if (v === undefined) return newDataVersion(0);
  const o = asObject(v, 'dataVersion');
  return { counter: num(o.counter, 'counter', 0), timestamp: num(o.timestamp, 'timestamp', 0), stateVersion: num(o.stateVersion, 'stateVersion', 0) };
}

/** Encodes topics.json / the GET_ALL_TOPIC_CONFIG body. */
export function encodeTopicConfigWrapper(table: ReadonlyMap<string, TopicConfig>, dataVersion: DataVersion): string {
  return JSON.stringify({ dataVersion, topicConfigTable: Object.fromEntries(table) }, null, '\t');
}

/** Decodes topics.json (unknown fields ignored). */
export function decodeTopicConfigWrapper(json: unknown): {
  /** Topic configs by name. */
  topicConfigTable: Map<string, TopicConfig>;
  /** The file's data version. */
  dataVersion: DataVersion;
} {
  const o = asObject(json, 'topics.json');
  const table = new Map<string, TopicConfig>();
  for (const [name, raw] of Object.entries(asObject(o.topicConfigTable ?? {}, 'topicConfigTable'))) {
    const t = asObject(raw, `topic ${name}`);
    const d = defaultTopicConfig(name);
    table.set(name, {
      topicName: typeof t.topicName === 'string' ? t.topicName : name,
      readQueueNums: num(t.readQueueNums, 'readQueueNums', d.readQueueNums),
      writeQueueNums: num(t.writeQueueNums, 'writeQueueNums', d.writeQueueNums),
      perm: num(t.perm, 'perm', d.perm),
      topicFilterType: typeof t.topicFilterType === 'string' ? t.topicFilterType : d.topicFilterType,
      topicSysFlag: num(t.topicSysFlag, 'topicSysFlag', 0),
      order: bool(t.order, 'order', false),
    });
  }
  return { topicConfigTable: table, dataVersion: decodeDataVersion(o.dataVersion) };
}

/** `topic@group` → queueId → offset. */
export type OffsetTable = Map<string, Map<number, number>>;

function encodeIntKeyed(m: ReadonlyMap<number, number>): Record<string, number> {
  return Object.fromEntries([...m].sort((a, b) => a[0] - b[0]).map(([k, v]) => [String(k), v]));
}
function decodeIntKeyed(v: unknown, what: string): Map<number, number> {
  const m = new Map<number, number>();
  for (const [k, val] of Object.entries(asObject(v, what))) {
    const key = Number(k);
    if (!Number.isInteger(key)) throw new ProtocolError(`${what}: key ${k} is not an integer`);
    m.set(key, num(val, `${what}[${k}]`));
  }
  return m;
}

/** Encodes consumerOffset.json / the GET_ALL_CONSUMER_OFFSET body. */
export function encodeConsumerOffsets(table: OffsetTable): string {
  const offsetTable: Record<string, Record<string, number>> = {};
  for (const [k, m] of table) offsetTable[k] = encodeIntKeyed(m);
  return JSON.stringify({ offsetTable }, null, '\t');
}

/** Decodes consumerOffset.json (bare integer keys accepted by the loader). */
export function decodeConsumerOffsets(json: unknown): OffsetTable {
  const o = asObject(json, 'consumerOffset.json');
  const table: OffsetTable = new Map();
  for (const [k, v] of Object.entries(asObject(o.offsetTable ?? {}, 'offsetTable'))) table.set(k, decodeIntKeyed(v, k));
  return table;
}

/** Encodes subscriptionGroup.json / the GET_ALL_SUBSCRIPTIONGROUP_CONFIG body. */
export function encodeSubscriptionGroups(table: ReadonlyMap<string, SubscriptionGroupConfig>, dataVersion: DataVersion): string {
  return JSON.stringify({ dataVersion, subscriptionGroupTable: Object.fromEntries(table) }, null, '\t');
}

/** Decodes subscriptionGroup.json. */
export function decodeSubscriptionGroups(json: unknown): {
  /** Subscription group configs by group name. */
  subscriptionGroupTable: Map<string, SubscriptionGroupConfig>;
  /** The file's data version. */
  dataVersion: DataVersion;
} {
  const o = asObject(json, 'subscriptionGroup.json');
  const table = new Map<string, SubscriptionGroupConfig>();
  for (const [name, raw] of Object.entries(asObject(o.subscriptionGroupTable ?? {}, 'subscriptionGroupTable'))) {
    const g = asObject(raw, `group ${name}`);
    const d = defaultSubscriptionGroupConfig(name);
    table.set(name, {
      groupName: typeof g.groupName === 'string' ? g.groupName : name,
      consumeEnable: bool(g.consumeEnable, 'consumeEnable', d.consumeEnable),
      consumeFromMinEnable: bool(g.consumeFromMinEnable, 'consumeFromMinEnable', d.consumeFromMinEnable),
      consumeBroadcastEnable: bool(g.consumeBroadcastEnable, 'consumeBroadcastEnable', d.consumeBroadcastEnable),
      retryQueueNums: num(g.retryQueueNums, 'retryQueueNums', d.retryQueueNums),
      retryMaxTimes: num(g.retryMaxTimes, 'retryMaxTimes', d.retryMaxTimes),
      brokerId: num(g.brokerId, 'brokerId', d.brokerId),
      whichBrokerWhenConsumeSlowly: num(g.whichBrokerWhenConsumeSlowly, 'whichBrokerWhenConsumeSlowly', 1),
      notifyConsumerIdsChangedEnable: bool(g.notifyConsumerIdsChangedEnable, 'notifyConsumerIdsChangedEnable', true),
    });
  }
  return { subscriptionGroupTable: table, dataVersion: decodeDataVersion(o.dataVersion) };
}

/** Encodes delayOffset.json / the GET_ALL_DELAY_OFFSET body (delay level → offset in SCHEDULE_TOPIC_XXXX). */
export function encodeDelayOffsets(table: ReadonlyMap<number, number>): string {
  return JSON.stringify({ offsetTable: encodeIntKeyed(table) }, null, '\t');
}

/** Decodes delayOffset.json. */
export function decodeDelayOffsets(json: unknown): Map<number, number> {
  const o = asObject(json, 'delayOffset.json');
  return decodeIntKeyed(o.offsetTable ?? {}, 'offsetTable');
}

/** Options of {@link ConfigStore}. */
export interface ConfigStoreOptions {
  /** The broker's `storePathRootDir`; files go to `<root>/config/`. */
  storePathRootDir: string;
}

/**
 * The four config files, loaded on construction. Topic and group changes are written at once (as
 * TopicConfigManager does); consumer and delay offsets are written by {@link flush} — the real broker flushes
 * them every 5 s — and by {@link close}.
 */
export class ConfigStore {
  /** `<root>/config`. */
  readonly dir: string;
  /** Topic configs by name. */
  topics: Map<string, TopicConfig>;
  /** Version of {@link topics}. */
  topicsVersion: DataVersion;
  /** Subscription groups by name. */
  groups: Map<string, SubscriptionGroupConfig>;
  /** Version of {@link groups}. */
  groupsVersion: DataVersion;
  /** Consumer offsets: `topic@group` → queueId → offset. */
  offsets: OffsetTable;
  /** Delay level → offset in SCHEDULE_TOPIC_XXXX. */
  delayOffsets: Map<number, number>;
  private dirty = false;

  /** Loads every file that exists (each falls back to its `.bak`). */
  constructor(options: ConfigStoreOptions) {
    this.dir = join(options.storePathRootDir, 'config');
    const t = loadConfigFile(this.path('topics.json'), decodeTopicConfigWrapper);
    this.topics = t?.topicConfigTable ?? new Map();
    this.topicsVersion = t?.dataVersion ?? newDataVersion();
    const g = loadConfigFile(this.path('subscriptionGroup.json'), decodeSubscriptionGroups);
    this.groups = g?.subscriptionGroupTable ?? new Map();
    this.groupsVersion = g?.dataVersion ?? newDataVersion();
    this.offsets = loadConfigFile(this.path('consumerOffset.json'), decodeConsumerOffsets) ?? new Map();
    this.delayOffsets = loadConfigFile(this.path('delayOffset.json'), decodeDelayOffsets) ?? new Map();
  }

  /** Path of one config file. */
  path(name: 'topics.json' | 'consumerOffset.json' | 'subscriptionGroup.json' | 'delayOffset.json'): string {
    return join(this.dir, name);
  }

  /** Creates or replaces a topic config; bumps the version and writes topics.json. */
  putTopic(config: TopicConfig): void {
    this.topics.set(config.topicName, { ...config });
    this.bump(this.topicsVersion);
    this.persistTopics();
  }

  /** Deletes a topic config (and its consumer offsets); returns whether it existed. */
  deleteTopic(topicName: string): boolean {
    const had = this.topics.delete(topicName);
    for (const k of [...this.offsets.keys()]) if (k.startsWith(`${topicName}@`)) this.offsets.delete(k);
    this.dirty = true;
    if (had) {
      this.bump(this.topicsVersion);
      this.persistTopics();
    }
    return had;
  }

  /** Creates or replaces a subscription group, filling unset fields with defaults; writes the file. */
  putSubscriptionGroup(config: Partial<SubscriptionGroupConfig> & { groupName: string }): SubscriptionGroupConfig {
    const full = { ...defaultSubscriptionGroupConfig(config.groupName), ...config };
    this.groups.set(full.groupName, full);
    this.bump(this.groupsVersion);
    writeFileAtomic(this.path('subscriptionGroup.json'), encodeSubscriptionGroups(this.groups, this.groupsVersion));
    return full;
  }

  /** Records a consumer offset (written on {@link flush}). */
  commitOffset(group: string, topic: string, queueId: number, offset: number): void {
    const k = `${topic}@${group}`;
    let m = this.offsets.get(k);
    if (m === undefined) {
      m = new Map();
      this.offsets.set(k, m);
    }
    m.set(queueId, offset);
    this.dirty = true;
  }

  /** A committed consumer offset, or -1 when none (ConsumerOffsetManager#queryOffset). */
  queryOffset(group: string, topic: string, queueId: number): number {
    return this.offsets.get(`${topic}@${group}`)?.get(queueId) ?? -1;
  }

  /** Records the offset the delay service reached for one level (written on {@link flush}). */
  putDelayOffset(level: number, offset: number): void {
    this.delayOffsets.set(level, offset);
    this.dirty = true;
  }

  /** Writes topics.json. */
  persistTopics(): void {
    writeFileAtomic(this.path('topics.json'), encodeTopicConfigWrapper(this.topics, this.topicsVersion));
  }

  /** Writes consumerOffset.json and delayOffset.json if they changed. */
  flush(): void {
    if (!this.dirty) return;
    writeFileAtomic(this.path('consumerOffset.json'), encodeConsumerOffsets(this.offsets));
    writeFileAtomic(this.path('delayOffset.json'), encodeDelayOffsets(this.delayOffsets));
    this.dirty = false;
  }

  /** Writes every file (what a slave does after syncAll, and what close does). */
  persistAll(): void {
    this.persistTopics();
    writeFileAtomic(this.path('subscriptionGroup.json'), encodeSubscriptionGroups(this.groups, this.groupsVersion));
    this.dirty = true;
    this.flush();
  }

  /** Flushes pending offsets. */
  close(): void {
    this.flush();
  }

  private bump(v: DataVersion): void {
    v.counter++;
    v.timestamp = Date.now();
  }
}
