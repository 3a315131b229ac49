/**
 * Options of the {@link Producer}, named as Java's `DefaultMQProducer` / `ClientConfig`, and the per-call options and
 * message input shapes.
 * @module
 */

import type { ClientSecurityOptions } from '../client/security.js';
import type { TransportOptions } from '../client/transport.js';
import type { MessageQueue } from '../client/topic-publish-info.js';
import type { Producer } from './producer.js';

/**
 * Options of {@link Producer}. Only `producerGroup` is required. ACL keys and TLS (`accessKey`, `secretKey`,
 * `securityToken`, `tls`) come from {@link ClientSecurityOptions}.
 */
export interface ProducerOptions extends ClientSecurityOptions {
  /**
   * Nameserver addresses, `;`-separated (`host:port;host:port`), or a list. When unset: the `NAMESRV_ADDR`
   * environment variable, then the HTTP address server (see `wsAddr`, `namesrvDomain`).
   * @default from the environment or the address server
   */
  namesrvAddr?: string | readonly string[];
  /** Full address-server URL (used only when no nameserver address is configured). @default derived from `namesrvDomain` */
  wsAddr?: string;
  /** Address-server host, Java's `rocketmq.namesrv.domain`. @default 'jmenv.tbsite.net' */
  namesrvDomain?: string;
  /** Address-server path segment, Java's `rocketmq.namesrv.domain.subgroup`. @default 'nsaddr' */
  namesrvDomainSubgroup?: string;
  /** Producer group (at most 120 characters of `[%|a-zA-Z0-9_-]`). */
  producerGroup: string;
  /** Total time budget of one send, every attempt and wait included, in ms. @default 3000 */
  sendMsgTimeout?: number;
  /** Retries of {@link Producer.send} after a failed attempt (attempts = 1 + this). @default 2 */
  retryTimesWhenSendFailed?: number;
  /** Retries of {@link Producer.sendAsync} after a failed attempt. @default 2 */
  retryTimesWhenSendAsyncFailed?: number;
  /**
   * Retry on another broker group when the broker stored the message but answered FLUSH_DISK_TIMEOUT,
   * FLUSH_SLAVE_TIMEOUT or SLAVE_NOT_AVAILABLE (this can duplicate the message). @default false
   */
  retryAnotherBrokerWhenNotStoreOK?: boolean;
  /** Bodies of at least this many bytes are zlib-compressed (batches never are). @default 4096 */
  compressMsgBodyOverHowmuch?: number;
  /** zlib level used for compression (Java `rocketmq.message.compressLevel`). @default 5 */
  compressLevel?: number;
  /** Largest body (a batch: the whole encoded batch) accepted, in bytes. @default 4194304 (4 MiB) */
  maxMessageSize?: number;
  /** Interval of the route poll over every topic used, in ms. @default 30000 */
  pollNameServerInterval?: number;
  /** Interval of heartbeats to brokers, in ms. @default 30000 */
  heartbeatBrokerInterval?: number;
  /** Keep slow or failing broker groups out of queue selection for a while (Java default: false). @default true */
  sendLatencyFaultEnable?: boolean;
  /** Instance name in the client id; "DEFAULT" becomes `<pid>#<nanotime>` as in Java. @default 'DEFAULT' */
  instanceName?: string;
  /** Unit name appended to the client id. @default none */
  unitName?: string;
  /** Namespace: topics and the group are sent as `namespace%name`. @default none */
  namespace?: string;
  /** Sends running at once; further sends wait for a slot (backpressure). @default 1024 */
  maxInflight?: number;
  /**
   * How long {@link Producer.shutdown} waits for sends in flight before aborting them, in ms.
   * @default 5000
   */
  shutdownTimeoutMs?: number;
  /**
   * While a broker group has no master (or its master failed), the route is re-read this often, in ms (jittered by
   * ±25 %), instead of waiting for the periodic poll.
   * @default 150
   */
  fastRoutePollIntervalMs?: number;
  /** The fast re-poll of one group stops after this long even if no master appeared, in ms. @default 30000 */
  fastRoutePollWindowMs?: number;
  /** Queue count used when a topic is auto-created from TBW102. @default 4 */
  defaultTopicQueueNums?: number;
  /** Budget of nameserver requests (route, not sends), in ms. @default 3000 */
  mqClientApiTimeout?: number;
  /**
   * Connection settings (connect timeout, idle timeout, custom factory, RPC hooks). The top-level `accessKey` /
   * `secretKey` / `securityToken` and `tls` take precedence over `transport.credentials` / `transport.tls`.
   * @default plain TCP, 3 s connect
   */
  transport?: TransportOptions;
  /** Client IP in the client id. @default the first non-loopback IPv4 address */
  clientIP?: string;
  /**
   * Auto batching (Java 5.x `autoBatch`): single sends to the same topic are held for up to `batchMaxDelayMs` (or
   * until their bodies pass `batchMaxBytes`) and sent as one SEND_BATCH_MESSAGE; each caller still gets its own
   * `SendResult` (own msgId, own offsetMsgId, queueOffset = the batch's first + its index) or the batch's error.
   * A held message keeps its `maxInflight` slot, and a group is sent at once when every slot is held. Sent alone as
   * usual: batches given as arrays, oneway sends, sends with `queue` / `selector` / `shardingKey`, `signal` or
   * `timeoutMs`, delayed and timer messages, compressed bodies (at least `compressMsgBodyOverHowmuch`), and
   * anything past `totalBatchMaxBytes`. A held message's `sendMsgTimeout` starts when its batch is sent, so it may
   * wait `batchMaxDelayMs` longer than a direct send.
   * @default false
   */
  autoBatch?: boolean;
  /** Auto batching: longest time a message is held for its batch, in ms (1..30000). @default 10 */
  batchMaxDelayMs?: number;
  /** Auto batching: a batch is sent once its bodies add up to more than this many bytes (1..2 MiB). @default 32768 */
  batchMaxBytes?: number;
  /**
   * Auto batching: bodies held by every batch not yet answered, at most, in bytes; past it messages are sent alone.
   * @default 33554432 (32 MiB)
   */
  totalBatchMaxBytes?: number;
}

/** Picks a queue for an ordered send, as Java's `MessageQueueSelector`. */
export type MessageQueueSelector<A = unknown> = (queues: readonly MessageQueue[], msg: MessageInput, arg: A) => MessageQueue;

/** Per-call options of {@link Producer.send}. At most one of `queue`, `selector` and `shardingKey` may be given. */
export interface SendOptions {
  /** Cancels the send (and its retries). @default none */
  signal?: AbortSignal;
  /** Time budget of this send instead of `sendMsgTimeout`, in ms. @default the producer's sendMsgTimeout */
  timeoutMs?: number;
  /** Send to exactly this queue (no retry on another queue). @default round robin */
  queue?: MessageQueue;
  /** Pick the queue with this selector (called with the topic's writable queues and `arg`). @default none */
  selector?: MessageQueueSelector;
  /** Argument passed to `selector`. @default undefined */
  arg?: unknown;
  /**
   * Ordered send: messages with the same key go to the same queue (Java `SelectMessageQueueByHash`). The key is
   * also stored in the `__SHARDINGKEY` property. @default none
   */
  shardingKey?: string;
}

/** A message as the application writes it. */
export interface MessageInput {
  /** Topic (at most 127 characters of `[%|a-zA-Z0-9_-]`). */
  topic: string;
  /** Body; a string is encoded as UTF-8. Must not be empty. */
  body: Buffer | Uint8Array | string;
  /** Business key(s), stored space-separated in `KEYS` (a key must not contain a space). @default none */
  keys?: string | readonly string[];
  /** Tag (for TAG subscriptions). @default none */
  tags?: string;
  /** User properties. @default none */
  properties?: Readonly<Record<string, string>>;
  /** Delay level 1..18 (1s 5s 10s 30s 1m … 2h). @default none */
  delayTimeLevel?: number;
  /** Absolute delivery time, ms since the epoch (5.x timer messages, `TIMER_DELIVER_MS`). @default none */
  deliverTimeMs?: number;
  /** Delay in seconds (5.x timer messages, `TIMER_DELAY_SEC`). @default none */
  delaySeconds?: number;
  /** Application flag. @default 0 */
  flag?: number;
}

/** Outcome of a stored send. */
export interface SendResult {
  /** SEND_OK, or the broker's FLUSH_DISK_TIMEOUT / FLUSH_SLAVE_TIMEOUT / SLAVE_NOT_AVAILABLE. */
  status: 'SEND_OK' | 'FLUSH_DISK_TIMEOUT' | 'FLUSH_SLAVE_TIMEOUT' | 'SLAVE_NOT_AVAILABLE';
  /** UNIQ_KEY (a batch: the ids joined by ','), what consumers see as `msgId`. */
  msgId: string;
  /** Store host + commit-log offset as the broker returned it (a batch: joined by ','). */
  offsetMsgId: string;
  /** Queue that stored the message. */
  messageQueue: MessageQueue;
  /** Offset in that queue (a batch: the first message's). */
  queueOffset: number;
  /** Attempts made (1 = no retry). */
  attempts: number;
  /** Broker address that stored it. */
  brokerAddr: string;
}

/** Callback of {@link Producer.sendAsync}. */
export type SendCallback = (error: Error | undefined, result?: SendResult) => void;

/** Options after defaults were applied (what {@link Producer.options} holds). */
export type ResolvedProducerOptions = Required<
  Omit<ProducerOptions, 'namesrvAddr' | 'wsAddr' | 'namesrvDomain' | 'namesrvDomainSubgroup' | 'namespace' | 'unitName' | 'transport' | 'clientIP' | keyof ClientSecurityOptions>
> &
  Pick<ProducerOptions, 'namesrvAddr' | 'wsAddr' | 'namesrvDomain' | 'namesrvDomainSubgroup' | 'namespace' | 'unitName' | 'transport' | 'clientIP' | keyof ClientSecurityOptions>;

/**
 * Applies the defaults.
 * @param o - the options as given
 */
export function resolveOptions(o: ProducerOptions): ResolvedProducerOptions {
  return {
    ...o,
    producerGroup: o.producerGroup,
    sendMsgTimeout: o.sendMsgTimeout ?? 3000,
    retryTimesWhenSendFailed: o.retryTimesWhenSendFailed ?? 2,
    retryTimesWhenSendAsyncFailed: o.retryTimesWhenSendAsyncFailed ?? 2,
    retryAnotherBrokerWhenNotStoreOK: o.retryAnotherBrokerWhenNotStoreOK ?? false,
    compressMsgBodyOverHowmuch: o.compressMsgBodyOverHowmuch ?? 4096,
    compressLevel: o.compressLevel ?? 5,
    maxMessageSize: o.maxMessageSize ?? 4 * 1024 * 1024,
    pollNameServerInterval: o.pollNameServerInterval ?? 30_000,
    heartbeatBrokerInterval: o.heartbeatBrokerInterval ?? 30_000,
    sendLatencyFaultEnable: o.sendLatencyFaultEnable ?? true,
    instanceName: o.instanceName ?? 'DEFAULT',
    maxInflight: o.maxInflight ?? 1024,
    shutdownTimeoutMs: o.shutdownTimeoutMs ?? 5000,
    fastRoutePollIntervalMs: o.fastRoutePollIntervalMs ?? 150,
    fastRoutePollWindowMs: o.fastRoutePollWindowMs ?? 30_000,
    defaultTopicQueueNums: o.defaultTopicQueueNums ?? 4,
    mqClientApiTimeout: o.mqClientApiTimeout ?? 3000,
    autoBatch: o.autoBatch ?? false,
    batchMaxDelayMs: o.batchMaxDelayMs ?? 10,
    batchMaxBytes: o.batchMaxBytes ?? 32 * 1024,
    totalBatchMaxBytes: o.totalBatchMaxBytes ?? 32 * 1024 * 1024,
  };
}
