import { existsSync, openSync, readdirSync, readFileSync, statSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { ValidationError } from '../../../../src/errors.js';
import { decodeStoredMessage } from '../../../../src/message/stored.js';
import { CommitLog } from '../../../../src/mock/store/commitlog.js';
import { BLANK_MAGIC_CODE, parseRecord } from '../../../../src/mock/store/record.js';
import { cleanupDirs, makeRecord, tempDir } from './helpers.js';

const SIZE = 64 * 1024;

afterEach(cleanupDirs);

function fill(log: CommitLog, count: number, bodyLen: (i: number) => number): { phys: number; bytes: Buffer }[] {
  const out: { phys: number; bytes: Buffer }[] = [];
  for (let i = 0; i < count; i++) {
    const rec = makeRecord(i, bodyLen(i));
    const { physOffset, size } = log.appendRecord(rec);
    expect(size).toBe(rec.length);
    out.push({ phys: physOffset, bytes: Buffer.from(rec) });
  }
  return out;
}

describe('CommitLog', () => {
  it('appends across file rolls, padding each full file with a blank record', () => {
    const dir = tempDir();
    const log = new CommitLog({ dir, mappedFileSize: SIZE });
    const written = fill(log, 200, (i) => 300 + ((i * 977) % 2500));
    const names = readdirSync(dir).sort();
    expect(names.length).toBeGreaterThan(3);
    expect(names.every((n, i) => n === String(i * SIZE).padStart(20, '0'))).toBe(true);
    for (const { phys, bytes } of written) {
      // No record straddles a file, and each holds its own start offset.
      expect(Math.floor(phys / SIZE)).toBe(Math.floor((phys + bytes.length - 1) / SIZE));
      const read = log.read(phys)!;
      expect(read.equals(bytes)).toBe(true);
      expect(parseRecord(read).physOffset).toBe(phys);
      expect(decodeStoredMessage(read, 0).message.commitLogOffset).toBe(phys);
    }
    // Every sealed file: full length, and a blank record right after the last message whose TOTALSIZE is the rest.
    for (const name of names.slice(0, -1)) {
      const start = Number(name);
      const file = readFileSync(join(dir, name));
      expect(file.length).toBe(SIZE);
      const inFile = written.filter((w) => w.phys >= start && w.phys < start + SIZE);
      const end = inFile[inFile.length - 1].phys + inFile[inFile.length - 1].bytes.length - start;
      expect(file.readInt32BE(end)).toBe(SIZE - end);
      expect(file.readInt32BE(end + 4)).toBe(BLANK_MAGIC_CODE);
      expect(file.readInt32BE(end + 4)).toBe(-875286124);
    }
    expect([...log.scan()].map((r) => r.physOffset)).toEqual(written.map((w) => w.phys));
    expect(log.read(written[0].phys + 1)).toBeUndefined();
    expect(log.read(log.maxOffset)).toBeUndefined();
    log.close();
  });

  it('recovers every record after a restart and keeps appending where it stopped', () => {
    const dir = tempDir();
    let log = new CommitLog({ dir, mappedFileSize: SIZE });
    const written = fill(log, 150, (i) => 100 + ((i * 131) % 1500));
    const max = log.maxOffset;
    log.close();
    log = new CommitLog({ dir, mappedFileSize: SIZE });
    expect(log.truncatedBytes).toBe(0);
    expect(log.maxOffset).toBe(max);
    for (const { phys, bytes } of written) expect(log.read(phys)!.equals(bytes)).toBe(true);
    const next = log.appendRecord(makeRecord(999, 10));
    expect(next.physOffset).toBe(max);
    log.close();
  });

  it('truncates a torn tail: a partial record, garbage, or a record with a bad body CRC', () => {
    const dir = tempDir();
    let log = new CommitLog({ dir, mappedFileSize: SIZE });
    const written = fill(log, 20, () => 500);
    const goodEnd = log.maxOffset;
    const lastPath = log.pathOf(goodEnd - 1)!;
    log.close();

    // Half of a record at the end of the last file.
    const partial = makeRecord(50, 500);
    partial.writeBigInt64BE(BigInt(goodEnd), 28);
    let fd = openSync(lastPath, 'r+');
    writeSync(fd, partial, 0, 200, statSync(lastPath).size);
    closeSync(fd);
    log = new CommitLog({ dir, mappedFileSize: SIZE });
    expect(log.truncatedBytes).toBe(200);
    expect(log.maxOffset).toBe(goodEnd);
    expect(statSync(lastPath).size).toBe(goodEnd - Number(lastPath.slice(-20)));
    log.close();

    // Flip a body byte of the last record: its CRC no longer matches, so it goes too.
    const lastRec = written[written.length - 1];
    fd = openSync(lastPath, 'r+');
    writeSync(fd, Buffer.from([0xee ^ lastRec.bytes[lastRec.bytes.length - 100]]), 0, 1, lastRec.phys + lastRec.bytes.length - 100 - Number(lastPath.slice(-20)));
    closeSync(fd);
    log = new CommitLog({ dir, mappedFileSize: SIZE });
    expect(log.maxOffset).toBe(lastRec.phys);
    expect(log.read(written[written.length - 2].phys)!.equals(written[written.length - 2].bytes)).toBe(true);
    expect(log.read(lastRec.phys)).toBeUndefined();
    log.close();
  });

  it('drops later files when an earlier one is torn', () => {
    const dir = tempDir();
    let log = new CommitLog({ dir, mappedFileSize: SIZE });
    const written = fill(log, 100, () => 1500);
    expect(log.fileStarts.length).toBeGreaterThan(2);
    log.close();
    // Zero a record header in the middle of file 1.
    const victim = written.find((w) => w.phys > SIZE + 5000)!;
    const path = join(dir, String(SIZE).padStart(20, '0'));
    const fd = openSync(path, 'r+');
    writeSync(fd, Buffer.alloc(8), 0, 8, victim.phys - SIZE);
    closeSync(fd);
    log = new CommitLog({ dir, mappedFileSize: SIZE });
    expect(log.maxOffset).toBe(victim.phys);
    expect(log.fileStarts).toEqual([0, SIZE]);
    expect(existsSync(join(dir, String(2 * SIZE).padStart(20, '0')))).toBe(false);
    log.close();
  });

  it('copies raw bytes to a replica at the same offsets, and digests match', () => {
    const master = new CommitLog({ dir: tempDir(), mappedFileSize: SIZE });
    const slave = new CommitLog({ dir: tempDir(), mappedFileSize: SIZE });
    const written = fill(master, 120, (i) => 200 + ((i * 53) % 1800));
    while (slave.maxOffset < master.maxOffset) {
      const chunk = master.readRaw(slave.maxOffset, 7000);
      expect(chunk.length).toBeGreaterThan(0);
      slave.appendRaw(slave.maxOffset, chunk);
    }
    expect(slave.digest()).toBe(master.digest());
    for (const { phys, bytes } of written) expect(slave.read(phys)!.equals(bytes)).toBe(true);
    expect(() => slave.appendRaw(5, Buffer.alloc(1))).toThrow(ValidationError);
    master.appendRecord(makeRecord(1000, 10));
    expect(slave.digest()).not.toBe(master.digest());
    master.close();
    slave.close();
  });

  it('pads the last file on request and reports the next boundary', () => {
    const dir = tempDir();
    const log = new CommitLog({ dir, mappedFileSize: SIZE });
    expect(log.padLastFile()).toBe(0);
    fill(log, 3, () => 100);
    expect(log.padLastFile()).toBe(SIZE);
    expect(log.maxOffset).toBe(SIZE);
    expect(log.padLastFile()).toBe(SIZE);
    log.close();
    const again = new CommitLog({ dir, mappedFileSize: SIZE });
    expect(again.maxOffset).toBe(SIZE);
    expect([...again.scan()].length).toBe(3);
    expect(again.appendRecord(makeRecord(7, 10)).physOffset).toBe(SIZE);
    again.close();
  });

  it('encodes and appends a message record', () => {
    const log = new CommitLog({ dir: tempDir(), mappedFileSize: SIZE });
    log.appendRecord(makeRecord(0, 10));
    const r = log.append({ topic: 'T', body: Buffer.from('hi'), queueId: 2, queueOffset: 9, bornTimestamp: 5, bornHost: '1.2.3.4:5', storeHost: '5.6.7.8:9', storeTimestamp: 77 });
    const m = decodeStoredMessage(log.read(r.physOffset)!, 0).message;
    expect([m.commitLogOffset, m.queueOffset, m.queueId, m.storeTimestamp, m.body.toString()]).toEqual([r.physOffset, 9, 2, 77, 'hi']);
    expect(r.storeTimestamp).toBe(77);
    expect(() => log.append({ topic: 'T', body: Buffer.alloc(0), queueId: 0, queueOffset: 0, bornTimestamp: 0, bornHost: 'x', storeHost: 'y' })).toThrow(ValidationError);
    log.close();
  });

  it('rejects bad records with ValidationError', () => {
    const log = new CommitLog({ dir: tempDir(), mappedFileSize: 4096 });
    expect(() => log.appendRecord(Buffer.alloc(10))).toThrow(ValidationError);
    const rec = makeRecord(1, 100);
    rec.writeInt32BE(rec.length + 1, 0);
    expect(() => log.appendRecord(rec)).toThrow(ValidationError);
    expect(() => log.appendRecord(makeRecord(1, 5000))).toThrow(ValidationError);
    expect(log.read(-1)).toBeUndefined();
    expect(log.read(Number.NaN)).toBeUndefined();
    log.close();
    expect(() => new CommitLog({ dir: tempDir(), mappedFileSize: 0 })).toThrow(ValidationError);
  });

  it('property: any sequence of record sizes survives a restart byte for byte', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 3000 }), { minLength: 1, maxLength: 60 }), (sizes) => {
        const dir = tempDir();
        let log = new CommitLog({ dir, mappedFileSize: 8192 });
        const written = sizes.map((n, i) => {
          const rec = makeRecord(i, n);
          return { phys: log.appendRecord(rec).physOffset, bytes: rec };
        });
        log.close();
        log = new CommitLog({ dir, mappedFileSize: 8192 });
        const scanned = [...log.scan()];
        log.close();
        expect(scanned.map((s) => s.physOffset)).toEqual(written.map((w) => w.phys));
        scanned.forEach((s, i) => expect(s.bytes.equals(written[i].bytes)).toBe(true));
        cleanupDirs();
      }),
      { numRuns: 25 },
    );
  });
});
