/**
 * RocketMQ `broker.conf` files for the mock: a Java properties reader, typed broker configs, and the mapping from a
 * set of files to {@link MockCluster} options (used by `rmq mock --conf`).
 * @module
 */
export { parseJavaProperties, type PropertyEntry } from './properties.js';
export { loadBrokerConf, parseBrokerConf, type BrokerConf, type DLedgerPeer, type FlushDiskType } from './broker-conf.js';
export { planClusterFromConfs, type ConfClusterPlan, type ConfNodePlan } from './cluster-plan.js';
