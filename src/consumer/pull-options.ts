/**
 * Options of the lite {@link PullConsumer}.
 * @module
 */

import type { ClientSecurityOptions } from '../client/security.js';
import type { TransportOptions } from '../client/transport.js';
import type { AllocateMessageQueueStrategy } from './allocate.js';
import type { ConsumeFromWhere } from './types.js';

/** Options of a lite pull consumer. ACL keys and TLS come from {@link ClientSecurityOptions}. */
export interface PullConsumerOptions extends ClientSecurityOptions {
  /** Consumer group (required). */
  consumerGroup: string;
  /** Nameserver addresses, `h:p;h:p`. @default NAMESRV_ADDR, then the address server */
  namesrvAddr?: string;
  /** Where a group without a stored offset starts. @default 'CONSUME_FROM_LAST_OFFSET' */
  consumeFromWhere?: ConsumeFromWhere;
  /** Start time for CONSUME_FROM_TIMESTAMP, ms since the epoch. @default 30 minutes before start */
  consumeTimestamp?: number;
  /** Commit consumed offsets periodically. @default true */
  autoCommit?: boolean;
  /** Auto-commit interval, ms. @default 5000 */
  autoCommitIntervalMillis?: number;
  /** Messages per pull and at most per `poll()`. @default 10 */
  pullBatchSize?: number;
  /** Stop pulling a queue while this many of its messages are buffered. @default 1000 */
  pullThresholdForQueue?: number;
  /** Default `poll()` timeout, ms. @default 5000 */
  pollTimeoutMillis?: number;
  /** Queue allocation strategy (subscribe mode). @default allocateMessageQueueAveragely */
  allocateMessageQueueStrategy?: AllocateMessageQueueStrategy;
  /** Rebalance interval (subscribe mode), ms. @default 20000 */
  rebalanceInterval?: number;
  /** Route poll interval, ms. @default 30000 */
  pollNameServerInterval?: number;
  /** Heartbeat interval, ms. @default 30000 */
  heartbeatBrokerInterval?: number;
  /** Long-polling hold, ms. @default 15000 */
  suspendTimeoutMillis?: number;
  /** Pause after a failed pull, ms. @default 1000 */
  pullTimeDelayMillsWhenException?: number;
  /**
   * A PULL_OFFSET_MOVED that would move a queue backwards is obeyed only after the same broker has kept saying so
   * for this long (and at least 3 pulls); see the push consumer's option of the same name. 0 obeys at once. ms.
   * @default 10000
   */
  offsetRewindConfirmMillis?: number;
  /** Instance name (client id part). @default 'DEFAULT' */
  instanceName?: string;
  /** Broker call timeout, ms. @default 3000 */
  mqClientApiTimeout?: number;
  /**
   * Connection settings; the top-level `accessKey` / `secretKey` / `securityToken` and `tls` take precedence over
   * `transport.credentials` / `transport.tls`.
   * @default plain TCP
   */
  transport?: TransportOptions;
}
