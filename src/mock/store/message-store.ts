/**
 * `MessageStore`: the mock broker's store (DefaultMessageStore, with DLedgerCommitLog's seam). It composes the
 * commitlog, consume queues, key index and config files under `storePathRootDir`.
 *
 * - **plain mode** (single / master-slave): {@link MessageStore.putMessage} assigns the queue offset, appends to
 *   the commitlog and dispatches into the consume queue and index. An HA slave copies bytes with
 *   `commitLog.appendRaw` and calls {@link MessageStore.reputFromCommitLog}.
 * - **dledger mode**: the Raft log is the commitlog ({@link CommitLogSource}). {@link MessageStore.prepareRecord}
 *   encodes a record and takes its queue offset; the DLedger layer patches PHYSICALOFFSET (`pos + 48`), appends,
 *   and once the entry commits calls {@link MessageStore.dispatchCommitted}. Records below
 *   {@link MessageStore.dividedOffset} are read from the legacy plain commitlog (the master/slave → DLedger upgrade).
 *
 * On open, consume queues are trimmed to the commitlog and everything is re-dispatched from the lowest physical
 * offset (legacy records included): consume queues that are missing (a new root) are rebuilt, units already present
 * are skipped, and the memory-only key index is rebuilt. The topic queue table is then recovered from the queues.
 * @module
 */
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ClientStateError, ProtocolError, ValidationError } from '../../errors.js';
import { CommitLog } from './commitlog.js';
import { ConfigStore } from './config-store.js';
import { type BoundaryType, ConsumeQueue, CQ_UNIT_SIZE, type CqUnit, unitAt } from './consume-queue.js';
import { CommitLogReadCache } from './read-cache.js';
import { KeyIndex } from './key-index.js';
import { parsePropertiesString, parseRecord, patchPhysicalOffset, PropsText, PropsView, readLong, tagsCodeOf, TransactionType, type PropertyLookup, type RecordView } from './record.js';
import { QueueKeys } from './queue-keys.js';
import { RecordEncoder } from './record-encoder.js';
import type {
  CommitLogSource,
  GetMessagesOptions,
  GetMessagesResult,
  GetMessageStatus,
  MessageStoreOptions,
  PreparedRecord,
  PutMessageInput,
  PutMessageResult,
  QueryResult,
  StoreMode,
} from './types.js';

// The option and result shapes live in types.ts (with the store's other types); re-exported for existing imports.
export type { GetMessagesOptions, MessageStoreOptions, QueryResult } from './types.js';

/** Where a put goes; `counts`: it takes queue offset `queueOffset` of topicQueueTable entry `key`. */
type QueueSlot = { queueOffset: number; storeTimestamp: number; key: string; counts: boolean };

/** The mock broker's message store. */
export class MessageStore {
  /** Store mode. */
  readonly mode: StoreMode;
  /** `storePathRootDir`. */
  readonly rootDir: string;
  /** The plain commitlog (the legacy one in dledger mode). */
  readonly commitLog: CommitLog;
  /** Pull-path window cache over the plain commitlog (see read-cache.ts). */
  private readonly readCache = new CommitLogReadCache(
    (offset, maxBytes) => this.commitLog.readRaw(offset, maxBytes),
    () => this.commitLog.mappedFileSize,
  );
  /** Key / unique-key index (memory only, rebuilt on open). */
  readonly index = new KeyIndex();
  /** The config/ files. */
  readonly config: ConfigStore;
  /**
   * DLedger mode: physical offsets below this are legacy records, at or above come from the source
   * (0 without a legacy log). Undefined in plain mode.
   */
  readonly dividedOffset: number | undefined;
  private source: CommitLogSource | undefined;
  private readonly queues = new Map<string, Map<number, ConsumeQueue>>();
  private readonly topicQueueTable = new Map<string, number>();
  private readonly queueKeys = new QueueKeys();
  private readonly cqFileSize: number | undefined;
  private readonly encoder: RecordEncoder;
  private readonly now: () => number;
  private readonly maxTransferBytes: number;
  private readonly maxTransferCount: number;
  private readonly maxQueryNum: number;
  /** Next commitlog offset to dispatch (plain: the plain log; dledger: the source). */
  private reputOffset = 0;
  private lastIndexPhys = 0;
  private lastIndexTime = 0;
  private closed = false;

  /** Opens (and recovers) everything under `storePathRootDir`. */
  constructor(options: MessageStoreOptions) {
    this.mode = options.mode ?? 'plain';
    this.rootDir = options.storePathRootDir;
    this.cqFileSize = options.consumeQueueFileSize;
    this.encoder = new RecordEncoder(options.storeHost ?? '127.0.0.1:10911');
    this.now = options.now ?? Date.now;
    this.maxTransferBytes = options.maxTransferBytes ?? 256 * 1024;
    this.maxTransferCount = options.maxTransferCount ?? 32;
    this.maxQueryNum = options.maxQueryNum ?? 64;
    this.commitLog = new CommitLog({
      dir: options.storePathCommitLog ?? join(this.rootDir, 'commitlog'),
      mappedFileSize: options.mappedFileSize,
    });
    try {
      this.config = new ConfigStore({ storePathRootDir: this.rootDir });
      if (this.mode === 'dledger') {
        // DLedgerCommitLog: seal the last legacy file so DLedger starts on the next file boundary. Later starts
        // find the file already sealed and compute the same boundary.
        this.dividedOffset = this.commitLog.padLastFile();
      }
      this.loadConsumeQueues();
      // Units pointing past the plain log's end (a torn tail cut by recovery) go. In dledger mode units at or above
      // the divide belong to the source and are checked when it is attached.
      if (this.mode === 'plain') for (const cq of this.allQueues()) cq.truncateByPhysOffset(this.commitLog.maxOffset);
      this.dispatchPlain(this.commitLog.minOffset);
      if (this.mode === 'dledger') this.reputOffset = this.dividedOffset ?? 0;
      this.recoverTopicQueueTable();
      if (options.source !== undefined) this.attachSource(options.source);
    } catch (err) {
      this.closeFiles();
      throw err;
    }
  }

  /** The attached DLedger source, if any. */
  get commitLogSource(): CommitLogSource | undefined {
    return this.source;
  }

  /**
   * DLedger mode: attaches the committed Raft log. Consume-queue units and index entries at or past its committed
   * end are dropped (DLedgerCommitLog's abnormal recovery), then every committed record is dispatched and the topic
   * queue table recovered.
   */
  attachSource(source: CommitLogSource): void {
    this.checkOpen();
    if (this.mode !== 'dledger') throw new ValidationError('a commitlog source is only used in dledger mode');
    this.source = source;
    const divide = this.dividedOffset ?? 0;
    const cut = Math.max(source.maxOffset, divide);
    for (const cq of this.allQueues()) cq.truncateByPhysOffset(cut);
    this.index.truncateFrom(cut);
    this.reputOffset = divide;
    for (const rec of source.scan(divide)) this.dispatchCommitted(rec.physOffset, rec.bytes);
    this.recoverTopicQueueTable();
  }

  /**
   * Plain mode: stores one message — assigns the queue offset, appends, dispatches.
   * @throws ValidationError in dledger mode or for a record that cannot be encoded or does not fit a file.
   */
  putMessage(input: PutMessageInput): PutMessageResult {
    this.checkOpen();
    if (this.mode !== 'plain') throw new ValidationError('putMessage is for plain mode; use prepareRecord in dledger mode');
    // Planned (checked, measured), then written straight into the commitlog's buffer at its offset.
    const enc = this.slot(input);
    const { queueOffset, storeTimestamp } = enc;
    const { physOffset, size } = this.commitLog.appendPlanned(this.encoder.plan(input, queueOffset, storeTimestamp));
    this.advance(enc);
    // Catch up on records written but not yet dispatched (none in the common case: skip the read-back scan then).
    if (this.reputOffset < physOffset) this.dispatchPlain(this.reputOffset, physOffset);
    // The record just written is in hand, and so are its fields: dispatch without parsing it back. Properties given
    // as a string (copies of stored records, batch messages) are searched for the few names dispatch reads.
    if (this.reputOffset <= physOffset) {
      const p = input.properties;
      // SYSFLAG's transaction bits are stored as given (only the host bits are rewritten).
      const fields = { topic: input.topic, queueId: input.queueId, queueOffset, sysFlag: input.sysFlag ?? 0, storeTimestamp };
      this.dispatchFields(physOffset, size, fields, typeof p === 'string' ? new PropsText(p) : new PropsView(p));
      this.reputOffset = physOffset + size;
    }
    return { physOffset, queueOffset, storeTimestamp, size, offsetMsgId: this.encoder.offsetMsgId(physOffset, input.storeHost) };
  }

  /**
   * DLedger mode: encodes a record with PHYSICALOFFSET 0 and takes its queue offset now (the real broker advances
   * it right after the local append, under the same lock; JS's single thread gives the same ordering).
   */
  prepareRecord(input: PutMessageInput): PreparedRecord {
    this.checkOpen();
    if (this.mode !== 'dledger') throw new ValidationError('prepareRecord is for dledger mode');
    const enc = this.slot(input);
    const { queueOffset, storeTimestamp, key } = enc;
    const bytes = this.encoder.encode(input, queueOffset, storeTimestamp);
    this.advance(enc);
    const taken = this.topicQueueTable.get(key);
    return {
      bytes,
      topic: input.topic,
      queueId: input.queueId,
      queueOffset,
      storeTimestamp,
      commit: (physOffset: number): PutMessageResult => {
        patchPhysicalOffset(bytes, physOffset);
        return { physOffset, queueOffset, storeTimestamp, size: bytes.length, offsetMsgId: this.encoder.offsetMsgId(physOffset, input.storeHost) };
      },
      abort: (): void => {
        if (taken === undefined || taken !== queueOffset + 1) return;
        if (this.topicQueueTable.get(key) !== taken) {
          throw new ValidationError(`cannot give back queue offset ${queueOffset} of ${key}: a later record took one`);
        }
        this.topicQueueTable.set(key, queueOffset);
      },
    };
  }

  /**
   * DLedger mode: builds the consume queue and index for one **committed** record. Call in commit order.
   * @throws ProtocolError when the bytes are not a record or PHYSICALOFFSET does not match.
   */
  dispatchCommitted(physOffset: number, recordBytes: Buffer): void {
    this.checkOpen();
    if (this.mode !== 'dledger') throw new ValidationError('dispatchCommitted is for dledger mode');
    this.dispatch(physOffset, recordBytes);
    this.reputOffset = Math.max(this.reputOffset, physOffset + recordBytes.length);
  }

  /** Plain mode: dispatches whatever the commitlog holds past the last dispatched record (HA slave). */
  reputFromCommitLog(): number {
    this.checkOpen();
    if (this.mode !== 'plain') throw new ValidationError('reputFromCommitLog is for plain mode');
    return this.dispatchPlain(this.reputOffset);
  }

  /** Resets the topic queue table from the consume queues' max offsets (what a new DLedger leader does). */
  recoverTopicQueueTable(): void {
    this.topicQueueTable.clear();
    for (const cq of this.allQueues()) this.topicQueueTable.set(`${cq.topic}-${cq.queueId}`, cq.maxOffset);
  }

  /** Next queue offset per `topic-queueId` (the real topicQueueTable). */
  get queueOffsetTable(): ReadonlyMap<string, number> {
    return this.topicQueueTable;
  }

  /** Pulls up to `maxMsgNums` records from `offset` (DefaultMessageStore#getMessage). */
  getMessages(topic: string, queueId: number, offset: number, maxMsgNums: number, options: GetMessagesOptions = {}): GetMessagesResult {
    this.checkOpen();
    const cq = this.queues.get(topic)?.get(queueId);
    const minOffset = cq?.minOffset ?? 0;
    const maxOffset = cq?.maxOffset ?? 0;
    const answer = (status: GetMessageStatus, nextBeginOffset: number, records: Buffer[] = []): GetMessagesResult => ({
      status,
      records,
      nextBeginOffset,
      minOffset,
      maxOffset,
    });
    const correct = (to: number): number => (options.correctOffset === false ? offset : to);
    if (cq === undefined || maxOffset === 0) return answer('NO_MESSAGE_IN_QUEUE', correct(0));
    if (offset < minOffset) return answer('OFFSET_TOO_SMALL', correct(minOffset));
    if (offset === maxOffset) return answer('OFFSET_OVERFLOW_ONE', offset);
    if (offset > maxOffset) {
      const to = options.overflowBadly === 'max' || minOffset !== 0 ? maxOffset : 0;
      return answer('OFFSET_OVERFLOW_BADLY', correct(to));
    }
    const maxBytes = options.maxBytes ?? this.maxTransferBytes;
    const maxCount = Math.min(Math.max(1, maxMsgNums), this.maxTransferCount);
    const scanLimit = Math.max(16000, maxCount * 20);
    const minPhys = this.getMinPhyOffset();
    const records: Buffer[] = [];
    let bytes = 0;
    let status: GetMessageStatus = 'NO_MATCHED_MESSAGE';
    let q = offset;
    // Units come in chunks (one read each) rather than one read per unit.
    let units: Buffer = Buffer.alloc(0);
    let unitsFrom = q;
    for (let scanned = 0; q < maxOffset && scanned < scanLimit; scanned++, q++) {
      if ((q - unitsFrom) * CQ_UNIT_SIZE >= units.length) {
        units = cq.readUnits(q, Math.min(maxCount + 32, scanLimit - scanned));
        unitsFrom = q;
        if (units.length === 0) break;
      }
      const unit = unitAt(units, q - unitsFrom);
      if (records.length > 0 && (records.length >= maxCount || bytes + unit.size > maxBytes)) break;
      if (unit.physOffset < minPhys) continue;
      if (options.matchTagsCode !== undefined && !options.matchTagsCode(unit.tagsCode)) continue;
      const rec = this.readForPull(unit, queueId, q);
      if (rec === undefined) {
        if (records.length === 0) status = 'MESSAGE_WAS_REMOVING';
        continue;
      }
      records.push(rec);
      bytes += rec.length;
      status = 'FOUND';
    }
    return answer(status, q, records);
  }

  /**
   * A record for a pull: from the read cache when it lives in the plain commitlog, checked against its unit (a
   * truncated and rewritten region clears the cache), else {@link viewByOffset}.
   */
  private readForPull(unit: CqUnit, queueId: number, queueOffset: number): Buffer | undefined {
    if (this.mode === 'plain' || unit.physOffset < (this.dividedOffset ?? 0)) {
      const rec = this.readCache.get(unit.physOffset, unit.size);
      if (rec !== undefined && rec.length >= 28 && rec.readInt32BE(0) === unit.size && rec.readInt32BE(12) === queueId && readLong(rec, 20) === queueOffset) {
        return rec;
      }
      this.readCache.clear();
    }
    return this.viewByOffset(unit.physOffset);
  }

  /** The record at a physical offset, from the legacy log below the divide or the source above it. */
  viewByOffset(physOffset: number): Buffer | undefined {
    this.checkOpen();
    if (this.mode === 'plain' || physOffset < (this.dividedOffset ?? 0)) return this.commitLog.read(physOffset);
    return this.source?.read(physOffset);
  }

  /** Records whose KEYS or UNIQ_KEY is `key`, stored within `[begin, end]`, newest first (QUERY_MESSAGE). */
  queryByKey(topic: string, key: string, maxNum: number, begin = 0, end = Number.MAX_SAFE_INTEGER): QueryResult {
    return this.query(topic, key, maxNum, begin, end, undefined);
  }

  /** Records whose UNIQ_KEY is `uniqKey` (queryMessageByUniqKey / VIEW by client msgId). */
  queryByUniqKey(topic: string, uniqKey: string, maxNum: number, begin = 0, end = Number.MAX_SAFE_INTEGER): QueryResult {
    return this.query(topic, uniqKey, maxNum, begin, end, 'uniq');
  }

  /** Max offset (next offset to be written) of a queue; 0 for an unknown queue. */
  getMaxOffset(topic: string, queueId: number): number {
    return this.queues.get(topic)?.get(queueId)?.maxOffset ?? 0;
  }

  /** Min offset of a queue; 0 for an unknown queue. */
  getMinOffset(topic: string, queueId: number): number {
    return this.queues.get(topic)?.get(queueId)?.minOffset ?? 0;
  }

  /** End of the readable commitlog (committed end in dledger mode). */
  getMaxPhyOffset(): number {
    if (this.mode === 'plain') return this.commitLog.maxOffset;
    return Math.max(this.source?.maxOffset ?? 0, this.dividedOffset ?? 0);
  }

  /** Lowest readable physical offset. */
  getMinPhyOffset(): number {
    if (this.mode === 'plain' || this.commitLog.maxOffset > 0) return this.commitLog.minOffset;
    return this.source?.minOffset ?? this.dividedOffset ?? 0;
  }

  /** Queue offset for a store time ('lower': first stored at or after `timestamp`). */
  searchOffsetByTimestamp(topic: string, queueId: number, timestamp: number, boundary: BoundaryType = 'lower'): number {
    const cq = this.queues.get(topic)?.get(queueId);
    if (cq === undefined) return 0;
    return cq.searchOffsetByTimestamp(timestamp, (p) => this.timeAt(p), boundary);
  }

  /**
   * STORETIMESTAMP of the oldest message: of the whole store, or of one queue when `topic`/`queueId` are given.
   * -1 when there is none.
   */
  getEarliestMsgStoreTime(topic?: string, queueId?: number): number {
    if (topic !== undefined && queueId !== undefined) return this.getStoreTimestamp(topic, queueId, this.getMinOffset(topic, queueId));
    for (const rec of this.commitLog.scan()) return parseRecord(rec.bytes).storeTimestamp;
    if (this.source !== undefined) for (const rec of this.source.scan(this.dividedOffset ?? 0)) return parseRecord(rec.bytes).storeTimestamp;
    return -1;
  }

  /** STORETIMESTAMP of the message at a queue offset, or -1. */
  getStoreTimestamp(topic: string, queueId: number, queueOffset: number): number {
    const unit = this.queues.get(topic)?.get(queueId)?.get(queueOffset);
    return unit === undefined ? -1 : (this.timeAt(unit.physOffset) ?? -1);
  }

  /** Consume-queue unit at a queue offset (for the broker's delay service and admin tools). */
  getUnit(topic: string, queueId: number, queueOffset: number): CqUnit | undefined {
    return this.queues.get(topic)?.get(queueId)?.get(queueOffset);
  }

  /** Topics with consume queues, and their queue ids. */
  topicQueues(): Map<string, number[]> {
    const out = new Map<string, number[]>();
    for (const [t, m] of this.queues) out.set(t, [...m.keys()].sort((a, b) => a - b));
    return out;
  }

  /** Deletes a topic's consume queues and queue-table entries (DELETE_TOPIC_IN_BROKER); the commitlog stays. */
  deleteTopic(topic: string): void {
    this.checkOpen();
    const m = this.queues.get(topic);
    for (const cq of m?.values() ?? []) {
      cq.destroy();
      cq.close();
    }
    this.queues.delete(topic);
    for (const k of [...this.topicQueueTable.keys()]) if (k.startsWith(`${topic}-`) && /^\d+$/.test(k.slice(topic.length + 1))) this.topicQueueTable.delete(k);
    rmSync(join(this.rootDir, 'consumequeue', topic), { recursive: true, force: true });
  }

  /** Flushes config offsets and closes every file. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.config.close();
    this.closeFiles();
  }

  // ---------------------------------------------------------------------------------------------------------------

  private checkOpen(): void {
    if (this.closed) throw new ClientStateError('message store is closed');
  }

  private closeFiles(): void {
    for (const cq of this.allQueues()) cq.close();
    this.commitLog.close();
  }

  private *allQueues(): Generator<ConsumeQueue> {
    for (const m of this.queues.values()) yield* m.values();
  }

  private consumeQueue(topic: string, queueId: number): ConsumeQueue {
    let m = this.queues.get(topic);
    if (m === undefined) {
      m = new Map();
      this.queues.set(topic, m);
    }
    let cq = m.get(queueId);
    if (cq === undefined) {
      cq = new ConsumeQueue({ dir: join(this.rootDir, 'consumequeue', topic, String(queueId)), topic, queueId, mappedFileSize: this.cqFileSize });
      m.set(queueId, cq);
    }
    return cq;
  }

  private loadConsumeQueues(): void {
    const root = join(this.rootDir, 'consumequeue');
    if (!existsSync(root)) return;
    for (const topic of readdirSync(root)) {
      if (!statSync(join(root, topic)).isDirectory()) continue;
      for (const q of readdirSync(join(root, topic))) {
        if (/^\d+$/.test(q) && statSync(join(root, topic, q)).isDirectory()) this.consumeQueue(topic, Number(q));
      }
    }
  }

  private slot(input: PutMessageInput): QueueSlot {
    if (typeof input.topic !== 'string' || input.topic === '') throw new ValidationError('topic is required');
    if (!Number.isInteger(input.queueId) || input.queueId < 0) throw new ValidationError(`bad queueId ${String(input.queueId)}`);
    const key = this.queueKeys.get(input.topic, input.queueId);
    const tran = (input.sysFlag ?? 0) & 0xc;
    // Prepared and rolled-back transaction records get no queue offset (CommitLog#doAppend).
    const counts = tran === TransactionType.NOT_TYPE || tran === TransactionType.COMMIT;
    const queueOffset = counts ? (this.topicQueueTable.get(key) ?? 0) : 0;
    const storeTimestamp = input.storeTimestamp ?? this.now();
    return { queueOffset, storeTimestamp, key, counts };
  }

  /** Takes the queue offset of a slot (once its record is appended or prepared). */
  private advance(enc: QueueSlot): void {
    if (enc.counts) this.topicQueueTable.set(enc.key, enc.queueOffset + 1);
  }

  private dispatchPlain(from: number, before = Number.MAX_SAFE_INTEGER): number {
    let n = 0;
    for (const rec of this.commitLog.scan(from)) {
      if (rec.physOffset >= before) break;
      this.dispatch(rec.physOffset, rec.bytes);
      this.reputOffset = rec.physOffset + rec.bytes.length;
      n++;
    }
    return n;
  }

  /** CommitLogDispatcherBuildConsumeQueue + CommitLogDispatcherBuildIndex for one record. */
  private dispatch(physOffset: number, bytes: Buffer): void {
    const v = parseRecord(bytes);
    if (v.physOffset !== physOffset) {
      throw new ProtocolError(`record at ${physOffset} says PHYSICALOFFSET ${v.physOffset}`);
    }
    this.dispatchFields(physOffset, v.totalSize, v, parsePropertiesString(v.properties));
  }

  /** Consume-queue unit and index entries of one record, from its fields. */
  private dispatchFields(physOffset: number, size: number, v: Pick<RecordView, 'topic' | 'queueId' | 'queueOffset' | 'sysFlag' | 'storeTimestamp'>, props: PropertyLookup): void {
    const tran = v.sysFlag & 0xc;
    if (tran === TransactionType.NOT_TYPE || tran === TransactionType.COMMIT) {
      this.consumeQueue(v.topic, v.queueId).put(v.queueOffset, { physOffset, size, tagsCode: tagsCodeOf(v.topic, props, v.storeTimestamp) });
    }
    if (tran === TransactionType.ROLLBACK) return;
    const keys = props.get('KEYS');
    if (keys !== undefined) for (const k of keys.split(' ')) if (k !== '') this.index.add(v.topic, k, physOffset, v.storeTimestamp, 'key');
    const uniq = props.get('UNIQ_KEY');
    if (uniq !== undefined) this.index.add(v.topic, uniq, physOffset, v.storeTimestamp, 'uniq');
    if (physOffset >= this.lastIndexPhys) {
      this.lastIndexPhys = physOffset;
      this.lastIndexTime = v.storeTimestamp;
    }
  }

  private query(topic: string, key: string, maxNum: number, begin: number, end: number, kind: 'uniq' | undefined): QueryResult {
    this.checkOpen();
    const n = Math.max(0, Math.min(maxNum, this.maxQueryNum));
    const records: Buffer[] = [];
    for (const p of this.index.query(topic, key, n, begin, end, kind)) {
      const r = this.viewByOffset(p);
      if (r !== undefined) records.push(r);
    }
    return { records, indexLastUpdateTimestamp: this.lastIndexTime, indexLastUpdatePhyoffset: this.lastIndexPhys };
  }

  private timeAt(physOffset: number): number | undefined {
    const r = this.viewByOffset(physOffset);
    if (r === undefined) return undefined;
    try {
      return parseRecord(r).storeTimestamp;
    } catch {
      return undefined;
    }
  }
}

