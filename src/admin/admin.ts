/**
 * `Admin`: the operator's client (Java `MQAdminImpl` plus the parts of `DefaultMQAdminExt` that mqadmin's everyday
 * commands use). Every call reads a fresh route or cluster table from the nameserver — an admin tool must show what
 * is true now, not what a cache believed 30 s ago — and talks to brokers over one shared connection pool.
 *
 * Reads (query by key, view, offsets) go to a group's master and fall back to its replicas when the master is absent
 * from the route or does not answer: during a DLedger election there is no brokerId 0 for a few seconds, yet the
 * followers hold every committed message.
 * @module
 */

import { BrokerPool } from '../client/broker-pool.js';
import { resolveNamesrvAddrs } from '../client/namesrv-addr.js';
import { NamesrvClient } from '../client/namesrv-client.js';
import { securedTransport, validateSecurityOptions } from '../client/security.js';
import type { TransportOptions } from '../client/transport.js';
import {
  AbortError,
  BrokerResponseError,
  ClientStateError,
  NoRouteError,
  NotFoundError,
  RocketMQError,
  ValidationError,
  toRocketMQError,
} from '../errors.js';
import { decodeOffsetMsgId } from '../message/ids.js';
import { decodeStoredMessages } from '../message/stored.js';
import type { MessageExt } from '../message/types.js';
import { isJsonObject } from '../protocol/body-fields.js';
import { decodeQueryMessageResponse, encodeQueryMessageRequest } from '../protocol/query-message.js';
import { parseLenientJson } from '../protocol/lenient-json.js';
import { RequestCode } from '../protocol/request-codes.js';
import { ResponseCode, errorFromResponse } from '../protocol/response-codes.js';
import type { BrokerData, TopicRouteData } from '../protocol/route.js';
import { decodeViewMessageResponse, encodeViewMessageRequest } from '../protocol/view-message.js';
import { createRequest, type RemotingCommand } from '../remoting/command.js';
import { buildClusterOverview, createTopicOn, queueProgress, readRuntimeInfo, type BrokerCaller } from './ops.js';
import { checkInt, checkNonEmpty, checkTopic, filterQueryMatches, mergeByStoreTime, replicaOrder } from './select.js';
import type {
  AdminOptions,
  ClusterInfoOptions,
  ClusterOverview,
  ConsumerProgress,
  ConsumerProgressOptions,
  CreateTopicOptions,
  CreateTopicOutcome,
  MessageQueueRef,
  QueryMessageOptions,
  QueryMessageResult,
  QuerySource,
  SearchBoundary,
} from './types.js';
import { decodeOffsetResponse, encodeGetMaxOffsetRequest, encodeGetMinOffsetRequest, encodeSearchOffsetRequest } from '../protocol/offsets.js';

/** Java `Long.MAX_VALUE`, what mqadmin sends as an open end of the time range. */
const LONG_MAX_TEXT = '9223372036854775807';
/** mqadmin queryMsgByKey's maxNum. */
const DEFAULT_MAX_NUM = 64;
/** Brokers answer unique-key queries with at most this many (defaultQueryMaxNum). */
const UNIQUE_KEY_MAX_NUM = 32;

/** The admin client. */
export class Admin {
  private readonly options: AdminOptions;
  private readonly timeoutMs: number;
  private namesrv: NamesrvClient | undefined;
  private brokers: BrokerPool | undefined;
  private state: 'new' | 'running' | 'closed' = 'new';

  /** @param options - nameserver, timeouts, transport */
  constructor(options: AdminOptions = {}) {
    this.options = options;
    this.timeoutMs = options.timeoutMs ?? 6000;
    checkInt(this.timeoutMs, 'timeoutMs', 1);
    validateSecurityOptions(options);
  }

  /**
   * Resolves the nameserver addresses (option, `NAMESRV_ADDR`, HTTP discovery) and prepares the connections (opened
   * lazily on first use).
   * @throws ClientStateError when already shut down; NoNameServerError when no address can be found
   */
  async start(): Promise<void> {
    if (this.state === 'closed') throw new ClientStateError('the admin client was shut down');
    if (this.state === 'running') return;
    const { addrs } = await resolveNamesrvAddrs({ namesrvAddr: this.options.namesrvAddr });
    const transport = securedTransport({ ...this.options, namesrvAddr: undefined } as TransportOptions, this.options);
    this.namesrv = new NamesrvClient({ ...transport, addrs, timeoutMs: this.timeoutMs });
    this.brokers = new BrokerPool(transport);
    this.state = 'running';
  }

  /** Closes every connection. Idempotent. */
  async shutdown(): Promise<void> {
    if (this.state === 'closed') return;
    this.state = 'closed';
    await Promise.all([this.namesrv?.close(), this.brokers?.close()]);
  }

  /**
   * The topic's route as the nameserver has it now.
   * @param topic - topic name
   * @throws NoRouteError when the nameserver has no route for it
   */
  async topicRoute(topic: string): Promise<TopicRouteData> {
    checkTopic(topic);
    const { namesrv } = this.running();
    try {
      return await namesrv.getRouteInfo(topic);
    } catch (err) {
      if (err instanceof BrokerResponseError && err.responseCode === ResponseCode.TOPIC_NOT_EXIST) {
        throw new NoRouteError(`the nameserver has no route for topic ${topic}`, { cause: err, context: { topic } });
      }
      throw err;
    }
  }

  /** Every topic the nameserver knows (GET_ALL_TOPIC_LIST_FROM_NAMESERVER). */
  async topicList(): Promise<string[]> {
    const { namesrv } = this.running();
    const { response, addr } = await namesrv.invoke(createRequest(RequestCode.GET_ALL_TOPIC_LIST_FROM_NAMESERVER));
    if (response.code !== ResponseCode.SUCCESS) throw brokerError(response, RequestCode.GET_ALL_TOPIC_LIST_FROM_NAMESERVER, addr);
    const root = response.body ? parseLenientJson(response.body) : undefined;
    const list = isJsonObject(root) ? root.topicList : undefined;
    if (!Array.isArray(list)) return [];
    return list.filter((t): t is string => typeof t === 'string').sort();
  }

  /**
   * Groups, replicas and which replica leads (GET_BROKER_CLUSTER_INFO, optionally GET_BROKER_RUNTIME_INFO per broker).
   * @param options - also read runtime info
   */
  async clusterInfo(options: ClusterInfoOptions = {}): Promise<ClusterOverview> {
    const { namesrv } = this.running();
    const info = await namesrv.getClusterInfo();
    const overview = buildClusterOverview(info);
    if (options.runtime) {
      const call = this.caller();
      await Promise.all(
        overview.groups.flatMap((g) =>
          g.replicas.map(async (r) => {
            try {
              const t = await readRuntimeInfo(call, r.addr, Math.min(this.timeoutMs, 3000));
              if (t.brokerRole !== undefined) r.brokerRole = t.brokerRole;
              if (t.brokerVersion !== undefined) r.version = t.brokerVersion;
              const max = Number(t.commitLogMaxOffset);
              if (t.commitLogMaxOffset !== undefined && Number.isSafeInteger(max)) r.maxPhyOffset = max;
            } catch (err) {
              r.error = toRocketMQError(err).message;
            }
          }),
        ),
      );
    }
    return overview;
  }

  /**
   * Creates or updates a topic on every master of a cluster (or on one broker), as mqadmin updateTopic does.
   * @param options - topic, queues, cluster, permission, order
   * @returns one outcome per broker group
   * @throws ValidationError for bad arguments; the first broker error when no broker accepted it
   */
  async createTopic(options: CreateTopicOptions): Promise<CreateTopicOutcome[]> {
    const o = options as Partial<CreateTopicOptions> | undefined;
    if (!o || typeof o !== 'object') throw new ValidationError('createTopic needs an options object');
    checkTopic(o.topic);
    checkInt(o.queues, 'queues', 1, 1024);
    const read = o.readQueues ?? o.queues;
    const write = o.writeQueues ?? o.queues;
    checkInt(read, 'readQueues', 1, 1024);
    checkInt(write, 'writeQueues', 1, 1024);
    const perm = o.perm ?? 6;
    checkInt(perm, 'perm', 0, 15);
    const header = { topic: o.topic, readQueueNums: read, writeQueueNums: write, perm, order: o.order ?? false };
    const call = this.caller();
    let targets: { brokerName: string; addr?: string }[];
    if (o.brokerAddr !== undefined) {
      checkNonEmpty(o.brokerAddr, 'brokerAddr');
      targets = [{ brokerName: o.brokerAddr, addr: o.brokerAddr }];
    } else {
      const info = await this.running().namesrv.getClusterInfo();
      const clusters = Object.keys(info.clusterAddrTable);
      const clusterName = o.clusterName ?? (clusters.length === 1 ? clusters[0] : 'DefaultCluster');
      const names = info.clusterAddrTable[clusterName];
      if (!names || names.length === 0) throw new NotFoundError(`cluster ${clusterName} is not known to the nameserver (known: ${clusters.join(', ') || 'none'})`);
      targets = [...names].sort().map((brokerName) => ({ brokerName, addr: info.brokerAddrTable[brokerName]?.brokerAddrs['0'] }));
    }
    const outcomes = await Promise.all(
      targets.map(async (t): Promise<CreateTopicOutcome & { err?: RocketMQError }> => {
        if (t.addr === undefined) return { brokerName: t.brokerName, ok: false, error: 'no master is registered (election in progress?)' };
        try {
          await createTopicOn(call, t.addr, header, this.timeoutMs);
          return { brokerName: t.brokerName, addr: t.addr, ok: true };
        } catch (err) {
          const e = toRocketMQError(err, { brokerAddr: t.addr });
          return { brokerName: t.brokerName, addr: t.addr, ok: false, error: e.message, err: e };
        }
      }),
    );
    if (!outcomes.some((x) => x.ok)) {
      const first = outcomes.find((x) => x.err)?.err;
      throw first ?? new NoRouteError(`no master accepted topic ${o.topic}: ${outcomes.map((x) => `${x.brokerName}: ${x.error}`).join('; ')}`);
    }
    return outcomes.map(({ err: _err, ...rest }) => rest);
  }

  /**
   * Messages of `topic` whose KEYS contain `key`, from every broker group of the route, oldest first.
   * @param topic - topic
   * @param key - business key
   * @param options - maxNum per group, store-time range
   */
  async queryMessageByKey(topic: string, key: string, options: QueryMessageOptions = {}): Promise<MessageExt[]> {
    return (await this.queryMessage(topic, key, options)).messages;
  }

  /**
   * Like {@link Admin.queryMessageByKey}, also saying which replica of each group answered and what was filtered.
   * @param topic - topic
   * @param key - business key, or the message id (UNIQ_KEY) when `uniqueKey`
   * @param options - maxNum per group, store-time range
   * @param uniqueKey - look the key up as a UNIQ_KEY
   * @throws NoRouteError for an unknown topic; the first group's error when no group answered at all
   */
  async queryMessage(topic: string, key: string, options: QueryMessageOptions = {}, uniqueKey = false): Promise<QueryMessageResult> {
    checkTopic(topic);
    checkNonEmpty(key, 'key');
    const maxNum = uniqueKey ? UNIQUE_KEY_MAX_NUM : (options.maxNum ?? DEFAULT_MAX_NUM);
    checkInt(maxNum, 'maxNum', 1, 0x7fffffff);
    const begin = options.beginTimestamp ?? 0;
    checkInt(begin, 'beginTimestamp', 0);
    if (options.endTimestamp !== undefined) {
      checkInt(options.endTimestamp, 'endTimestamp', 0);
      if (options.endTimestamp < begin) throw new ValidationError('endTimestamp is before beginTimestamp');
    }
    const route = await this.topicRoute(topic);
    const groups = uniqueGroups(route);
    if (groups.length === 0) throw new NoRouteError(`the route of ${topic} has no broker group`, { context: { topic } });
    const call = this.caller();
    const results = await Promise.all(
      groups.map(async (bd) => {
        const source: QuerySource = { brokerName: bd.brokerName, found: 0, dropped: 0 };
        let lastErr: RocketMQError | undefined;
        for (const r of replicaOrder(bd)) {
          if (options.signal?.aborted) throw new AbortError(undefined, { cause: options.signal.reason });
          source.addr = r.addr;
          source.brokerId = r.brokerId;
          try {
            const cmd = encodeQueryMessageRequest({ topic, key, maxNum, beginTimestamp: begin, endTimestamp: options.endTimestamp ?? 0, uniqueKeyQuery: uniqueKey || undefined });
            // Java sends the "no bound" end as Long.MAX_VALUE; keep those exact bytes on the wire.
            if (options.endTimestamp === undefined && cmd.extFields) cmd.extFields.endTimestamp = LONG_MAX_TEXT;
            const res = await call(r.addr, cmd, this.timeoutMs, options.signal);
            const decoded = decodeQueryMessageResponse(res, { brokerAddr: r.addr, brokerName: bd.brokerName, topic });
            const all = decoded.found ? decodeStoredMessages(decoded.body) : [];
            const { kept, dropped } = filterQueryMatches(all, topic, key, uniqueKey);
            source.found = kept.length;
            source.dropped = dropped;
            return { source, brokerName: bd.brokerName, messages: kept, err: undefined };
          } catch (err) {
            if (err instanceof AbortError) throw err;
            lastErr = toRocketMQError(err, { brokerAddr: r.addr, brokerName: bd.brokerName, topic });
          }
        }
        source.error = lastErr?.message ?? 'the group has no registered address';
        return { source, brokerName: bd.brokerName, messages: [] as MessageExt[], err: lastErr };
      }),
    );
    if (results.every((r) => r.err !== undefined || r.source.error !== undefined)) {
      throw results.find((r) => r.err)?.err ?? new NoRouteError(`no broker group of ${topic} answered`, { context: { topic } });
    }
    return { messages: mergeByStoreTime(results), sources: results.map((r) => r.source) };
  }

  /**
   * The message whose id (UNIQ_KEY, what `SendResult.msgId` holds) is `msgId`.
   * @param topic - topic
   * @param msgId - the client message id
   * @param options - store-time range
   * @throws NotFoundError when no group has it
   */
  async queryMessageByUniqKey(topic: string, msgId: string, options: Omit<QueryMessageOptions, 'maxNum'> = {}): Promise<MessageExt> {
    const { messages } = await this.queryMessage(topic, msgId, options, true);
    if (messages.length === 0) throw new NotFoundError(`no message with id ${msgId} in topic ${topic}`, { context: { topic } });
    return messages[0];
  }

  /**
   * Reads one message straight from the broker encoded in its offsetMsgId (store host + commit-log offset), with no
   * route lookup, as Java's `viewMessage` does.
   *
   * DLedger replicas hold byte-identical logs, so a message written by a leader that has since died still names
   * the dead leader as its store host. With `topic`, when that host cannot be reached, every replica in the topic's
   * route is asked for the same commit-log offset and a record whose offsetMsgId matches exactly is returned.
   * @param offsetMsgId - 32 (IPv4) or 56 (IPv6) hex characters
   * @param options - topic to fall back on
   * @throws ValidationError for a malformed id; NotFoundError when the broker has no message there; the connection
   *   error when the store host is down and no fallback found it
   */
  async viewMessage(offsetMsgId: string, options: { /** Topic whose replicas may hold a copy. @default none */ topic?: string } = {}): Promise<MessageExt> {
    checkNonEmpty(offsetMsgId, 'offsetMsgId');
    const { address, offset } = decodeOffsetMsgId(offsetMsgId);
    if (options.topic !== undefined) checkTopic(options.topic);
    try {
      return await this.viewAt(address, offset);
    } catch (err) {
      if (options.topic === undefined || err instanceof NotFoundError || err instanceof ValidationError) throw err;
      const route = await this.topicRoute(options.topic);
      const wanted = offsetMsgId.toUpperCase();
      for (const bd of uniqueGroups(route)) {
        for (const r of replicaOrder(bd)) {
          if (r.addr === address) continue;
          try {
            const m = await this.viewAt(r.addr, offset);
            if (m.offsetMsgId.toUpperCase() === wanted) return m;
          } catch {
            // Not on this replica (or it is down too): keep looking.
          }
        }
      }
      throw err;
    }
  }

  private async viewAt(address: string, offset: number): Promise<MessageExt> {
    const call = this.caller();
    const res = await call(address, encodeViewMessageRequest({ offset }), this.timeoutMs);
    let body: Buffer;
    try {
      body = decodeViewMessageResponse(res, { brokerAddr: address });
    } catch (err) {
      if (err instanceof BrokerResponseError && /can ?not find/i.test(err.context.remark ?? err.message)) {
        throw new NotFoundError(`no message at offset ${offset} on ${address}`, { cause: err, context: { brokerAddr: address } });
      }
      throw err;
    }
    const [m] = decodeStoredMessages(body);
    if (!m) throw new NotFoundError(`no message at offset ${offset} on ${address}`, { context: { brokerAddr: address } });
    return m;
  }

  /**
   * The max offset (next offset to be written) of a queue.
   * @param mq - the queue
   */
  async maxOffset(mq: MessageQueueRef): Promise<number> {
    return this.offsetCall(mq, RequestCode.GET_MAX_OFFSET, (m) => encodeGetMaxOffsetRequest({ topic: m.topic, queueId: m.queueId }));
  }

  /**
   * The min offset (oldest still stored) of a queue.
   * @param mq - the queue
   */
  async minOffset(mq: MessageQueueRef): Promise<number> {
    return this.offsetCall(mq, RequestCode.GET_MIN_OFFSET, (m) => encodeGetMinOffsetRequest({ topic: m.topic, queueId: m.queueId }));
  }

  /**
   * The queue offset for a store time: `lower` = first message stored at or after it, `upper` = last at or before.
   * @param mq - the queue
   * @param timestamp - store time, ms
   * @param boundary - which side @default 'lower'
   */
  async searchOffset(mq: MessageQueueRef, timestamp: number, boundary: SearchBoundary = 'lower'): Promise<number> {
    checkInt(timestamp, 'timestamp', 0);
    if (boundary !== 'lower' && boundary !== 'upper') throw new ValidationError(`boundary must be 'lower' or 'upper'`);
    return this.offsetCall(mq, RequestCode.SEARCH_OFFSET_BY_TIMESTAMP, (m) =>
      encodeSearchOffsetRequest({ topic: m.topic, queueId: m.queueId, timestamp, boundaryType: boundary.toUpperCase() }),
    );
  }

  /**
   * Per-queue broker offset, consumer offset and lag of a consumer group.
   * @param group - consumer group
   * @param options - topics to inspect
   */
  async consumerProgress(group: string, options: ConsumerProgressOptions = {}): Promise<ConsumerProgress> {
    checkNonEmpty(group, 'group');
    const explicit = options.topics !== undefined;
    const topics = options.topics ? [...options.topics] : (await this.topicList()).filter((t) => !isSystemTopic(t));
    for (const t of topics) checkTopic(t);
    const call = this.caller();
    const rows = [];
    for (const topic of topics) {
      let route: TopicRouteData;
      try {
        route = await this.topicRoute(topic);
      } catch (err) {
        // A topic listed a moment ago may be gone; one asked for by name must exist.
        if (!explicit && err instanceof NoRouteError) continue;
        throw err;
      }
      const groups = new Map(uniqueGroups(route).map((bd) => [bd.brokerName, bd]));
      const found = await Promise.all(
        route.queueDatas.map((qd) => {
          const bd = groups.get(qd.brokerName);
          const addrs = bd ? replicaOrder(bd).map((r) => r.addr) : [];
          return queueProgress(call, { group, topic, brokerName: qd.brokerName, queues: qd.readQueueNums, addrs, includeEmpty: explicit, timeoutMs: this.timeoutMs });
        }),
      );
      rows.push(...found.flat());
    }
    rows.sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : 0) || (a.brokerName < b.brokerName ? -1 : a.brokerName > b.brokerName ? 1 : 0) || a.queueId - b.queueId);
    return { group, queues: rows, totalLag: rows.reduce((s, r) => s + r.lag, 0) };
  }

  private async offsetCall(mq: MessageQueueRef, code: number, build: (mq: MessageQueueRef) => RemotingCommand): Promise<number> {
    if (!mq || typeof mq !== 'object') throw new ValidationError('a message queue { topic, brokerName, queueId } is required');
    checkTopic(mq.topic);
    checkNonEmpty(mq.brokerName, 'brokerName');
    checkInt(mq.queueId, 'queueId', 0, 0x7fffffff);
    const route = await this.topicRoute(mq.topic);
    const bd = route.brokerDatas.find((b) => b.brokerName === mq.brokerName);
    if (!bd) throw new NoRouteError(`broker group ${mq.brokerName} is not in the route of ${mq.topic}`, { context: { topic: mq.topic, brokerName: mq.brokerName } });
    const call = this.caller();
    let lastErr: RocketMQError | undefined;
    for (const r of replicaOrder(bd)) {
      try {
        return decodeOffsetResponse(await call(r.addr, build(mq), this.timeoutMs), code, { brokerAddr: r.addr, brokerName: mq.brokerName, topic: mq.topic });
      } catch (err) {
        lastErr = toRocketMQError(err, { brokerAddr: r.addr });
      }
    }
    throw lastErr ?? new NoRouteError(`broker group ${mq.brokerName} has no registered address`, { context: { brokerName: mq.brokerName } });
  }

  private caller(): BrokerCaller {
    const { brokers } = this.running();
    return (addr, cmd, timeoutMs, signal) => brokers.invoke(addr, cmd, { timeoutMs, signal });
  }

  private running(): { namesrv: NamesrvClient; brokers: BrokerPool } {
    if (this.state !== 'running' || !this.namesrv || !this.brokers) {
      throw new ClientStateError(this.state === 'closed' ? 'the admin client was shut down' : 'call admin.start() first');
    }
    return { namesrv: this.namesrv, brokers: this.brokers };
  }
}

/** The route's groups, one entry per broker name (a route lists each once, but do not trust that blindly). */
function uniqueGroups(route: TopicRouteData): BrokerData[] {
  const seen = new Map<string, BrokerData>();
  for (const bd of route.brokerDatas) if (!seen.has(bd.brokerName)) seen.set(bd.brokerName, bd);
  return [...seen.values()];
}

/** Topics that belong to the broker, not to applications (skipped when listing a group's progress). */
export function isSystemTopic(topic: string): boolean {
  return (
    topic === 'TBW102' ||
    topic === 'SELF_TEST_TOPIC' ||
    topic === 'OFFSET_MOVED_EVENT' ||
    topic === 'BenchmarkTest' ||
    topic === 'SCHEDULE_TOPIC_XXXX' ||
    topic.startsWith('rmq_sys_') ||
    topic.startsWith('RMQ_SYS_') ||
    topic.startsWith('%DLQ%')
  );
}

function brokerError(response: RemotingCommand, requestCode: number, addr: string): RocketMQError {
  return errorFromResponse(response, { brokerAddr: addr, requestCode });
}
