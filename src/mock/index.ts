/**
 * The in-process mock cluster (`rocketmq-ts/mock`): a nameserver, brokers over a file-backed store, DLedger replica
 * groups, and `MockCluster` tying them together with fault injection. The mock never imports the client layers, so
 * the two cannot be wrong together.
 * @module
 */
export { MockCluster, type ClusterGroup, type ClusterNode } from './cluster.js';
export type {
  ClusterLeaderChange,
  ClusterRoleChange,
  MockClusterEvents,
  MockClusterOptions,
  MockGroupOptions,
  NodeAddress,
  ReplicationMode,
  UpgradeOptions,
} from './cluster-options.js';
export { MockNameServer, type MockNameServerOptions } from './namesrv/server.js';
export { RouteInfoManager, type BrokerRegistration, type RegisteredTopicConfig, type RegistrationResult } from './namesrv/route-info.js';
export { MockBroker, type BrokerRoleChange, type MockBrokerEvents, type PutOutcome } from './broker/broker.js';
export type { BrokerRole, BrokerVersion, DLedgerBinding, MockBrokerOptions, MockTlsOptions, Rejection } from './broker/options.js';
export { ClientManager, type ClientChannel, type ClientEntry, type ConsumerGroupInfo, type HeartbeatConsumer } from './broker/client-manager.js';
export { RebalanceLockManager, type LockQueue } from './broker/lock-manager.js';
export { PullHoldService } from './broker/pull-hold.js';
export { HaLink } from './broker/replication.js';
export { DLedgerGlue } from './broker/dledger-role.js';
export type { MockSubscription } from './broker/subscription.js';
export type { SendStatus } from '../protocol/send-message.js';
export type { ClusterInfo, TopicRouteData, BrokerData, QueueData } from '../protocol/route.js';
export * from './store/index.js';
export * from './dledger/index.js';
export type { AppendResult } from './store/index.js';
export type { AppendResult as DLedgerAppendResult } from './dledger/index.js';
export type { RemotingCommand } from '../remoting/command.js';
export type { StoredMessageRecord } from '../message/stored.js';
export * from './conf/index.js';
export * from './acl/index.js';
