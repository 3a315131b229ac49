/**
 * The admin client: query messages by key, unique key or offset id across every broker group, create topics, read
 * routes, the cluster table, queue offsets and consumer progress.
 * @module
 */
export { Admin, isSystemTopic } from './admin.js';
export * from './types.js';
export { filterQueryMatches, mergeByStoreTime, replicaOrder, checkTopic, type ReplicaAddr, type FilteredMatches } from './select.js';
