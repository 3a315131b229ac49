import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ProtocolError, ValidationError } from '../../../../src/errors.js';
import { decodeStoredMessage, decodeStoredMessages } from '../../../../src/message/stored.js';
import { MessageStore } from '../../../../src/mock/store/message-store.js';
import { BLANK_MAGIC_CODE, patchPhysicalOffset } from '../../../../src/mock/store/record.js';
import type { CommitLogSource, PutMessageInput, SourceRecord } from '../../../../src/mock/store/types.js';
import { cleanupDirs, tempDir } from './helpers.js';

afterEach(cleanupDirs);

const SIZE = 16 * 1024;
const HEADER = 48;

/**
 * A DLedger-like log for the test: entries laid out from `startPos` with a 48-byte header, rolling to the next
 * file boundary (DLedger's pad) when an entry does not fit; physical offset = pos + 48; only committed entries
 * are visible.
 */
class FakeDLedgerLog implements CommitLogSource {
  readonly entries: { phys: number; bytes: Buffer }[] = [];
  committed = 0;
  private pos: number;
  constructor(startPos: number, private readonly fileSize = SIZE) {
    this.pos = startPos;
  }
  /** Local append: patches PHYSICALOFFSET = pos + 48 as the append hook does. */
  append(bytes: Buffer): number {
    const len = HEADER + bytes.length;
    if (this.pos % this.fileSize + len > this.fileSize) this.pos = (Math.floor(this.pos / this.fileSize) + 1) * this.fileSize;
    const phys = this.pos + HEADER;
    patchPhysicalOffset(bytes, phys);
    this.entries.push({ phys, bytes: Buffer.from(bytes) });
    this.pos += len;
    return phys;
  }
  commitTo(n: number): SourceRecord[] {
    const fresh = this.entries.slice(this.committed, n).map((e) => ({ physOffset: e.phys, bytes: e.bytes }));
    this.committed = n;
    return fresh;
  }
  read(physOffset: number): Buffer | undefined {
    return this.entries.slice(0, this.committed).find((e) => e.phys === physOffset)?.bytes;
  }
  get maxOffset(): number {
    const last = this.entries[this.committed - 1];
    return last === undefined ? 0 : last.phys + last.bytes.length;
  }
  get minOffset(): number {
    return this.entries[0]?.phys ?? 0;
  }
  *scan(from: number): Iterable<SourceRecord> {
    for (const e of this.entries.slice(0, this.committed)) if (e.phys >= from) yield { physOffset: e.phys, bytes: e.bytes };
  }
}

function msg(i: number, queueId = i % 2): PutMessageInput {
  return {
    topic: 'TopicD',
    queueId,
    body: Buffer.from(`payload ${i} ${'z'.repeat(200 + (i % 5) * 100)}`),
    bornTimestamp: 1_700_000_000_000 + i,
    bornHost: '10.0.0.7:41000',
    properties: { KEYS: `key-${i} all`, UNIQ_KEY: `U-${i}`, TAGS: 'TagD' },
  };
}

function clock(): () => number {
  let t = 5_000_000;
  return () => (t += 7);
}

/** Writes `count` messages with a plain (pre-upgrade) store. */
function legacy(root: string, count: number, commitlogDir?: string): number[] {
  const store = new MessageStore({ storePathRootDir: root, storePathCommitLog: commitlogDir, mappedFileSize: SIZE, now: clock() });
  const phys = Array.from({ length: count }, (_, i) => store.putMessage(msg(i)).physOffset);
  store.config.putTopic({ topicName: 'TopicD', readQueueNums: 2, writeQueueNums: 2, perm: 6, topicFilterType: 'SINGLE_TAG', topicSysFlag: 0, order: false });
  store.close();
  return phys;
}

/** The leader's path for one message: prepare, local append (patch), commit result; dispatch when committed. */
function send(store: MessageStore, log: FakeDLedgerLog, input: PutMessageInput) {
  const prepared = store.prepareRecord(input);
  const phys = log.append(prepared.bytes);
  return prepared.commit(phys);
}

function pullAll(store: MessageStore, queueId: number) {
  const out = [];
  let offset = 0;
  for (;;) {
    const r = store.getMessages('TopicD', queueId, offset, 32);
    if (r.status !== 'FOUND') return out;
    out.push(...decodeStoredMessages(Buffer.concat(r.records)));
    offset = r.nextBeginOffset;
  }
}

describe('MessageStore (dledger mode, legacy commitlog upgrade)', () => {
  it('pads the legacy log, divides at the next file boundary, continues queue offsets and reads across the divide', () => {
    const root = tempDir();
    const legacyPhys = legacy(root, 60);
    const legacyFiles = readdirSync(join(root, 'commitlog')).sort();
    const lastStart = Number(legacyFiles[legacyFiles.length - 1]);

    const log = new FakeDLedgerLog(lastStart + SIZE);
    let store = new MessageStore({ storePathRootDir: root, mappedFileSize: SIZE, mode: 'dledger', source: log, now: clock() });
    expect(store.dividedOffset).toBe(lastStart + SIZE);
    // The last legacy file is sealed with a blank record.
    const lastFile = readFileSync(join(root, 'commitlog', legacyFiles[legacyFiles.length - 1]));
    expect(lastFile.length).toBe(SIZE);
    const end = legacyPhys[legacyPhys.length - 1] - lastStart + store.viewByOffset(legacyPhys[legacyPhys.length - 1])!.length;
    expect(lastFile.readInt32BE(end + 4)).toBe(BLANK_MAGIC_CODE);
    expect(lastFile.readInt32BE(end)).toBe(SIZE - end);
    expect(store.queueOffsetTable.get('TopicD-0')).toBe(30);

    const results = Array.from({ length: 40 }, (_, i) => send(store, log, msg(100 + i)));
    expect(results.filter((_, i) => i % 2 === 0).map((r) => r.queueOffset)).toEqual(Array.from({ length: 20 }, (_, k) => 30 + k));
    expect(results.every((r) => r.physOffset >= store.dividedOffset!)).toBe(true);
    expect(decodeStoredMessage(log.entries[3].bytes, 0).message.commitLogOffset).toBe(results[3].physOffset);

    // Nothing is consumable before it commits.
    expect(store.getMaxOffset('TopicD', 0)).toBe(30);
    expect(store.queryByKey('TopicD', 'key-100', 5).records).toEqual([]);
    for (const r of log.commitTo(30)) store.dispatchCommitted(r.physOffset, r.bytes);
    expect(store.getMaxOffset('TopicD', 0)).toBe(45);

    const q0 = pullAll(store, 0);
    expect(q0.map((m) => m.queueOffset)).toEqual(Array.from({ length: 45 }, (_, k) => k));
    expect(q0.filter((m) => m.commitLogOffset < store.dividedOffset!).length).toBe(30);
    expect(store.queryByKey('TopicD', 'key-4', 5).records.length).toBe(1);
    expect(store.queryByKey('TopicD', 'key-104', 5).records.length).toBe(1);
    expect(store.queryByKey('TopicD', 'key-139', 5).records).toEqual([]);
    expect(store.queryByUniqKey('TopicD', 'U-7', 5).records.length).toBe(1);
    expect(store.getMaxPhyOffset()).toBe(log.maxOffset);
    expect(store.getMinPhyOffset()).toBe(0);
    expect(store.getEarliestMsgStoreTime()).toBe(decodeStoredMessage(store.viewByOffset(0)!, 0).message.storeTimestamp);
    store.close();

    // Restart: the divide is recomputed identically, the committed tail is re-dispatched.
    for (const r of log.commitTo(40)) void r;
    store = new MessageStore({ storePathRootDir: root, mappedFileSize: SIZE, mode: 'dledger', source: log, now: clock() });
    expect(store.dividedOffset).toBe(lastStart + SIZE);
    expect(store.getMaxOffset('TopicD', 0)).toBe(50);
    expect(store.queueOffsetTable.get('TopicD-1')).toBe(50);
    expect(pullAll(store, 1).length).toBe(50);
    expect(store.queryByKey('TopicD', 'all', 64).records.length).toBe(64);
    store.close();
  });

  it('rebuilds consume queues and index from a fresh root, legacy records included; config is lost unless copied', () => {
    const oldRoot = tempDir();
    const commitlog = join(oldRoot, 'commitlog');
    legacy(oldRoot, 25);
    const newRoot = tempDir();
    const probe = new MessageStore({ storePathRootDir: newRoot, storePathCommitLog: commitlog, mappedFileSize: SIZE, mode: 'dledger' });
    const divide = probe.dividedOffset!;
    probe.close();

    const log = new FakeDLedgerLog(divide);
    let store = new MessageStore({ storePathRootDir: newRoot, storePathCommitLog: commitlog, mappedFileSize: SIZE, mode: 'dledger', source: log, now: clock() });
    expect(existsSync(join(newRoot, 'consumequeue', 'TopicD', '0'))).toBe(true);
    expect(store.getMaxOffset('TopicD', 0)).toBe(13);
    expect(store.getMaxOffset('TopicD', 1)).toBe(12);
    expect(store.config.topics.size).toBe(0);
    const r = send(store, log, msg(200, 1));
    expect(r.queueOffset).toBe(12);
    for (const c of log.commitTo(1)) store.dispatchCommitted(c.physOffset, c.bytes);
    expect(pullAll(store, 1).map((m) => m.queueOffset)).toEqual(Array.from({ length: 13 }, (_, k) => k));
    expect(store.queryByKey('TopicD', 'key-3', 5).records.length).toBe(1);
    expect(store.searchOffsetByTimestamp('TopicD', 1, 0)).toBe(0);
    store.close();

    // A follower that built nothing yet attaches the source later.
    store = new MessageStore({ storePathRootDir: tempDir(), storePathCommitLog: commitlog, mappedFileSize: SIZE, mode: 'dledger' });
    expect(store.getMaxOffset('TopicD', 1)).toBe(12);
    expect(store.viewByOffset(r.physOffset)).toBeUndefined();
    store.attachSource(log);
    expect(store.getMaxOffset('TopicD', 1)).toBe(13);
    expect(store.viewByOffset(r.physOffset)!.equals(log.entries[0].bytes)).toBe(true);
    store.close();
  });

  it('drops consume-queue units past the committed end when the source is attached (abnormal recovery)', () => {
    const root = tempDir();
    const log = new FakeDLedgerLog(0);
    let store = new MessageStore({ storePathRootDir: root, mappedFileSize: SIZE, mode: 'dledger', source: log, now: clock() });
    expect(store.dividedOffset).toBe(0);
    for (let i = 0; i < 10; i++) send(store, log, msg(i, 0));
    for (const c of log.commitTo(10)) store.dispatchCommitted(c.physOffset, c.bytes);
    expect(store.getMaxOffset('TopicD', 0)).toBe(10);
    store.close();

    // After a failover only 6 entries survive on this node (its unacked tail was truncated).
    const truncated = new FakeDLedgerLog(0);
    log.entries.slice(0, 6).forEach((e) => truncated.append(Buffer.from(e.bytes)));
    truncated.commitTo(6);
    store = new MessageStore({ storePathRootDir: root, mappedFileSize: SIZE, mode: 'dledger', source: truncated, now: clock() });
    expect(store.getMaxOffset('TopicD', 0)).toBe(6);
    expect(store.queryByKey('TopicD', 'key-8', 5).records).toEqual([]);
    // As the new leader, queue offsets continue with no gap.
    store.recoverTopicQueueTable();
    expect(send(store, truncated, msg(50, 0)).queueOffset).toBe(6);
    store.close();
  });

  it('gives a queue offset back on abort, and rejects mismatched dispatches', () => {
    const log = new FakeDLedgerLog(0);
    const store = new MessageStore({ storePathRootDir: tempDir(), mappedFileSize: SIZE, mode: 'dledger', source: log });
    const a = store.prepareRecord(msg(1, 0));
    a.abort();
    const b = store.prepareRecord(msg(2, 0));
    expect(b.queueOffset).toBe(0);
    const c = store.prepareRecord(msg(3, 0));
    expect(() => b.abort()).toThrow(ValidationError);
    expect(c.queueOffset).toBe(1);
    const phys = log.append(b.bytes);
    expect(() => store.dispatchCommitted(phys + 1, b.bytes)).toThrow(ProtocolError);
    expect(() => store.dispatchCommitted(phys, Buffer.alloc(200))).toThrow(ProtocolError);
    expect(() => store.putMessage(msg(4))).toThrow(ValidationError);
    store.close();
  });
});
