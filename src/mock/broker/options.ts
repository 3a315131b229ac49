/**
 * Options of {@link MockBroker} and the answers the broker gives for role and replication failures, per simulated
 * RocketMQ version (dledger.md §2 "What clients see").
 * @module
 */
import type { MockAclConfig } from '../acl/validator.js';
import type { DLedgerNode } from '../dledger/node.js';
import { ResponseCode } from '../../protocol/response-codes.js';

/** Broker role (Java `BrokerRole`). */
export type BrokerRole = 'ASYNC_MASTER' | 'SYNC_MASTER' | 'SLAVE';

/** Which RocketMQ version's answers the mock gives. */
export type BrokerVersion = '5' | '4.9';

/** The DLedger replica a broker runs on (dledger mode). */
export interface DLedgerBinding {
  /** The replica (the broker starts and stops it). */
  node: DLedgerNode;
}

/** TLS material of a mock server (PEM strings or buffers, as `tls.createServer` takes them). */
export interface MockTlsOptions {
  /** Private key of the server certificate. */
  key: string | Buffer;
  /** Server certificate (chain). */
  cert: string | Buffer;
  /**
   * CA the mock's own outgoing connections (broker → nameserver) trust; without it they use Node's default CAs.
   * @default undefined (system CAs)
   */
  ca?: string | Buffer;
}

/** Options of {@link MockBroker}. */
export interface MockBrokerOptions {
  /** Broker group name. */
  brokerName: string;
  /**
   * Cluster name.
   * @default 'DefaultCluster'
   */
  clusterName?: string;
  /**
   * Interface to listen on.
   * @default '127.0.0.1'
   */
  host?: string;
  /**
   * Port; 0 picks a free one (a restart reuses the port it got).
   * @default 0
   */
  port?: number;
  /**
   * Nameserver addresses (`host:port`) to register with.
   * @default []
   */
  namesrvAddrs?: string[];
  /** storePathRootDir: consume queues, config/, and (by default) the commitlog. */
  storePathRootDir: string;
  /**
   * storePathCommitLog (the legacy commitlog after an upgrade).
   * @default `<storePathRootDir>/commitlog`
   */
  storePathCommitLog?: string;
  /**
   * Commitlog / DLedger data file size.
   * @default 1073741824
   */
  mappedFileSize?: number;
  /**
   * Role for master/slave mode (ignored in dledger mode, where the replica's role decides).
   * @default 'ASYNC_MASTER'
   */
  role?: BrokerRole;
  /**
   * Broker id for master/slave mode.
   * @default 0 for masters, 1 for a slave
   */
  brokerId?: number;
  /**
   * Create unknown topics on send (from TBW102).
   * @default false
   */
  autoCreateTopicEnable?: boolean;
  /**
   * Let a slave serve pulls.
   * @default false
   */
  slaveReadEnable?: boolean;
  /**
   * Let a slave correct out-of-range pull offsets (PULL_OFFSET_MOVED) like a master; otherwise it answers
   * PULL_RETRY_IMMEDIATELY and keeps the consumer's offset (MessageStoreConfig.offsetCheckInSlave).
   * @default false
   */
  offsetCheckInSlave?: boolean;
  /**
   * Hold pulls that find nothing (long polling); otherwise hold them 1 s (short polling).
   * @default true
   */
  longPollingEnable?: boolean;
  /**
   * Multiplier of every period (registration 30 s, long polling, delays, lock expiry, client expiry).
   * @default 1
   */
  timeScale?: number;
  /**
   * Which version's codes and remarks to answer with.
   * @default '5'
   */
  brokerVersion?: BrokerVersion;
  /**
   * Redeliveries before a message goes to the DLQ (subscription group retryMaxTimes).
   * @default 16
   */
  maxReconsumeTimes?: number;
  /**
   * SYNC_MASTER: how long a send waits for the slave copy (syncFlushTimeout, scaled).
   * @default 5000
   */
  slaveAckTimeoutMs?: number;
  /** DLedger mode: the replica this broker runs on. */
  dledger?: DLedgerBinding;
  /**
   * Enforce ACL 1.0 (signature, accounts, per-topic/group permissions, admin codes) with the real broker's answers.
   * @default undefined (no ACL)
   */
  acl?: MockAclConfig;
  /**
   * Serve TLS with this key and certificate; the broker's connections to the nameservers then use TLS too,
   * trusting `tls.ca`.
   * @default undefined (plain TCP)
   */
  tls?: MockTlsOptions;
  /**
   * Largest message body (a batch: the whole batch body) a send may carry; larger ones, and properties over
   * 32767 bytes, are answered MESSAGE_ILLEGAL (13) as the real store does.
   * @default 4194304
   */
  maxMessageSize?: number;
}

/** An error answer: code and remark. */
export interface Rejection {
  /** Response code. */
  code: number;
  /** Remark. */
  remark: string;
}

/** "service not available now…" (PutMessageStatus.SERVICE_NOT_AVAILABLE). */
export const SERVICE_NOT_AVAILABLE_REMARK =
  "service not available now. It may be caused by one of the following reasons: the broker's disk is full [%s], messages are put to the slave, message store has been shut down, etc.";

/**
 * Send to a broker in SLAVE role. Settled by frames captured from real brokers
 * (test/unit/protocol/fixtures/real-send-to-slave-*): 5.x rejects before the store in every mode (SYSTEM_BUSY 2,
 * "[REJECTREQUEST]…", master/slave SLAVE and DLedger follower alike); 4.9.x answers from the store
 * (SERVICE_NOT_AVAILABLE 14).
 * @param version - simulated RocketMQ version
 * @param _dledger - whether the broker runs on DLedger (kept for callers; the answer no longer depends on it)
 */
export function rejectSendOnSlave(version: BrokerVersion, _dledger?: boolean): Rejection {
  if (version === '5') {
    return { code: ResponseCode.SYSTEM_BUSY, remark: '[REJECTREQUEST]system busy, start flow control for a while' };
  }
  return { code: ResponseCode.SERVICE_NOT_AVAILABLE, remark: SERVICE_NOT_AVAILABLE_REMARK };
}

/** DLedger refused the append synchronously (NOT_LEADER, PENDING_FULL, …) on a master. */
export function rejectDLedgerSync(version: BrokerVersion): Rejection {
  return {
    code: version === '5' ? ResponseCode.SYSTEM_BUSY : ResponseCode.SYSTEM_ERROR,
    remark: '[PC_SYNCHRONIZED]broker busy, start flow control for a while',
  };
}

/** No quorum within the append timeout. */
export function rejectQuorumTimeout(version: BrokerVersion): Rejection {
  return version === '5'
    ? { code: ResponseCode.SYSTEM_ERROR, remark: 'in-sync replicas not enough' }
    : { code: ResponseCode.SYSTEM_ERROR, remark: '[PC_SYNCHRONIZED]broker busy, start flow control for a while' };
}
