/**
 * Option and event types of {@link MockCluster}.
 * @module
 */
import type { MockAclConfig } from './acl/validator.js';
import type { BrokerRole, BrokerVersion, MockTlsOptions } from './broker/options.js';

/** How a broker group replicates. */
export type ReplicationMode = 'single' | 'master-slave' | 'dledger';

/** One broker group of a {@link MockCluster}. */
export interface MockGroupOptions {
  /** Broker group name (also the DLedger group). */
  brokerName: string;
  /** Replication mode. */
  mode: ReplicationMode;
  /**
   * DLedger replicas (dledger mode).
   * @default 3
   */
  replicas?: number;
  /**
   * Master/slave mode: the master waits for the slave copy (SYNC_MASTER) instead of ASYNC_MASTER.
   * @default false
   */
  syncMaster?: boolean;
  /**
   * Let slaves / followers serve pulls.
   * @default false
   */
  slaveReadEnable?: boolean;
  /**
   * Fixed broker ports, by replica position (`n0`, `n1`, …), as `listenPort` in each broker.conf; a missing entry or
   * 0 picks a free port.
   * @default []
   */
  ports?: number[];
}

/** Options of {@link MockCluster.start}. */
export interface MockClusterOptions {
  /** The broker groups. */
  groups: MockGroupOptions[];
  /**
   * Cluster name.
   * @default 'DefaultCluster'
   */
  clusterName?: string;
  /**
   * Root directory of every store; a temporary directory (removed on stop) when not given.
   * @default a fresh directory under the OS temp dir
   */
  storeDir?: string;
  /**
   * Brokers create unknown topics on send.
   * @default false
   */
  autoCreateTopicEnable?: boolean;
  /**
   * Multiplier of every period (registration, expiry, long polling, delays, DLedger timers).
   * @default 1
   */
  timeScale?: number;
  /**
   * Nameserver port; 0 picks a free one.
   * @default 0
   */
  namesrvPort?: number;
  /**
   * Which RocketMQ version's answers the brokers give.
   * @default '5'
   */
  brokerVersion?: BrokerVersion;
  /**
   * Commitlog / DLedger data file size (small values exercise file rolls).
   * @default 1073741824
   */
  mappedFileSize?: number;
  /**
   * ACL 1.0 enforced by every broker (clients must sign). Like a real cluster, the nameserver does not check
   * unless `namesrvAcl` is set.
   * @default undefined (no ACL)
   */
  acl?: MockAclConfig;
  /**
   * The nameserver enforces `acl` too (brokers' own registration traffic is exempt).
   * @default false (real nameservers, 4.9 and 5.3 alike, have no ACL check)
   */
  namesrvAcl?: boolean;
  /**
   * Serve TLS on the nameserver and every broker with this key and certificate; brokers reach the nameserver over
   * TLS trusting `tls.ca`.
   * @default undefined (plain TCP)
   */
  tls?: MockTlsOptions;
  /**
   * Largest message body every broker accepts (MESSAGE_ILLEGAL beyond it).
   * @default 4194304
   */
  maxMessageSize?: number;
}

/** Options of {@link MockCluster.upgradeToDLedger}. */
export interface UpgradeOptions {
  /**
   * DLedger replicas after the upgrade.
   * @default 3
   */
  replicas?: number;
  /**
   * Copy the master's legacy commitlog to every replica first (the official procedure). Without it, replicas whose
   * legacy data differs make the upgrade fail.
   * @default true
   */
  copyLegacyCommitLog?: boolean;
}

/** A replica's identity and address. */
export interface NodeAddress {
  /** Replica id (`n0`, `n1`, …; in master/slave mode n0 is the master, n1 the slave). */
  id: string;
  /** `host:port` of its broker. */
  addr: string;
}

/** Payload of the cluster's `roleChange` event. */
export interface ClusterRoleChange extends NodeAddress {
  /** Broker group. */
  brokerName: string;
  /** New role. */
  role: BrokerRole;
  /** New broker id. */
  brokerId: number;
}

/** Payload of the cluster's `leaderChange` event: a broker became master (brokerId 0). */
export interface ClusterLeaderChange extends NodeAddress {
  /** Broker group. */
  brokerName: string;
}

/** Events of {@link MockCluster}. */
export interface MockClusterEvents {
  /** A broker changed role or id. */
  roleChange: [ClusterRoleChange];
  /** A broker became the group's master. */
  leaderChange: [ClusterLeaderChange];
}
