/**
 * Shared types of the mock store, and the seam between the store and the DLedger (Raft) log that serves as the
 * commitlog in DLedger mode.
 * @module
 */
import type { StoredMessageRecord } from '../../message/stored.js';
import type { MessageStore } from './message-store.js';

/** One committed commitlog record found by {@link CommitLogSource.scan}. */
export interface SourceRecord {
  /** PHYSICALOFFSET of the record (`entryPos + 48` for DLedger). */
  physOffset: number;
  /** The commitlog record (the entry body), whose PHYSICALOFFSET field equals `physOffset`. */
  bytes: Buffer;
}

/**
 * A read-only commitlog the store reads records from at or above the divide offset: in DLedger mode, the Raft log.
 * Only **committed** data may be visible through it (DLedgerCommitLog#getMaxOffset is the committed position).
 */
export interface CommitLogSource {
  /** The committed record whose PHYSICALOFFSET is `physOffset`; undefined when there is none. */
  read(physOffset: number): Buffer | undefined;
  /** End of committed data in physical-offset space (`lastRecord.physOffset + lastRecord.size`), 0 when empty. */
  readonly maxOffset: number;
  /** Lowest physical offset still readable. */
  readonly minOffset: number;
  /**
   * Committed records with `physOffset >= fromPhysOffset`, ascending (DLedger's end-of-file pads skipped). Used to
   * rebuild consume queues and the index on start; live dispatch goes through `MessageStore.dispatchCommitted`.
   */
  scan(fromPhysOffset: number): Iterable<SourceRecord>;
}

/**
 * What a producer's message becomes before the store assigns QUEUEOFFSET, PHYSICALOFFSET and STORETIMESTAMP.
 * `storeHost` defaults to the store's own address.
 */
export type PutMessageInput = Omit<
  StoredMessageRecord,
  'queueOffset' | 'commitLogOffset' | 'storeTimestamp' | 'storeHost'
> & {
  /** STORETIMESTAMP to write. @default the store clock */
  storeTimestamp?: number;
  /** STOREHOST to write (`ip:port`). @default the store's `storeHost` */
  storeHost?: string;
};

/** Where a message was stored. */
export interface PutMessageResult {
  /** Commitlog (physical) offset of the record — the broker's `wroteOffset`. */
  physOffset: number;
  /** Consume-queue offset assigned (0 for prepared/rollback transaction records, which get none). */
  queueOffset: number;
  /** STOREHOST + physOffset, uppercase hex (MessageDecoder.createMessageId). */
  offsetMsgId: string;
  /** STORETIMESTAMP written. */
  storeTimestamp: number;
  /** Record size in bytes. */
  size: number;
}

/**
 * A record encoded for the DLedger log but not yet appended. Its queue offset is already taken from the topic
 * queue table (as DLedgerCommitLog does under its lock); call `commit(physOffset)` once the local append returns
 * its position, or `abort()` when the append was refused.
 */
export interface PreparedRecord {
  /** The encoded record; PHYSICALOFFSET holds 0 until the DLedger layer patches it (see `patchPhysicalOffset`). */
  readonly bytes: Buffer;
  /** Topic. */
  readonly topic: string;
  /** Queue id. */
  readonly queueId: number;
  /** Queue offset assigned. */
  readonly queueOffset: number;
  /** STORETIMESTAMP written. */
  readonly storeTimestamp: number;
  /** Patches PHYSICALOFFSET (if not already) and returns the result to answer the producer with. */
  commit(physOffset: number): PutMessageResult;
  /** Gives the queue offset back; only valid while no later record of the same queue was prepared. */
  abort(): void;
}

/** GetMessageStatus of the real store. */
export type GetMessageStatus =
  | 'FOUND'
  | 'NO_MATCHED_MESSAGE'
  | 'MESSAGE_WAS_REMOVING'
  | 'OFFSET_FOUND_NULL'
  | 'OFFSET_OVERFLOW_BADLY'
  | 'OFFSET_OVERFLOW_ONE'
  | 'OFFSET_TOO_SMALL'
  | 'NO_MATCHED_LOGIC_QUEUE'
  | 'NO_MESSAGE_IN_QUEUE';

/** Answer of `MessageStore.getMessages`. */
export interface GetMessagesResult {
  /** Outcome. */
  status: GetMessageStatus;
  /** The records found, in queue order (each a whole stored record). */
  records: Buffer[];
  /** Queue offset the consumer should pull from next. */
  nextBeginOffset: number;
  /** The queue's min offset. */
  minOffset: number;
  /** The queue's max offset (one past the last message). */
  maxOffset: number;
}

/** How the store gets its commitlog. */
export type StoreMode = 'plain' | 'dledger';

/** Options of {@link MessageStore}. */
export interface MessageStoreOptions {
  /** Root of the broker's store (consumequeue/, config/, and by default commitlog/). */
  storePathRootDir: string;
  /**
   * Directory of the plain commitlog — in dledger mode, the legacy one.
   * @default `<storePathRootDir>/commitlog`
   */
  storePathCommitLog?: string;
  /**
   * Commitlog file size in bytes.
   * @default 1073741824
   */
  mappedFileSize?: number;
  /**
   * Consume-queue file size in bytes (a multiple of 20).
   * @default 6000000
   */
  consumeQueueFileSize?: number;
  /**
   * `plain` (single/master/slave) or `dledger` (the Raft log is the commitlog).
   * @default 'plain'
   */
  mode?: StoreMode;
  /**
   * DLedger mode: the committed Raft log; may also be attached later with {@link MessageStore.attachSource}.
   * @default undefined
   */
  source?: CommitLogSource;
  /**
   * STOREHOST written into records (`ip:port` of the broker).
   * @default '127.0.0.1:10911'
   */
  storeHost?: string;
  /**
   * Clock for STORETIMESTAMP.
   * @default Date.now
   */
  now?: () => number;
  /**
   * Byte cap of one pull answer (maxTransferBytesOnMessageInMemory); one message is always returned.
   * @default 262144
   */
  maxTransferBytes?: number;
  /**
   * Message cap of one pull answer (maxTransferCountOnMessageInMemory).
   * @default 32
   */
  maxTransferCount?: number;
  /**
   * Cap on messages returned by a key query (maxMsgsNumBatch).
   * @default 64
   */
  maxQueryNum?: number;
}

/** Optional knobs of {@link MessageStore.getMessages}. */
export interface GetMessagesOptions {
  /** Byte cap of this answer. @default the store's `maxTransferBytes` */
  maxBytes?: number;
  /** Consume-queue filter on tagsCode (tag subscription); unmatched units are skipped. @default undefined */
  matchTagsCode?: (tagsCode: number) => boolean;
  /**
   * Whether out-of-range answers carry a corrected nextBeginOffset (DefaultMessageStore#nextOffsetCorrection: a
   * master, or a slave with offsetCheckInSlave); false keeps the requested offset.
   * @default true
   */
  correctOffset?: boolean;
  /**
   * Where OFFSET_OVERFLOW_BADLY points: `'min-if-zero'` is 4.x (0 when the queue's min offset is 0, else the max
   * offset), `'max'` is 5.x (the max offset).
   * @default 'min-if-zero'
   */
  overflowBadly?: 'min-if-zero' | 'max';
}

/** Answer of a key query (QUERY_MESSAGE). */
export interface QueryResult {
  /** Matching records, newest first. */
  records: Buffer[];
  /** STORETIMESTAMP of the last indexed record (QueryMessageResponseHeader.indexLastUpdateTimestamp). */
  indexLastUpdateTimestamp: number;
  /** Physical offset of the last indexed record (indexLastUpdatePhyoffset). */
  indexLastUpdatePhyoffset: number;
}
