/**
 * Option and result types of {@link Admin}.
 * @module
 */

import type { AclKeyOptions } from '../client/security.js';
import type { TransportOptions } from '../client/transport.js';
import type { MessageExt } from '../message/types.js';
import type { ClusterInfo } from '../protocol/route.js';
import type { MessageQueueRef } from '../protocol/message-queue.js';

export type { MessageQueueRef };

/**
 * Options of {@link Admin}: the connection settings of {@link TransportOptions} (including `tls`) plus the ACL keys of
 * {@link AclKeyOptions}, which take precedence over `credentials`.
 */
export interface AdminOptions extends TransportOptions, AclKeyOptions {
  /**
   * Nameserver addresses, `host:port;host:port`.
   * @default the `NAMESRV_ADDR` environment variable, then HTTP discovery (as the Java client does)
   */
  namesrvAddr?: string;
  /**
   * Budget of one request to one broker or nameserver, in ms. Java's `MQAdminImpl` uses 6000.
   * @default 6000
   */
  timeoutMs?: number;
}

/** Options of a query by key or unique key. */
export interface QueryMessageOptions {
  /**
   * Most messages each broker group returns (the broker caps it further with `maxQueryNum`).
   * @default 64 (mqadmin queryMsgByKey)
   */
  maxNum?: number;
  /**
   * Earliest store time, ms since the epoch (inclusive).
   * @default 0
   */
  beginTimestamp?: number;
  /**
   * Latest store time, ms since the epoch (inclusive). Omitted = no bound (Java's `Long.MAX_VALUE`).
   * @default no bound
   */
  endTimestamp?: number;
  /** Cancels the query. @default none */
  signal?: AbortSignal;
}

/** Which replica of one broker group answered a query, or why none did. */
export interface QuerySource {
  /** Broker group. */
  brokerName: string;
  /** Address that answered (or was tried last). */
  addr?: string;
  /** Broker id of that address: 0 is the master / DLedger leader, anything else a replica. */
  brokerId?: number;
  /** Matching messages it returned after client-side filtering. */
  found: number;
  /** Records it returned that were dropped: another key with the same index hash, or another topic. */
  dropped: number;
  /** Why no replica of the group answered, when none did. */
  error?: string;
}

/** Result of {@link Admin.queryMessage}. */
export interface QueryMessageResult {
  /** Matching messages of every group, oldest store time first. */
  messages: MessageExt[];
  /** One entry per broker group of the route. */
  sources: QuerySource[];
}

/** Options of {@link Admin.createTopic}. */
export interface CreateTopicOptions {
  /** Topic name: `[%|a-zA-Z0-9_-]`, at most 127 characters. */
  topic: string;
  /** Read and write queue count on every broker group. */
  queues: number;
  /** Read queue count, when it must differ from `queues`. @default queues */
  readQueues?: number;
  /** Write queue count, when it must differ from `queues`. @default queues */
  writeQueues?: number;
  /**
   * Cluster whose masters get the topic.
   * @default the only cluster the nameserver knows, else 'DefaultCluster'
   */
  clusterName?: string;
  /** Create on this one broker address only (mqadmin `-b`) instead of every master of the cluster. @default none */
  brokerAddr?: string;
  /** `PermName` bits (6 = read + write). @default 6 */
  perm?: number;
  /** Ordered topic. @default false */
  order?: boolean;
}

/** Outcome of {@link Admin.createTopic} on one broker. */
export interface CreateTopicOutcome {
  /** Broker group. */
  brokerName: string;
  /** Master address used, when the group had one. */
  addr?: string;
  /** Whether the broker accepted it. */
  ok: boolean;
  /** Why not. */
  error?: string;
}

/** One replica in {@link ClusterOverview}. */
export interface ReplicaSummary {
  /** Broker id as registered (0 = master / DLedger leader). */
  brokerId: number;
  /** `host:port`. */
  addr: string;
  /** Whether this replica currently leads its group (it is registered as brokerId 0). */
  leader: boolean;
  /** `brokerRole` from GET_BROKER_RUNTIME_INFO (`SYNC_MASTER`, `ASYNC_MASTER`, `SLAVE`), when asked and reachable. */
  brokerRole?: string;
  /** `brokerVersion` from runtime info (MQVersion ordinal), when asked and reachable. */
  version?: string;
  /** Commit-log max offset from runtime info, when asked and reachable. */
  maxPhyOffset?: number;
  /** Why runtime info could not be read, when asked. */
  error?: string;
}

/** One broker group in {@link ClusterOverview}. */
export interface BrokerGroupSummary {
  /** Cluster it belongs to. */
  clusterName: string;
  /** Group name. */
  brokerName: string;
  /** Address of the current leader (brokerId 0), absent mid-election or while the master is down. */
  leaderAddr?: string;
  /** Every registered replica, leader first, then by broker id. */
  replicas: ReplicaSummary[];
}

/** Result of {@link Admin.clusterInfo}. */
export interface ClusterOverview {
  /** Groups, sorted by cluster then name. */
  groups: BrokerGroupSummary[];
  /** The nameserver's answer as received. */
  info: ClusterInfo;
}

/** Options of {@link Admin.clusterInfo}. */
export interface ClusterInfoOptions {
  /**
   * Also ask every broker for GET_BROKER_RUNTIME_INFO (role, version, max offset).
   * @default false
   */
  runtime?: boolean;
}

/** Progress of a consumer group on one queue. */
export interface QueueProgress {
  /** Topic. */
  topic: string;
  /** Broker group. */
  brokerName: string;
  /** Queue id. */
  queueId: number;
  /** The queue's max offset (next offset to be written). */
  brokerOffset: number;
  /** The group's committed offset, or −1 when it has none on this queue. */
  consumerOffset: number;
  /** Messages not yet consumed: brokerOffset − consumerOffset (from the min offset when nothing is committed). */
  lag: number;
}

/** Result of {@link Admin.consumerProgress}. */
export interface ConsumerProgress {
  /** Consumer group. */
  group: string;
  /** One row per queue where the group has an offset (or every queue of the topics asked for). */
  queues: QueueProgress[];
  /** Sum of every queue's lag. */
  totalLag: number;
}

/** Options of {@link Admin.consumerProgress}. */
export interface ConsumerProgressOptions {
  /**
   * Topics to inspect; every queue of each is listed, even where the group has no offset yet.
   * @default every topic the nameserver knows, listing only queues where the group has an offset
   */
  topics?: readonly string[];
}

/** Boundary of {@link Admin.searchOffset}. */
export type SearchBoundary = 'lower' | 'upper';

export type { MessageExt };
