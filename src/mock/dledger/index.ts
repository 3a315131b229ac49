/**
 * DLedger (Raft) replica groups in process: entry log, network with faults, replicas and a group helper.
 * @module
 */

export {
  ENTRY_HEADER_SIZE,
  ENTRY_MAGIC,
  BLANK_MAGIC,
  INDEX_RECORD_SIZE,
  encodeEntry,
  decodeEntry,
  encodeIndexRecord,
  decodeIndexRecord,
  type DLedgerEntry,
  type EntryFields,
} from './entry-codec.js';
export { DLedgerLog, DEFAULT_MAPPED_FILE_SIZE, isInconsistentState, type DLedgerLogOptions, type AppendedEntry } from './entry-log.js';
export { DLedgerNetwork, type DLedgerHandler, type TimerHandle } from './transport.js';
export {
  DLedgerNode,
  type DLedgerNodeOptions,
  type DLedgerNodeEvents,
  type RoleChangeEvent,
  type CommittedEvent,
  type TruncatedEvent,
} from './node.js';
export type { AppendResult, AppendStatus } from './pusher.js';
export { DLedgerGroup, type DLedgerGroupOptions } from './group.js';
export { mulberry32, nextInt, type Rng } from './rng.js';
export { readTermFile, writeTermFile, readCheckpoint, writeCheckpoint, parseProperties, type PersistedTerm } from './persist.js';
export type * from './messages.js';
