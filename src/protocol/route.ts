/**
 * Topic routes and cluster info as the nameserver sends them (Java `route/TopicRouteData`, `BrokerData`, `QueueData`,
 * `body/ClusterInfo`).
 *
 * Two JSON forms exist. The legacy form is fastjson's default output: `brokerAddrs` is a `HashMap<Long, String>` whose
 * keys come out unquoted (`{0:"10.0.0.1:10911"}`), which is not JSON. A 4.9.4+ nameserver sends the standard form
 * (quoted keys, sorted, non-ASCII escaped) when the request's version is ≥ 401 or it carries
 * `acceptStandardJsonOnly=true`; older nameservers, and GET_BROKER_CLUSTER_INFO always, send the legacy form. We parse
 * both with the string-aware scanner of `lenient-json.ts`.
 * @module
 */

import { ProtocolError } from '../errors.js';
import {
  isJsonObject,
  objectArray,
  optBool,
  optInt,
  optString,
  reqInt,
  reqObject,
  reqString,
  setOwn,
  stringArray,
  type JsonObject,
} from './body-fields.js';
import { writeFastJson } from './fastjson.js';
import { parseLenientJson } from './lenient-json.js';

/** Queue permission bits (Java `PermName`). */
export const PermName = {
  /** Priority queue (unused by clients). */
  PRIORITY: 8,
  /** Consumers may read. */
  READ: 4,
  /** Producers may write. */
  WRITE: 2,
  /** Inherit permissions (topic creation). */
  INHERIT: 1,
} as const;

/** Topic system flag bits (Java `TopicSysFlag`). */
export const TopicSysFlag = {
  /** Unit topic. */
  UNIT: 1,
  /** Unit subscription. */
  UNIT_SUB: 2,
} as const;

/** The id of the master address in {@link BrokerData.brokerAddrs} (Java `MixAll.MASTER_ID`). */
export const MASTER_ID = 0;

/** One broker group: its name, cluster and addresses by broker id (0 = master). */
export interface BrokerData {
  /** Cluster name. */
  cluster: string;
  /** Broker group name. */
  brokerName: string;
  /** `host:port` by decimal broker id; `'0'` is the master, `'1'`… are slaves. */
  brokerAddrs: Record<string, string>;
  /** Zone (5.x). */
  zoneName?: string;
  /** Whether a slave may act as master while the master is gone (5.x). */
  enableActingMaster?: boolean;
}

/** Queue layout of a topic on one broker group. */
export interface QueueData {
  /** Broker group name. */
  brokerName: string;
  /** Number of readable queues. */
  readQueueNums: number;
  /** Number of writable queues. */
  writeQueueNums: number;
  /** {@link PermName} bits. */
  perm: number;
  /** {@link TopicSysFlag} bits (called `topicSynFlag` before 4.9.0; both spellings are read). */
  topicSysFlag: number;
}

/** A topic route, as returned by GET_ROUTEINFO_BY_TOPIC. */
export interface TopicRouteData {
  /** `brokerName:queueNums;…` when the nameserver has orderMessageEnable. */
  orderTopicConf?: string;
  /** Queue layouts, one per broker group. */
  queueDatas: QueueData[];
  /** Broker groups serving the topic. */
  brokerDatas: BrokerData[];
  /** Filter servers by broker address (legacy, normally empty). */
  filterServerTable: Record<string, string[]>;
}

/** Cluster info, as returned by GET_BROKER_CLUSTER_INFO. */
export interface ClusterInfo {
  /** Broker groups by name. */
  brokerAddrTable: Record<string, BrokerData>;
  /** Broker group names by cluster name. */
  clusterAddrTable: Record<string, string[]>;
}

/** Options of {@link encodeTopicRouteData}. */
export interface EncodeRouteOptions {
  /**
   * Write the legacy fastjson form (bare integer keys, UTF-8 text) instead of the standard one.
   * @default false
   */
  legacy?: boolean;
  /**
   * Name the queue flag `topicSynFlag`, as nameservers before 4.9.0 did (only meaningful with `legacy`).
   * @default false
   */
  synFlag?: boolean;
}

const BROKER_ID = /^-?\d+$/;

function parseBrokerData(o: JsonObject, what: string): BrokerData {
  const addrsObj = reqObject(o, 'brokerAddrs', what);
  const brokerAddrs: Record<string, string> = {};
  for (const [id, addr] of Object.entries(addrsObj)) {
    if (!BROKER_ID.test(id)) throw new ProtocolError(`${what}: broker id ${JSON.stringify(id)} is not an integer`);
    if (typeof addr !== 'string') throw new ProtocolError(`${what}: address of broker id ${id} must be a string`);
    brokerAddrs[String(Number(id))] = addr;
  }
  const bd: BrokerData = {
    cluster: reqString(o, 'cluster', what),
    brokerName: reqString(o, 'brokerName', what),
    brokerAddrs,
  };
  const zoneName = optString(o, 'zoneName', what);
  if (zoneName !== undefined) bd.zoneName = zoneName;
  const acting = optBool(o, 'enableActingMaster', what);
  if (acting !== undefined) bd.enableActingMaster = acting;
  return bd;
}

function parseQueueData(o: JsonObject, what: string): QueueData {
  return {
    brokerName: reqString(o, 'brokerName', what),
    readQueueNums: reqInt(o, 'readQueueNums', what),
    writeQueueNums: reqInt(o, 'writeQueueNums', what),
    perm: reqInt(o, 'perm', what),
    topicSysFlag: optInt(o, 'topicSysFlag', what) ?? optInt(o, 'topicSynFlag', what) ?? 0,
  };
}

function parseStringListMap(o: JsonObject | undefined, what: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  if (!o) return out;
  for (const key of Object.keys(o)) setOwn(out, key, stringArray(o, key, what));
  return out;
}

function parseRoot(body: Buffer | string, what: string): JsonObject {
  const root = parseLenientJson(body);
  if (!isJsonObject(root)) throw new ProtocolError(`${what}: body is not a JSON object`);
  return root;
}

/**
 * Parses a GET_ROUTEINFO_BY_TOPIC body in either form.
 * @param body - response body
 * @throws ProtocolError when the body is not a route
 */
export function parseTopicRouteData(body: Buffer | string): TopicRouteData {
  const what = 'TopicRouteData';
  const root = parseRoot(body, what);
  const route: TopicRouteData = {
    queueDatas: objectArray(root, 'queueDatas', what).map((q) => parseQueueData(q, `${what}.queueDatas`)),
    brokerDatas: objectArray(root, 'brokerDatas', what).map((b) => parseBrokerData(b, `${what}.brokerDatas`)),
    filterServerTable: parseStringListMap(
      isJsonObject(root.filterServerTable) ? root.filterServerTable : undefined,
      `${what}.filterServerTable`,
    ),
  };
  const orderTopicConf = optString(root, 'orderTopicConf', what);
  if (orderTopicConf !== undefined) route.orderTopicConf = orderTopicConf;
  return route;
}

/** Plain copy of a BrokerData with only the members fastjson would write. */
function brokerDataJson(b: BrokerData, bare: Set<object> | undefined): JsonObject {
  const addrs: Record<string, string> = { ...b.brokerAddrs };
  bare?.add(addrs);
  return {
    brokerAddrs: addrs,
    brokerName: b.brokerName,
    cluster: b.cluster,
    enableActingMaster: b.enableActingMaster,
    zoneName: b.zoneName,
  };
}

/**
 * Writes a route as the nameserver would.
 * @param data - the route
 * @param options - legacy (fastjson default) or standard form
 */
export function encodeTopicRouteData(data: TopicRouteData, options: EncodeRouteOptions = {}): Buffer {
  const legacy = options.legacy ?? false;
  const bare = legacy ? new Set<object>() : undefined;
  const flagName = legacy && options.synFlag ? 'topicSynFlag' : 'topicSysFlag';
  const json = {
    brokerDatas: data.brokerDatas.map((b) => brokerDataJson(b, bare)),
    filterServerTable: data.filterServerTable,
    orderTopicConf: data.orderTopicConf,
    queueDatas: data.queueDatas.map((q) => ({
      brokerName: q.brokerName,
      perm: q.perm,
      readQueueNums: q.readQueueNums,
      [flagName]: q.topicSysFlag,
      writeQueueNums: q.writeQueueNums,
    })),
  };
  return Buffer.from(writeFastJson(json, { bareKeyMaps: bare, asciiOnly: !legacy }), 'utf8');
}

/**
 * Parses a GET_BROKER_CLUSTER_INFO body (legacy or standard form).
 * @param body - response body
 * @throws ProtocolError when the body is not cluster info
 */
export function parseClusterInfo(body: Buffer | string): ClusterInfo {
  const what = 'ClusterInfo';
  const root = parseRoot(body, what);
  const table = reqObject(root, 'brokerAddrTable', what);
  const brokerAddrTable: Record<string, BrokerData> = {};
  for (const [name, v] of Object.entries(table)) {
    if (!isJsonObject(v)) throw new ProtocolError(`${what}: brokerAddrTable.${name} must be an object`);
    setOwn(brokerAddrTable, name, parseBrokerData(v, `${what}.brokerAddrTable`));
  }
  const clusters = reqObject(root, 'clusterAddrTable', what);
  return { brokerAddrTable, clusterAddrTable: parseStringListMap(clusters, `${what}.clusterAddrTable`) };
}

/**
 * Writes cluster info in the legacy fastjson form, as every real nameserver does for this call.
 * @param info - cluster info
 */
export function encodeClusterInfo(info: ClusterInfo): Buffer {
  const bare = new Set<object>();
  const brokerAddrTable: Record<string, JsonObject> = {};
  for (const [name, bd] of Object.entries(info.brokerAddrTable)) brokerAddrTable[name] = brokerDataJson(bd, bare);
  const json = { brokerAddrTable, clusterAddrTable: info.clusterAddrTable };
  return Buffer.from(writeFastJson(json, { bareKeyMaps: bare }), 'utf8');
}
