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
export type { BrokerRole, BrokerVersion, DLedgerBinding, MockBrokerOptions, Rejection } from './broker/options.js';
