/**
 * Admin operations that are one request shape each: cluster table → overview, UPDATE_AND_CREATE_TOPIC on one broker,
 * GET_BROKER_RUNTIME_INFO, and one broker group's consumer progress. They take a {@link BrokerCaller} so `Admin`
 * decides connections and budgets in one place.
 * @module
 */

import { NotFoundError, ProtocolError, toRocketMQError, type RocketMQError } from '../errors.js';
import { isJsonObject } from '../protocol/body-fields.js';
import { decodeQueryConsumerOffsetResponse, encodeQueryConsumerOffsetRequest } from '../protocol/consumer-offset.js';
import { decodeCreateTopicResponse, encodeCreateTopicRequest } from '../protocol/create-topic.js';
import { parseLenientJson } from '../protocol/lenient-json.js';
import { decodeOffsetResponse, encodeGetMaxOffsetRequest, encodeGetMinOffsetRequest } from '../protocol/offsets.js';
import { RequestCode } from '../protocol/request-codes.js';
import { errorFromResponse, ResponseCode } from '../protocol/response-codes.js';
import type { ClusterInfo } from '../protocol/route.js';
import { createRequest, type RemotingCommand } from '../remoting/command.js';
import { replicaOrder } from './select.js';
import type { BrokerGroupSummary, ClusterOverview, QueueProgress } from './types.js';

/** Sends one request to a broker address and resolves with its response, whatever the code. @internal */
export type BrokerCaller = (addr: string, cmd: RemotingCommand, timeoutMs: number, signal?: AbortSignal) => Promise<RemotingCommand>;

/**
 * Turns the nameserver's cluster table into groups with their replicas, leader first.
 * @param info - GET_BROKER_CLUSTER_INFO answer
 */
export function buildClusterOverview(info: ClusterInfo): ClusterOverview {
  const clusterOf = new Map<string, string>();
  for (const [cluster, names] of Object.entries(info.clusterAddrTable)) for (const n of names) clusterOf.set(n, cluster);
  const groups: BrokerGroupSummary[] = [];
  for (const [brokerName, bd] of Object.entries(info.brokerAddrTable)) {
    const replicas = replicaOrder(bd).map((r) => ({ brokerId: r.brokerId, addr: r.addr, leader: r.brokerId === 0 }));
    const leader = replicas.find((r) => r.leader);
    const g: BrokerGroupSummary = { clusterName: clusterOf.get(brokerName) ?? bd.cluster, brokerName, replicas };
    if (leader) g.leaderAddr = leader.addr;
    groups.push(g);
  }
  groups.sort((a, b) => cmp(a.clusterName, b.clusterName) || cmp(a.brokerName, b.brokerName));
  return { groups, info };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * UPDATE_AND_CREATE_TOPIC to one broker.
 * @param call - transport
 * @param addr - broker address
 * @param h - topic settings
 * @param timeoutMs - budget
 */
export async function createTopicOn(
  call: BrokerCaller,
  addr: string,
  h: { topic: string; readQueueNums: number; writeQueueNums: number; perm: number; order: boolean },
  timeoutMs: number,
): Promise<void> {
  const cmd = encodeCreateTopicRequest({ ...h, defaultTopic: 'TBW102', topicFilterType: 'SINGLE_TAG', topicSysFlag: 0 });
  decodeCreateTopicResponse(await call(addr, cmd, timeoutMs), { brokerAddr: addr, topic: h.topic });
}

/**
 * GET_BROKER_RUNTIME_INFO: the broker's `table` of string values (brokerRole, brokerVersion, commitLogMaxOffset, …).
 * @param call - transport
 * @param addr - broker address
 * @param timeoutMs - budget
 */
export async function readRuntimeInfo(call: BrokerCaller, addr: string, timeoutMs: number): Promise<Record<string, string>> {
  const res = await call(addr, createRequest(RequestCode.GET_BROKER_RUNTIME_INFO), timeoutMs);
  if (res.code !== ResponseCode.SUCCESS) throw errorFromResponse(res, { brokerAddr: addr, requestCode: RequestCode.GET_BROKER_RUNTIME_INFO });
  const root = res.body ? parseLenientJson(res.body) : undefined;
  const table = isJsonObject(root) ? root.table : undefined;
  if (!isJsonObject(table)) throw new ProtocolError('GET_BROKER_RUNTIME_INFO: body has no table', { context: { brokerAddr: addr } });
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(table)) if (typeof v === 'string' || typeof v === 'number') out[k] = String(v);
  return out;
}

/** What {@link queueProgress} needs to know. */
export interface QueueProgressRequest {
  /** Consumer group. */
  group: string;
  /** Topic. */
  topic: string;
  /** Broker group. */
  brokerName: string;
  /** Read queue count. */
  queues: number;
  /** Addresses to try, master first. */
  addrs: readonly string[];
  /** List queues where the group has no offset too. */
  includeEmpty: boolean;
  /** Budget per request. */
  timeoutMs: number;
}

/**
 * Consumer progress on every queue of one broker group: QUERY_CONSUMER_OFFSET and GET_MAX_OFFSET per queue, asked of
 * the master, else of the first replica that answers (replicas keep a synced copy of consumer offsets).
 * @param call - transport
 * @param req - group, topic, queues, addresses
 */
export async function queueProgress(call: BrokerCaller, req: QueueProgressRequest): Promise<QueueProgress[]> {
  let lastErr: RocketMQError | undefined;
  for (const addr of req.addrs) {
    try {
      const rows = await Promise.all(
        Array.from({ length: req.queues }, async (_, queueId): Promise<QueueProgress | undefined> => {
          // setZeroIfNotFound=false: a 5.x broker otherwise answers 0 for a group that never committed here.
          const ctx = { brokerAddr: addr, brokerName: req.brokerName, topic: req.topic };
          const consumerOffset = decodeQueryConsumerOffsetResponse(
            await call(addr, encodeQueryConsumerOffsetRequest({ consumerGroup: req.group, topic: req.topic, queueId, setZeroIfNotFound: false }), req.timeoutMs),
            ctx,
          );
          if (consumerOffset < 0 && !req.includeEmpty) return undefined;
          const brokerOffset = decodeOffsetResponse(
            await call(addr, encodeGetMaxOffsetRequest({ topic: req.topic, queueId }), req.timeoutMs),
            RequestCode.GET_MAX_OFFSET,
            ctx,
          );
          let lag: number;
          if (consumerOffset >= 0) lag = Math.max(0, brokerOffset - consumerOffset);
          else {
            // Nothing committed yet: everything still stored is waiting.
            const min = decodeOffsetResponse(await call(addr, encodeGetMinOffsetRequest({ topic: req.topic, queueId }), req.timeoutMs), RequestCode.GET_MIN_OFFSET, ctx);
            lag = Math.max(0, brokerOffset - min);
          }
          return { topic: req.topic, brokerName: req.brokerName, queueId, brokerOffset, consumerOffset, lag };
        }),
      );
      return rows.filter((r): r is QueueProgress => r !== undefined);
    } catch (err) {
      lastErr = toRocketMQError(err, { brokerAddr: addr, brokerName: req.brokerName, topic: req.topic });
    }
  }
  throw lastErr ?? new NotFoundError(`broker group ${req.brokerName} has no registered address`, { context: { brokerName: req.brokerName } });
}
