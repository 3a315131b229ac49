import { closeSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ClientStateError, ProtocolError, ValidationError } from '../../../../src/errors.js';
import { decodeStoredMessage, decodeStoredMessages } from '../../../../src/message/stored.js';
import { MessageStore, type MessageStoreOptions } from '../../../../src/mock/store/message-store.js';
import { javaStringHashCode } from '../../../../src/mock/store/record.js';
import type { PutMessageInput } from '../../../../src/mock/store/types.js';
import { cleanupDirs, tempDir } from './helpers.js';

afterEach(cleanupDirs);

const SIZE = 16 * 1024;

function msg(i: number, extra: Partial<PutMessageInput> = {}): PutMessageInput {
  return {
    topic: 'TopicA',
    queueId: i % 4,
    body: Buffer.from(`body-${i}-${'x'.repeat(i % 700)}`),
    bornTimestamp: 1_700_000_000_000 + i,
    bornHost: '10.1.2.3:40000',
    properties: { KEYS: `order-${i} shared`, UNIQ_KEY: `UNIQ${String(i).padStart(6, '0')}`, TAGS: i % 2 === 0 ? 'even' : 'odd', WAIT: 'true' },
    ...extra,
  };
}

function clockFrom(start: number): () => number {
  let t = start;
  return () => (t += 10);
}

function openStore(root: string, extra: Partial<MessageStoreOptions> = {}): MessageStore {
  return new MessageStore({ storePathRootDir: root, mappedFileSize: SIZE, consumeQueueFileSize: 200, now: clockFrom(1_000_000), storeHost: '192.168.0.9:10911', ...extra });
}

describe('MessageStore (plain mode)', () => {
  it('puts messages: queue offsets per queue, offsetMsgId, pull by offset', () => {
    const store = openStore(tempDir());
    const results = Array.from({ length: 40 }, (_, i) => store.putMessage(msg(i)));
    expect(results.filter((_, i) => i % 4 === 1).map((r) => r.queueOffset)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const r5 = results[5];
    expect(r5.offsetMsgId).toBe(`C0A80009${(10911).toString(16).toUpperCase().padStart(8, '0')}${r5.physOffset.toString(16).toUpperCase().padStart(16, '0')}`);
    const got = store.getMessages('TopicA', 1, 0, 32);
    expect(got.status).toBe('FOUND');
    expect(got.records.length).toBe(10);
    expect(got.nextBeginOffset).toBe(10);
    expect([got.minOffset, got.maxOffset]).toEqual([0, 10]);
    const decoded = decodeStoredMessages(Buffer.concat(got.records));
    expect(decoded.map((m) => m.queueOffset)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(decoded[1].commitLogOffset).toBe(r5.physOffset);
    expect(decoded[1].offsetMsgId).toBe(r5.offsetMsgId);
    expect(decoded[1].storeHost).toBe('192.168.0.9:10911');
    expect(decoded[1].storeTimestamp).toBe(r5.storeTimestamp);
    expect(store.getMaxOffset('TopicA', 1)).toBe(10);
    expect(store.queueOffsetTable.get('TopicA-1')).toBe(10);
    store.close();
  });

  it('answers the pull statuses of the real store', () => {
    const store = openStore(tempDir());
    expect(store.getMessages('Nope', 0, 0, 32)).toMatchObject({ status: 'NO_MESSAGE_IN_QUEUE', nextBeginOffset: 0 });
    for (let i = 0; i < 8; i++) store.putMessage(msg(i * 4));
    expect(store.getMessages('TopicA', 0, 8, 32)).toMatchObject({ status: 'OFFSET_OVERFLOW_ONE', nextBeginOffset: 8 });
    expect(store.getMessages('TopicA', 0, 20, 32)).toMatchObject({ status: 'OFFSET_OVERFLOW_BADLY', nextBeginOffset: 0 });
    const some = store.getMessages('TopicA', 0, 2, 3);
    expect(some.status).toBe('FOUND');
    expect(some.records.length).toBe(3);
    expect(some.nextBeginOffset).toBe(5);
    // A byte cap still returns at least one message.
    expect(store.getMessages('TopicA', 0, 0, 32, { maxBytes: 1 }).records.length).toBe(1);
    // Tag filtering on tagsCode: every message in queue 0 is 'even'.
    const odd = javaStringHashCode('odd');
    const none = store.getMessages('TopicA', 0, 0, 32, { matchTagsCode: (c) => c === odd });
    expect(none).toMatchObject({ status: 'NO_MATCHED_MESSAGE', nextBeginOffset: 8, records: [] });
    const even = javaStringHashCode('even');
    expect(store.getMessages('TopicA', 0, 0, 32, { matchTagsCode: (c) => c === even }).records.length).toBe(8);
    expect(store.getUnit('TopicA', 0, 0)!.tagsCode).toBe(even);
    store.close();
  });

  it('finds messages by key and unique key within a store-time range', () => {
    const store = openStore(tempDir());
    const res = Array.from({ length: 30 }, (_, i) => store.putMessage(msg(i)));
    const one = store.queryByKey('TopicA', 'order-7', 10);
    expect(one.records.length).toBe(1);
    expect(decodeStoredMessage(one.records[0], 0).message.commitLogOffset).toBe(res[7].physOffset);
    const shared = store.queryByKey('TopicA', 'shared', 100);
    expect(shared.records.length).toBe(30);
    // Newest first.
    expect(decodeStoredMessage(shared.records[0], 0).message.commitLogOffset).toBe(res[29].physOffset);
    // maxNum and the time range.
    expect(store.queryByKey('TopicA', 'shared', 5).records.length).toBe(5);
    const ranged = store.queryByKey('TopicA', 'shared', 100, res[10].storeTimestamp, res[14].storeTimestamp);
    expect(ranged.records.map((r) => decodeStoredMessage(r, 0).message.queueOffset)).toEqual([3, 3, 3, 2, 2].map((_, k) => res[14 - k].queueOffset));
    expect(store.queryByKey('TopicB', 'shared', 100).records).toEqual([]);
    const u = store.queryByUniqKey('TopicA', 'UNIQ000012', 32);
    expect(u.records.length).toBe(1);
    expect(decodeStoredMessage(u.records[0], 0).message.msgId).toBe('UNIQ000012');
    // A business key is not a unique key.
    expect(store.queryByUniqKey('TopicA', 'order-12', 32).records).toEqual([]);
    expect(u.indexLastUpdatePhyoffset).toBe(res[29].physOffset);
    expect(u.indexLastUpdateTimestamp).toBe(res[29].storeTimestamp);
    store.close();
  });

  it('recovers records, consume queues, index and queue offsets after a restart; rebuilds missing queues', () => {
    const root = tempDir();
    let store = openStore(root);
    const res = Array.from({ length: 120 }, (_, i) => store.putMessage(msg(i)));
    expect(store.commitLog.fileStarts.length).toBeGreaterThan(1);
    store.close();
    expect(() => store.getMessages('TopicA', 0, 0, 1)).toThrow(ClientStateError);

    store = openStore(root);
    expect(store.getMaxOffset('TopicA', 3)).toBe(30);
    expect(store.queryByKey('TopicA', 'order-77', 5).records.length).toBe(1);
    expect(store.putMessage(msg(120)).queueOffset).toBe(30);
    store.close();

    // New consume queues from the commitlog alone (the directory is gone).
    rmSync(join(root, 'consumequeue'), { recursive: true });
    store = openStore(root);
    expect([0, 1, 2, 3].map((q) => store.getMaxOffset('TopicA', q))).toEqual([31, 30, 30, 30]);
    const all = [0, 1, 2, 3].flatMap((q) => decodeStoredMessages(Buffer.concat(store.getMessages('TopicA', q, 0, 32).records)));
    expect(all.length).toBe(121);
    expect(new Set(all.map((m) => m.commitLogOffset))).toEqual(new Set([...res.map((r) => r.physOffset), all.find((m) => m.queueOffset === 30)!.commitLogOffset]));
    expect(store.queryByUniqKey('TopicA', 'UNIQ000003', 5).records.length).toBe(1);
    store.close();
  });

  it('drops consume-queue units whose record was torn off the commitlog', () => {
    const root = tempDir();
    let store = openStore(root);
    const res = Array.from({ length: 12 }, (_, i) => store.putMessage(msg(i)));
    const last = res[11];
    const path = store.commitLog.pathOf(last.physOffset)!;
    store.close();
    // Tear the last record in half.
    const fd = openSync(path, 'r+');
    writeSync(fd, Buffer.alloc(last.size, 0), 0, last.size, last.physOffset - Number(path.slice(-20)));
    closeSync(fd);
    expect(statSync(path).size).toBeGreaterThan(0);
    store = openStore(root);
    expect(store.commitLog.maxOffset).toBe(last.physOffset);
    expect(store.getMaxOffset('TopicA', 3)).toBe(2);
    expect(store.queryByKey('TopicA', 'order-11', 5).records).toEqual([]);
    const again = store.putMessage(msg(11));
    expect([again.physOffset, again.queueOffset]).toEqual([last.physOffset, 2]);
    store.close();
  });

  it('keeps prepared and rolled-back transaction records out of the consume queue', () => {
    const store = openStore(tempDir());
    store.putMessage(msg(0));
    const prepared = store.putMessage(msg(4, { sysFlag: 0x4, properties: { KEYS: 'tx', TRAN_MSG: 'true' } }));
    const rollback = store.putMessage(msg(8, { sysFlag: 0xc, properties: { KEYS: 'tx' } }));
    expect([prepared.queueOffset, rollback.queueOffset]).toEqual([0, 0]);
    expect(store.putMessage(msg(12)).queueOffset).toBe(1);
    expect(store.getMaxOffset('TopicA', 0)).toBe(2);
    // Prepared records are indexed, rolled-back ones are not (IndexService#buildIndex).
    expect(store.queryByKey('TopicA', 'tx', 10).records.length).toBe(1);
    expect(store.viewByOffset(rollback.physOffset)).toBeDefined();
    store.close();
  });

  it('searches offsets by time and reports the earliest store time', () => {
    const store = openStore(tempDir());
    const res = Array.from({ length: 20 }, (_, i) => store.putMessage(msg(i * 4)));
    expect(store.searchOffsetByTimestamp('TopicA', 0, res[7].storeTimestamp)).toBe(7);
    expect(store.searchOffsetByTimestamp('TopicA', 0, res[7].storeTimestamp + 1)).toBe(8);
    expect(store.searchOffsetByTimestamp('TopicA', 0, 0)).toBe(0);
    expect(store.searchOffsetByTimestamp('TopicA', 0, Number.MAX_SAFE_INTEGER)).toBe(20);
    expect(store.getEarliestMsgStoreTime()).toBe(res[0].storeTimestamp);
    expect(store.getEarliestMsgStoreTime('TopicA', 0)).toBe(res[0].storeTimestamp);
    expect(store.getEarliestMsgStoreTime('Nope', 0)).toBe(-1);
    expect(store.getStoreTimestamp('TopicA', 0, 3)).toBe(res[3].storeTimestamp);
    store.close();
  });

  it('replicates to an HA slave with raw copies and reput', () => {
    const master = openStore(tempDir());
    const slave = openStore(tempDir());
    for (let i = 0; i < 50; i++) master.putMessage(msg(i));
    while (slave.commitLog.maxOffset < master.commitLog.maxOffset) {
      slave.commitLog.appendRaw(slave.commitLog.maxOffset, master.commitLog.readRaw(slave.commitLog.maxOffset, 5000));
      slave.reputFromCommitLog();
    }
    expect(slave.commitLog.digest()).toBe(master.commitLog.digest());
    expect(slave.getMaxOffset('TopicA', 2)).toBe(master.getMaxOffset('TopicA', 2));
    expect(slave.queryByKey('TopicA', 'order-49', 1).records[0].equals(master.queryByKey('TopicA', 'order-49', 1).records[0])).toBe(true);
    master.close();
    slave.close();
  });

  it('rejects bad input with typed errors', () => {
    const store = openStore(tempDir());
    expect(() => store.putMessage(msg(1, { topic: '' }))).toThrow(ValidationError);
    expect(() => store.putMessage(msg(1, { queueId: -1 }))).toThrow(ValidationError);
    expect(() => store.putMessage(msg(1, { bornHost: 'nonsense' }))).toThrow(ValidationError);
    expect(() => store.putMessage(msg(1, { body: Buffer.alloc(SIZE) }))).toThrow(ValidationError);
    expect(() => store.prepareRecord(msg(1))).toThrow(ValidationError);
    expect(() => store.dispatchCommitted(0, Buffer.alloc(100))).toThrow(ValidationError);
    expect(store.viewByOffset(123456789)).toBeUndefined();
    expect(store.getMaxOffset('TopicA', 1)).toBe(0);
    store.close();
    store.close();
    expect(() => store.putMessage(msg(1))).toThrow(ClientStateError);
    expect(ProtocolError).toBeDefined();
  });
});

describe('MessageStore (property)', () => {
  it('any mix of puts, restarts and lost consume queues pulls back exactly what was put', async () => {
    const fc = (await import('fast-check')).default;
    type Op = { kind: 'put'; queueId: number; len: number } | { kind: 'restart' } | { kind: 'dropCq' };
    const op = fc.oneof(
      { weight: 8, arbitrary: fc.record({ kind: fc.constant('put' as const), queueId: fc.integer({ min: 0, max: 2 }), len: fc.integer({ min: 0, max: 2000 }) }) },
      { weight: 1, arbitrary: fc.constant({ kind: 'restart' as const }) },
      { weight: 1, arbitrary: fc.constant({ kind: 'dropCq' as const }) },
    );
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 40 }), (ops: Op[]) => {
        const root = tempDir();
        const model: string[][] = [[], [], []];
        let store = openStore(root);
        let n = 0;
        for (const o of ops) {
          if (o.kind === 'put') {
            const body = `${n++}:${'b'.repeat(o.len)}`;
            const r = store.putMessage({ topic: 'P', queueId: o.queueId, body: Buffer.from(body), bornTimestamp: 1, bornHost: '1.1.1.1:1', properties: { KEYS: `k${n}` } });
            expect(r.queueOffset).toBe(model[o.queueId].length);
            model[o.queueId].push(body);
          } else {
            store.close();
            if (o.kind === 'dropCq') rmSync(join(root, 'consumequeue'), { recursive: true, force: true });
            store = openStore(root);
          }
        }
        for (let q = 0; q < 3; q++) {
          const bodies: string[] = [];
          let off = 0;
          for (;;) {
            const r = store.getMessages('P', q, off, 32);
            if (r.status !== 'FOUND') break;
            bodies.push(...decodeStoredMessages(Buffer.concat(r.records)).map((m) => m.body.toString()));
            off = r.nextBeginOffset;
          }
          expect(bodies).toEqual(model[q]);
        }
        expect(store.queryByKey('P', `k${n}`, 1).records.length).toBe(n > 0 ? 1 : 0);
        store.close();
        cleanupDirs();
      }),
      { numRuns: 20 },
    );
  });
});
