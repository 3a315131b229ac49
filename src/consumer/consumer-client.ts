/**
 * The client plumbing one consumer runs on (the consumer half of Java `MQClientInstance` + `MQClientAPIImpl`):
 * nameserver client, route cache, broker connections, client id, heartbeats, and every broker call a consumer makes.
 * Each consumer owns one, so shutting a consumer down closes exactly its sockets and timers.
 * @module
 */

import { BrokerPool, type BrokerRequestHook } from '../client/broker-pool.js';
import { buildClientId } from '../client/client-id.js';
import { resolveNamesrvAddrs } from '../client/namesrv-addr.js';
import { NamesrvClient } from '../client/namesrv-client.js';
import { RouteManager } from '../client/route-manager.js';
import type { TransportOptions } from '../client/transport.js';
import { ClientStateError, NoRouteError } from '../errors.js';
import { encodeProperties } from '../message/properties.js';
import type { MessageExt } from '../message/types.js';
import { decodeConsumerListResponse, encodeConsumerListRequest } from '../protocol/consumer-list.js';
import {
  decodeQueryConsumerOffsetResponse,
  decodeUpdateConsumerOffsetResponse,
  encodeQueryConsumerOffsetRequest,
  encodeUpdateConsumerOffsetRequest,
} from '../protocol/consumer-offset.js';
import { decodeHeartbeatResponse, encodeHeartbeatRequest, type HeartbeatData } from '../protocol/heartbeat.js';
import { decodeLockBatchResponse, encodeLockBatchRequest, encodeUnlockBatchRequest } from '../protocol/lock-batch.js';
import { decodeOffsetResponse, encodeGetMaxOffsetRequest, encodeGetMinOffsetRequest, encodeSearchOffsetRequest } from '../protocol/offsets.js';
import { decodePullMessageResponse, encodePullMessageRequest, type PullMessageRequestHeader, type PullMessageResult } from '../protocol/pull-message.js';
import { RequestCode } from '../protocol/request-codes.js';
import { decodeSendBackResponse, encodeSendBackRequest } from '../protocol/send-back.js';
import { decodeSendMessageResponse, encodeSendMessageRequest, type SendMessageResult } from '../protocol/send-message.js';
import { decodeUnregisterClientResponse, encodeUnregisterClientRequest } from '../protocol/unregister-client.js';
import type { RemotingCommand } from '../remoting/command.js';
import type { MessageQueue } from './types.js';

/** Options of {@link ConsumerClient}. */
export interface ConsumerClientOptions {
  /** Nameserver addresses, `h:p;h:p`. @default NAMESRV_ADDR, then the address server */
  namesrvAddr?: string;
  /** Instance name (client id part). @default 'DEFAULT' (→ `<pid>#<ns>`) */
  instanceName?: string;
  /** Route poll interval, ms. @default 30000 */
  pollNameServerInterval?: number;
  /** Heartbeat interval, ms. @default 30000 */
  heartbeatBrokerInterval?: number;
  /** Broker call timeout (offsets, heartbeats, locks), ms. @default 3000 */
  mqClientApiTimeout?: number;
  /** Connection settings (TLS, connect timeout, a custom connection factory for tests or proxies). @default plain TCP */
  transport?: TransportOptions;
}

/** Wire calls and shared state of one consumer. */
export class ConsumerClient {
  /** This client's id (`ip@instance`). */
  readonly clientId: string;
  /** Route cache. */
  routes!: RouteManager;
  /** Broker connections. */
  readonly pool: BrokerPool;
  private namesrv: NamesrvClient | undefined;
  private readonly options: ConsumerClientOptions;
  private readonly apiTimeout: number;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private heartbeatData: (() => HeartbeatData) | undefined;
  private started = false;
  private closed = false;

  /** @param options - nameserver, instance, timings, transport */
  constructor(options: ConsumerClientOptions) {
    this.options = options;
    this.clientId = buildClientId({ instanceName: options.instanceName });
    this.pool = new BrokerPool(options.transport ?? {});
    this.apiTimeout = options.mqClientApiTimeout ?? 3000;
  }

  /**
   * Resolves nameservers and starts the route poll and the heartbeat timer.
   * @param heartbeat - builds the current heartbeat body
   */
  async start(heartbeat: () => HeartbeatData): Promise<void> {
    if (this.closed) throw new ClientStateError('the consumer client is closed');
    if (this.started) return;
    const { addrs } = await resolveNamesrvAddrs({ namesrvAddr: this.options.namesrvAddr });
    this.namesrv = new NamesrvClient({ ...(this.options.transport ?? {}), addrs });
    const poll = this.options.pollNameServerInterval ?? 30_000;
    // The consumers read every subscribed route right after start(); a first poll 10 ms later would only repeat
    // those requests in the middle of start-up.
    this.routes = new RouteManager({ source: this.namesrv, pollNameServerInterval: poll, firstPollDelayMs: Math.min(poll, 1000) });
    // A failed background poll keeps the old route; nothing to do but wait for the next one.
    this.routes.on('refreshError', () => undefined);
    this.routes.start();
    this.heartbeatData = heartbeat;
    const every = this.options.heartbeatBrokerInterval ?? 30_000;
    this.heartbeatTimer = setInterval(() => void this.sendHeartbeat(), every);
    this.heartbeatTimer.unref();
    this.started = true;
  }

  /**
   * Installs a hook for a broker-initiated request code.
   * @param code - request code
   * @param hook - handler
   */
  onBrokerRequest(code: number, hook: BrokerRequestHook): () => void {
    return this.pool.addRequestHook(code, hook);
  }

  /** Sends the heartbeat to every broker address of every cached route; failures are ignored (next round). */
  async sendHeartbeat(): Promise<void> {
    if (!this.heartbeatData || this.closed) return;
    const data = this.heartbeatData();
    await Promise.all(
      this.routes.brokerAddrs().map(async ({ addr }) => {
        try {
          decodeHeartbeatResponse(await this.pool.invoke(addr, encodeHeartbeatRequest(data), { timeoutMs: this.apiTimeout }), { brokerAddr: addr });
        } catch {
          // Dead or demoted broker: the route poll drops it; the next heartbeat round retries.
        }
      }),
    );
  }

  /**
   * Readable queues of a topic from the cached route (fetching it if needed), sorted.
   * @param topic - topic
   */
  async subscribeQueues(topic: string): Promise<MessageQueue[]> {
    const route = await this.routes.getRoute(topic);
    const out: MessageQueue[] = [];
    for (const qd of route.queueDatas) {
      if ((qd.perm & 4) === 0) continue;
      const n = Math.min(Math.max(0, qd.readQueueNums | 0), 10_000);
      for (let i = 0; i < n; i++) out.push({ topic, brokerName: qd.brokerName, queueId: i });
    }
    return out.sort((a, b) => (a.brokerName < b.brokerName ? -1 : a.brokerName > b.brokerName ? 1 : a.queueId - b.queueId));
  }

  /** Master address of a group, else any address (reads may go to a slave). */
  private readAddr(brokerName: string): string {
    const found = this.routes.findBrokerAddressInSubscribe(brokerName, 0, false);
    if (!found) throw new NoRouteError(`no address for broker ${brokerName}`, { context: { brokerName } });
    return found.brokerAddr;
  }

  /** Master address of a group. */
  masterAddr(brokerName: string): string {
    const addr = this.routes.findBrokerAddressInPublish(brokerName);
    if (!addr) throw new NoRouteError(`broker ${brokerName} has no master`, { context: { brokerName } });
    return addr;
  }

  private async call(addr: string, cmd: RemotingCommand, timeoutMs = this.apiTimeout): Promise<RemotingCommand> {
    return this.pool.invoke(addr, cmd, { timeoutMs });
  }

  /**
   * Client ids of the group, sorted, asked of one broker of the topic (Java `findConsumerIdList`).
   * @param topic - a subscribed topic
   * @param group - consumer group
   */
  async consumerIds(topic: string, group: string): Promise<string[]> {
    const route = await this.routes.getRoute(topic);
    const names = route.brokerDatas.map((b) => b.brokerName);
    if (names.length === 0) throw new NoRouteError(`topic ${topic} has no broker`, { context: { topic } });
    const name = names[Math.floor(Math.random() * names.length)];
    const addr = this.readAddr(name);
    const ids = decodeConsumerListResponse(await this.call(addr, encodeConsumerListRequest({ consumerGroup: group })), { brokerAddr: addr });
    return [...new Set(ids)].sort();
  }

  /**
   * Pulls from `addr`.
   * @param addr - broker address
   * @param header - pull header
   * @param timeoutMs - response budget (must exceed the suspend time)
   * @param signal - aborts the wait (shutdown, queue dropped)
   */
  async pull(addr: string, header: PullMessageRequestHeader, timeoutMs: number, signal?: AbortSignal): Promise<PullMessageResult> {
    const res = await this.pool.invoke(addr, encodePullMessageRequest(header), { timeoutMs, signal });
    return decodePullMessageResponse(res, { brokerAddr: addr, topic: header.topic });
  }

  /**
   * The group's stored offset of a queue (−1 when the broker has none).
   * @param mq - queue
   * @param group - consumer group
   */
  async queryConsumerOffset(mq: MessageQueue, group: string): Promise<number> {
    const addr = this.readAddr(mq.brokerName);
    const req = encodeQueryConsumerOffsetRequest({ consumerGroup: group, topic: mq.topic, queueId: mq.queueId });
    return decodeQueryConsumerOffsetResponse(await this.call(addr, req), { brokerAddr: addr, topic: mq.topic });
  }

  /**
   * Stores the group's offset of a queue on the master.
   * @param mq - queue
   * @param group - consumer group
   * @param offset - next offset to consume
   * @param oneway - fire and forget (the periodic commit)
   */
  async updateConsumerOffset(mq: MessageQueue, group: string, offset: number, oneway: boolean): Promise<void> {
    const addr = this.masterAddr(mq.brokerName);
    const req = encodeUpdateConsumerOffsetRequest({ consumerGroup: group, topic: mq.topic, queueId: mq.queueId, commitOffset: offset }, { oneway });
    if (oneway) return this.pool.invokeOneway(addr, req);
    decodeUpdateConsumerOffsetResponse(await this.call(addr, req), { brokerAddr: addr, topic: mq.topic });
  }

  /**
   * GET_MAX_OFFSET of a queue.
   * @param mq - queue
   */
  async maxOffset(mq: MessageQueue): Promise<number> {
    const addr = this.readAddr(mq.brokerName);
    return decodeOffsetResponse(await this.call(addr, encodeGetMaxOffsetRequest({ topic: mq.topic, queueId: mq.queueId })), RequestCode.GET_MAX_OFFSET, { brokerAddr: addr });
  }

  /**
   * GET_MIN_OFFSET of a queue.
   * @param mq - queue
   */
  async minOffset(mq: MessageQueue): Promise<number> {
    const addr = this.readAddr(mq.brokerName);
    return decodeOffsetResponse(await this.call(addr, encodeGetMinOffsetRequest({ topic: mq.topic, queueId: mq.queueId })), RequestCode.GET_MIN_OFFSET, { brokerAddr: addr });
  }

  /**
   * SEARCH_OFFSET_BY_TIMESTAMP of a queue.
   * @param mq - queue
   * @param timestamp - store time, ms
   */
  async searchOffset(mq: MessageQueue, timestamp: number): Promise<number> {
    const addr = this.readAddr(mq.brokerName);
    const req = encodeSearchOffsetRequest({ topic: mq.topic, queueId: mq.queueId, timestamp });
    return decodeOffsetResponse(await this.call(addr, req), RequestCode.SEARCH_OFFSET_BY_TIMESTAMP, { brokerAddr: addr });
  }

  /**
   * CONSUMER_SEND_MSG_BACK to the master of the group the message came from.
   * @param brokerName - broker group that stored the message
   * @param msg - the message
   * @param group - consumer group
   * @param delayLevel - 0 = broker decides (3 + reconsumeTimes), −1 = DLQ at once
   * @param maxReconsumeTimes - the consumer's maximum
   * @param timeoutMs - budget @default 5000
   */
  async sendBack(brokerName: string, msg: MessageExt, group: string, delayLevel: number, maxReconsumeTimes: number, timeoutMs = 5000): Promise<void> {
    const addr = this.masterAddr(brokerName);
    const req = encodeSendBackRequest({
      offset: msg.commitLogOffset,
      group,
      delayLevel,
      originMsgId: msg.msgId,
      originTopic: msg.topic,
      unitMode: false,
      maxReconsumeTimes,
    });
    decodeSendBackResponse(await this.call(addr, req, timeoutMs), { brokerAddr: addr, topic: msg.topic });
  }

  /**
   * Sends a message to a topic (the consumer's own fallback producer, used for retry re-sends). Tries each writable
   * group once.
   * @param topic - target topic
   * @param body - body
   * @param properties - properties
   * @param extra - reconsume fields of the header
   */
  async send(
    topic: string,
    body: Buffer,
    properties: Record<string, string>,
    extra: { reconsumeTimes?: number; maxReconsumeTimes?: number; flag?: number; sysFlag?: number },
  ): Promise<SendMessageResult> {
    const info = await this.routes.getPublishInfo(topic);
    let lastError: unknown = new NoRouteError(`no writable queue for ${topic}`, { context: { topic } });
    let last: string | undefined;
    for (let i = 0; i < Math.max(1, info.brokerNames().length); i++) {
      const mq = info.selectQueue({ lastBrokerName: last });
      if (!mq) break;
      last = mq.brokerName;
      try {
        const addr = this.masterAddr(mq.brokerName);
        const req = encodeSendMessageRequest(
          {
            producerGroup: 'CLIENT_INNER_PRODUCER',
            topic,
            defaultTopic: 'TBW102',
            defaultTopicQueueNums: 4,
            queueId: mq.queueId,
            sysFlag: extra.sysFlag ?? 0,
            bornTimestamp: Date.now(),
            flag: extra.flag ?? 0,
            properties: encodeProperties(properties),
            reconsumeTimes: extra.reconsumeTimes,
            maxReconsumeTimes: extra.maxReconsumeTimes,
          },
          body,
        );
        return decodeSendMessageResponse(await this.call(addr, req), { brokerAddr: addr, topic });
      } catch (err) {
        lastError = err;
        this.routes.requestRefresh(topic);
      }
    }
    throw lastError;
  }

  /**
   * LOCK_BATCH_MQ on a group's master.
   * @param brokerName - broker group
   * @param group - consumer group
   * @param mqs - queues of that group
   * @returns the queues locked
   */
  async lockBatch(brokerName: string, group: string, mqs: readonly MessageQueue[]): Promise<MessageQueue[]> {
    const addr = this.masterAddr(brokerName);
    const req = encodeLockBatchRequest({ consumerGroup: group, clientId: this.clientId, mqSet: [...mqs] });
    return decodeLockBatchResponse(await this.call(addr, req), { brokerAddr: addr });
  }

  /**
   * UNLOCK_BATCH_MQ on a group's master (oneway).
   * @param brokerName - broker group
   * @param group - consumer group
   * @param mqs - queues of that group
   */
  async unlockBatch(brokerName: string, group: string, mqs: readonly MessageQueue[]): Promise<void> {
    const addr = this.masterAddr(brokerName);
    await this.pool.invokeOneway(addr, encodeUnlockBatchRequest({ consumerGroup: group, clientId: this.clientId, mqSet: [...mqs] }, { oneway: true }));
  }

  /**
   * UNREGISTER_CLIENT on every known broker (best effort).
   * @param group - consumer group
   */
  async unregister(group: string): Promise<void> {
    if (!this.started) return;
    await Promise.all(
      this.routes.brokerAddrs().map(async ({ addr }) => {
        try {
          const req = encodeUnregisterClientRequest({ clientID: this.clientId, consumerGroup: group });
          decodeUnregisterClientResponse(await this.call(addr, req), { brokerAddr: addr });
        } catch {
          // The broker drops us when the connection closes anyway.
        }
      }),
    );
  }

  /** Stops timers and closes every connection. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = undefined;
    if (this.started) this.routes.stop();
    await Promise.all([this.pool.close(), this.namesrv?.close()]);
  }
}
