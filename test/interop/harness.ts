/**
 * Interop harness against real Apache RocketMQ: fetch a pinned release, start a name server,
 * a master/slave group and a DLedger group as child JVMs on 127.0.0.1, wait for readiness,
 * run Java tools, upgrade master/slave to DLedger, and always tear down.
 * See test/interop/README.md.
 * @module
 */
export {
  INTEROP_DIR, ROCKETMQ_4, ROCKETMQ_5, clusterList, ensureRocketMQ, isLegacy, jvmArgs, missingJavaTools, mqadmin,
  parseClusterList, runJava, runJavaMain, writeRocketMQHome,
} from './harness/java.js';
export type { ClusterListEntry, JavaRunResult, JvmKind, RocketMQDist, RunJavaOptions } from './harness/java.js';
export { assertPortsFree, defaultBrokerConf, rewriteConf, startBroker, startNamesrv } from './harness/nodes.js';
export type { BrokerConf, ClusterNode, StartNodeOptions } from './harness/nodes.js';
export {
  CLUSTER_NAME, DEFAULT_BASE_PORT, DL_BROKER, MS_BROKER, dledgerPeers, portPlan, registeredRows, startCluster, waitForRegistration,
} from './harness/cluster.js';
export type { InteropCluster, PortPlan, StartClusterOptions, WaitForRegistrationOptions } from './harness/cluster.js';
export { upgradeMasterSlaveToDLedger } from './harness/upgrade.js';
export type { UpgradeOptions, UpgradeResult } from './harness/upgrade.js';
export {
  cleanupAll, createRunDir, killJvm, liveProcesses, sleep, spawnJvm, stopJvm, trackChild, waitForLog,
} from './harness/procs.js';
export type { JvmProcess, SpawnJvmOptions } from './harness/procs.js';
