import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { ValidationError } from '../../../../src/errors.js';
import { encodeStoredMessage } from '../../../../src/message/stored.js';
import { FileQueue, offsetToFileName } from '../../../../src/mock/store/file-queue.js';
import { KeyIndex } from '../../../../src/mock/store/key-index.js';
import { RecordEncoder } from '../../../../src/mock/store/record-encoder.js';
import { MessageStore } from '../../../../src/mock/store/message-store.js';
import { parseRecord, offsetMsgIdOf, patchPhysicalOffset } from '../../../../src/mock/store/record.js';
import type { PutMessageInput } from '../../../../src/mock/store/types.js';
import { cleanupDirs, tempDir } from './helpers.js';

afterEach(cleanupDirs);

const nextTurn = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('FileQueue write-behind', () => {
  it('serves appends from memory at once and puts them on disk in one write at the end of the turn', async () => {
    const dir = tempDir();
    const q = new FileQueue(dir, 1024);
    const f = q.createFile(0);
    const parts = Array.from({ length: 10 }, (_, i) => Buffer.alloc(30, 0x41 + i));
    for (const p of parts) q.write(f, f.length, p);
    const path = join(dir, offsetToFileName(0));
    // Readable right away (disk and memory both), straddling nothing yet on disk.
    expect(q.read(0, 300)).toEqual(Buffer.concat(parts));
    expect(statSync(path).size).toBe(0);
    await nextTurn();
    expect(readFileSync(path)).toEqual(Buffer.concat(parts));
    // A read straddling the flushed part and a new buffered tail.
    q.write(f, f.length, Buffer.from('tail'));
    expect(q.read(290, 14)!.toString('latin1')).toBe('J'.repeat(10) + 'tail');
    expect(q.read(290, 15)).toBeUndefined();
    q.close();
    // close() flushed the tail.
    expect(readFileSync(path).subarray(300).toString()).toBe('tail');
    const again = new FileQueue(dir, 1024);
    expect(again.maxOffset).toBe(304);
    again.close();
  });

  it('writes a turn of more than 1 MiB of appends out as it goes, every byte readable at once and on disk after', async () => {
    const dir = tempDir();
    const q = new FileQueue(dir, 4 * 1024 * 1024);
    const f = q.createFile(0);
    const parts = Array.from({ length: 3000 }, (_, i) => Buffer.alloc(1000, i & 0xff));
    for (const p of parts) q.write(f, f.length, p);
    // Past 1 MiB, the waiting bytes went to the file instead of a buffer doubling beyond it.
    expect(statSync(join(dir, offsetToFileName(0))).size).toBeGreaterThan(0);
    // Buffer.equals, not toEqual: a deep compare of 3 MB byte by byte took ~25 s.
    const all = Buffer.concat(parts);
    expect(q.read(0, 3_000_000)?.equals(all)).toBe(true);
    await nextTurn();
    expect(readFileSync(join(dir, offsetToFileName(0))).subarray(0, 3_000_000).equals(all)).toBe(true);
    q.close();
  });

  it('flushes a finished file when the next one is created, and before a write elsewhere or a truncation', () => {
    const dir = tempDir();
    const q = new FileQueue(dir, 100);
    const f0 = q.createFile(0);
    q.write(f0, 0, Buffer.alloc(100, 1));
    const f1 = q.createFile(100);
    expect(readFileSync(join(dir, offsetToFileName(0))).length).toBe(100);
    q.write(f1, 0, Buffer.alloc(40, 2));
    q.write(f1, 10, Buffer.alloc(5, 3)); // not an append: flush, then write through
    expect(readFileSync(join(dir, offsetToFileName(100))).subarray(8, 16)).toEqual(Buffer.from([2, 2, 3, 3, 3, 3, 3, 2]));
    q.write(f1, 40, Buffer.alloc(20, 4));
    q.truncateFrom(150);
    expect(statSync(join(dir, offsetToFileName(100))).size).toBe(50);
    expect(q.read(140, 10)).toEqual(Buffer.alloc(10, 4));
    expect(q.read(145, 10)).toBeUndefined();
    q.close();
  });
});

describe('RecordEncoder', () => {
  const host = fc.oneof(
    fc.ipV4().map((ip) => ip),
    fc.ipV6().map((ip) => `[${ip}]`),
  );
  const input = fc.record({
    topic: fc.string({ minLength: 1, maxLength: 200 }),
    body: fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
    flag: fc.integer({ min: -0x80000000, max: 0x7fffffff }),
    properties: fc.oneof(fc.dictionary(fc.stringMatching(/^[A-Za-z_]{1,8}$/), fc.string({ maxLength: 20 })), fc.string({ maxLength: 40 })),
    queueId: fc.integer({ min: 0, max: 1000 }),
    sysFlag: fc.integer({ min: 0, max: 0xff }),
    bornTimestamp: fc.integer({ min: 0, max: 2 ** 45 }),
    bornHost: fc.tuple(host, fc.integer({ min: 0, max: 65535 })).map(([h, p]) => `${h}:${p}`),
    reconsumeTimes: fc.integer({ min: 0, max: 16 }),
    preparedTransactionOffset: fc.integer({ min: 0, max: 2 ** 40 }),
  });

  it('writes exactly the bytes encodeStoredMessage writes, and the offset message id of the stored record', () => {
    const enc = new RecordEncoder('10.1.2.3:10911');
    fc.assert(
      fc.property(input, fc.integer({ min: 0, max: 2 ** 40 }), fc.integer({ min: 0, max: 2 ** 50 }), fc.integer({ min: 0, max: 2 ** 44 }), (inp, queueOffset, phys, now) => {
        const ours = enc.encode(inp as PutMessageInput, queueOffset, now);
        const ref = encodeStoredMessage({ ...inp, queueOffset, commitLogOffset: 0, storeTimestamp: now, storeHost: '10.1.2.3:10911' });
        expect(ours).toEqual(ref);
        ours.writeUInt32BE(Math.floor(phys / 2 ** 32), 28);
        ours.writeUInt32BE(phys >>> 0, 32);
        expect(enc.offsetMsgId(phys)).toBe(offsetMsgIdOf(parseRecord(ours)));
      }),
      { numRuns: 300 },
    );
  });

  it('refuses what the layout cannot hold with a ValidationError', () => {
    const enc = new RecordEncoder('127.0.0.1:10911');
    const ok: PutMessageInput = { topic: 'T', body: Buffer.from('x'), queueId: 0, bornTimestamp: 1, bornHost: '127.0.0.1:1' };
    expect(() => enc.encode({ ...ok, bornHost: 'nope' }, 0, 1)).toThrow(ValidationError);
    expect(() => enc.encode({ ...ok, queueId: 2 ** 33 }, 0, 1)).toThrow(ValidationError);
    expect(() => enc.encode({ ...ok, properties: 'x'.repeat(40_000) }, 0, 1)).toThrow(ValidationError);
    expect(() => enc.encode(ok, 2 ** 60, 1)).toThrow(ValidationError);
    expect(() => enc.encode({ ...ok, storeHost: 5 as unknown as string }, 0, 1)).toThrow(ValidationError);
  });

  it('plans records that write in place (at any offset, PHYSICALOFFSET included) the bytes encode gives', () => {
    const enc = new RecordEncoder('10.1.2.3:10911');
    fc.assert(
      fc.property(input, fc.integer({ min: 0, max: 64 }), fc.integer({ min: 0, max: 2 ** 50 }), (inp, at, phys) => {
        const rec = enc.plan(inp as PutMessageInput, 7, 1_700_000_000_000);
        const ref = enc.encode(inp as PutMessageInput, 7, 1_700_000_000_000);
        expect(rec.size).toBe(ref.length);
        const target = Buffer.alloc(at + rec.size + 8, 0xee);
        rec.writeAt(target, at, phys);
        expect(target.subarray(at, at + rec.size)).toEqual(patchPhysicalOffset(ref, phys));
        expect(target.subarray(at + rec.size)).toEqual(Buffer.alloc(8, 0xee));
      }),
      { numRuns: 200 },
    );
  });

  it('a put the layout refuses appends nothing: the log and the queue offsets are as before', () => {
    const store = new MessageStore({ storePathRootDir: tempDir() });
    const ok: PutMessageInput = { topic: 'T', body: Buffer.from('x'), queueId: 0, bornTimestamp: 1, bornHost: '127.0.0.1:1', properties: { UNIQ_KEY: 'U1' } };
    const first = store.putMessage(ok);
    expect(() => store.putMessage({ ...ok, flag: 2 ** 40 })).toThrow(ValidationError);
    expect(() => store.putMessage({ ...ok, bornTimestamp: 1.5 })).toThrow(ValidationError);
    expect(store.getMaxPhyOffset()).toBe(first.size);
    const second = store.putMessage(ok);
    expect(second).toMatchObject({ physOffset: first.size, queueOffset: 1 });
    const got = store.getMessages('T', 0, 0, 10);
    expect(got.records.map((r) => parseRecord(r).physOffset)).toEqual([0, first.size]);
    store.close();
  });
});

describe('KeyIndex (send path: one entry per fresh key, a list from the second on)', () => {
  it('answers newest first, ignores re-adds, filters by kind and time, and truncates', () => {
    const idx = new KeyIndex();
    idx.add('T', 'k', 100, 10, 'key');
    idx.add('T', 'k', 100, 10, 'key'); // re-dispatch after a restart: no-op
    idx.add('T', 'u1', 100, 10, 'uniq');
    idx.add('T', 'k', 300, 30, 'key');
    idx.add('T', 'k', 200, 20, 'key'); // out of order: kept sorted
    idx.add('U', 'k', 400, 40, 'key');
    idx.add('T', '', 500, 50, 'key');
    expect(idx.size).toBe(5);
    expect(idx.query('T', 'k', 10, 0, 1e9)).toEqual([300, 200, 100]);
    expect(idx.query('T', 'k', 2, 0, 1e9)).toEqual([300, 200]);
    expect(idx.query('T', 'k', 10, 15, 25)).toEqual([200]);
    expect(idx.query('T', 'u1', 10, 0, 1e9, 'uniq')).toEqual([100]);
    expect(idx.query('T', 'u1', 10, 0, 1e9, 'key')).toEqual([]);
    expect(idx.query('U', 'k', 10, 0, 1e9)).toEqual([400]);
    idx.truncateFrom(200);
    expect(idx.size).toBe(2);
    expect(idx.query('T', 'k', 10, 0, 1e9)).toEqual([100]);
    expect(idx.query('U', 'k', 10, 0, 1e9)).toEqual([]);
    idx.add('T', 'k', 250, 25, 'key');
    expect(idx.query('T', 'k', 10, 0, 1e9)).toEqual([250, 100]);
    idx.clear();
    expect(idx.size).toBe(0);
  });

  it('folds queued adds in before every read: a query, a truncation or clear sees exactly what was added', () => {
    const idx = new KeyIndex();
    for (let i = 0; i < 1000; i++) idx.add('T', `u${i}`, i * 100, i, 'uniq');
    expect(idx.query('T', 'u999', 10, 0, 1e9)).toEqual([99_900]);
    // Adds after a read are queued again; the duplicate of an already folded entry is still a no-op.
    idx.add('T', 'u999', 99_900, 999, 'uniq');
    idx.add('T', 'u5', 100_000, 1000, 'uniq');
    expect(idx.size).toBe(1001);
    expect(idx.query('T', 'u5', 10, 0, 1e9)).toEqual([100_000, 500]);
    idx.add('T', 'late', 100_100, 1001, 'key');
    idx.truncateFrom(100_000);
    expect(idx.query('T', 'late', 10, 0, 1e9)).toEqual([]);
    expect(idx.query('T', 'u5', 10, 0, 1e9)).toEqual([500]);
    idx.add('T', 'gone', 1, 1, 'key');
    idx.clear();
    expect(idx.size).toBe(0);
    expect(idx.query('T', 'gone', 10, 0, 1e9)).toEqual([]);
  });
});
