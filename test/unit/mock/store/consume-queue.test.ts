import { closeSync, openSync, readdirSync, readFileSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ProtocolError, ValidationError } from '../../../../src/errors.js';
import { ConsumeQueue, CQ_UNIT_SIZE } from '../../../../src/mock/store/consume-queue.js';
import { javaStringHashCode } from '../../../../src/mock/store/record.js';
import { cleanupDirs, tempDir } from './helpers.js';

afterEach(cleanupDirs);

const FILE = 10 * CQ_UNIT_SIZE;

function open(dir: string): ConsumeQueue {
  return new ConsumeQueue({ dir, topic: 'T', queueId: 3, mappedFileSize: FILE });
}

describe('ConsumeQueue', () => {
  it('stores 20-byte units in 20-digit files and reads them back after a restart', () => {
    const dir = join(tempDir(), 'consumequeue', 'T', '3');
    let cq = open(dir);
    for (let i = 0; i < 25; i++) expect(cq.put(i, { physOffset: i * 1000, size: 100 + i, tagsCode: i % 2 === 0 ? javaStringHashCode('TagA') : 0 })).toBe(true);
    expect(readdirSync(dir).sort()).toEqual(['00000000000000000000', '00000000000000000200', '00000000000000000400']);
    // The unit layout: physOffset int64, size int32, tagsCode int64.
    const raw = readFileSync(join(dir, '00000000000000000000'));
    expect(raw.length).toBe(FILE);
    expect(raw.readBigInt64BE(20)).toBe(1000n);
    expect(raw.readInt32BE(28)).toBe(101);
    expect(raw.readBigInt64BE(12)).toBe(BigInt(javaStringHashCode('TagA')));
    cq.close();
    cq = open(dir);
    expect(cq.minOffset).toBe(0);
    expect(cq.maxOffset).toBe(25);
    expect(cq.maxPhysicOffset).toBe(24 * 1000 + 124);
    expect(cq.get(24)).toEqual({ physOffset: 24000, size: 124, tagsCode: javaStringHashCode('TagA') });
    expect(cq.get(1)!.tagsCode).toBe(0);
    expect(cq.get(25)).toBeUndefined();
    expect(cq.get(-1)).toBeUndefined();
    cq.close();
  });

  it('keeps negative tagsCodes (Java hashCode) exact', () => {
    const cq = open(tempDir());
    const h = javaStringHashCode('some-long-tag-value-with-overflow');
    expect(h).toBeLessThan(0);
    cq.put(0, { physOffset: 0, size: 91, tagsCode: h });
    expect(cq.get(0)!.tagsCode).toBe(h);
    cq.close();
  });

  it('skips units it already has and refuses gaps', () => {
    const cq = open(tempDir());
    cq.put(0, { physOffset: 0, size: 100, tagsCode: 0 });
    cq.put(1, { physOffset: 100, size: 100, tagsCode: 0 });
    expect(cq.put(1, { physOffset: 100, size: 100, tagsCode: 0 })).toBe(false);
    expect(cq.maxOffset).toBe(2);
    expect(() => cq.put(5, { physOffset: 500, size: 100, tagsCode: 0 })).toThrow(ProtocolError);
    cq.close();
  });

  it('trims a torn unit on open', () => {
    const dir = tempDir();
    let cq = open(dir);
    for (let i = 0; i < 13; i++) cq.put(i, { physOffset: i * 100, size: 100, tagsCode: 0 });
    cq.close();
    const last = join(dir, '00000000000000000200');
    const fd = openSync(last, 'r+');
    writeSync(fd, Buffer.alloc(7, 1), 0, 7, statSync(last).size);
    closeSync(fd);
    cq = open(dir);
    expect(cq.maxOffset).toBe(13);
    expect(statSync(last).size).toBe(3 * CQ_UNIT_SIZE);
    cq.put(13, { physOffset: 1300, size: 100, tagsCode: 0 });
    expect(cq.get(13)!.physOffset).toBe(1300);
    cq.close();
  });

  it('truncates by physical offset, across files', () => {
    const cq = open(tempDir());
    for (let i = 0; i < 25; i++) cq.put(i, { physOffset: i * 100, size: 100, tagsCode: 0 });
    cq.truncateByPhysOffset(1450);
    expect(cq.maxOffset).toBe(15);
    expect(cq.maxPhysicOffset).toBe(1500);
    cq.put(15, { physOffset: 9999, size: 10, tagsCode: 0 });
    expect(cq.get(15)!.physOffset).toBe(9999);
    cq.truncateByPhysOffset(0);
    expect(cq.maxOffset).toBe(0);
    cq.close();
  });

  it('starts a queue at a non-zero offset with blank units before it', () => {
    const dir = tempDir();
    let cq = open(dir);
    cq.put(23, { physOffset: 5000, size: 100, tagsCode: 0 });
    expect(cq.minOffset).toBe(23);
    expect(cq.maxOffset).toBe(24);
    expect(cq.get(22)).toBeUndefined();
    cq.close();
    cq = open(dir);
    expect(cq.minOffset).toBe(23);
    expect(cq.get(23)!.physOffset).toBe(5000);
    cq.close();
  });

  it('binary-searches by store time', () => {
    const cq = open(tempDir());
    const times = [100, 200, 200, 300, 400];
    times.forEach((_, i) => cq.put(i, { physOffset: i, size: 1, tagsCode: 0 }));
    const timeOf = (p: number): number => times[p];
    expect(cq.searchOffsetByTimestamp(50, timeOf)).toBe(0);
    expect(cq.searchOffsetByTimestamp(200, timeOf)).toBe(1);
    expect(cq.searchOffsetByTimestamp(250, timeOf)).toBe(3);
    expect(cq.searchOffsetByTimestamp(500, timeOf)).toBe(5);
    expect(cq.searchOffsetByTimestamp(200, timeOf, 'upper')).toBe(2);
    expect(cq.searchOffsetByTimestamp(50, timeOf, 'upper')).toBe(0);
    cq.close();
  });

  it('rejects a file size that is not a multiple of 20', () => {
    expect(() => new ConsumeQueue({ dir: tempDir(), topic: 'T', queueId: 0, mappedFileSize: 30 })).toThrow(ValidationError);
  });
});
