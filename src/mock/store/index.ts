/**
 * The mock broker's file-backed message store: plain commitlog, consume queues, key index, config files, and the
 * `MessageStore` that composes them (with the seam to a DLedger log in DLedger mode).
 * @module
 */
export * from './commitlog.js';
export * from './config-files.js';
export * from './config-store.js';
export * from './consume-queue.js';
export * from './file-queue.js';
export * from './key-index.js';
export * from './message-store.js';
export {
  DELAY_LEVEL_MS,
  END_FILE_MIN_BLANK_LENGTH,
  javaStringHashCode,
  MIN_RECORD_SIZE,
  offsetMsgIdOf,
  parsePropertiesString,
  parseRecord,
  patchPhysicalOffset,
  type PropertyLookup,
  PropsText,
  PropsView,
  PHYSICAL_OFFSET_POSITION,
  QUEUE_OFFSET_POSITION,
  type RecordView,
  SCHEDULE_TOPIC,
  tagsCodeOf,
  TransactionType,
} from './record.js';
export * from './types.js';
