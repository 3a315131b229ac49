import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  DLedgerLog,
  ENTRY_HEADER_SIZE,
  decodeEntry,
  decodeIndexRecord,
  encodeEntry,
  isInconsistentState,
  readTermFile,
  writeTermFile,
} from '../../../../src/mock/dledger/index.js';
import { ProtocolError, ValidationError } from '../../../../src/errors.js';
import { tempDir } from './helpers.js';

let cleanup: (() => void)[] = [];
afterEach(() => {
  for (const f of cleanup.reverse()) f();
  cleanup = [];
});

function open(opts: { mappedFileSize?: number; startPos?: number; selfId?: string } = {}) {
  const t = tempDir();
  const log = DLedgerLog.open({ baseDir: t.dir, selfId: opts.selfId ?? 'n0', mappedFileSize: opts.mappedFileSize ?? 1024, startPos: opts.startPos });
  cleanup.push(t.remove, () => log.close());
  return { log, dir: t.dir };
}

describe('DLedgerLog', () => {
  it('writes the real 48-byte header at the entry pos and a 32-byte index record', () => {
    const { log, dir } = open();
    expect(log.endIndex).toBe(-1);
    expect(log.beginIndex).toBe(-1);
    const a = log.append(3, Buffer.from('hello'));
    const b = log.append(3, Buffer.from('world!'));
    expect(a).toEqual({ index: 0, pos: 0 });
    expect(b).toEqual({ index: 1, pos: 53 });
    const file = fs.readFileSync(path.join(dir, 'dledger-n0', 'data', '00000000000000000000'));
    expect(file.length).toBe(53 + 54);
    // magic | size | index | term | pos | channel | chainCrc | bodyCrc | bodyLen | body
    expect(file.readInt32BE(53)).toBe(1);
    expect(file.readInt32BE(57)).toBe(54);
    expect(Number(file.readBigInt64BE(61))).toBe(1);
    expect(Number(file.readBigInt64BE(69))).toBe(3);
    expect(Number(file.readBigInt64BE(77))).toBe(53);
    expect(file.readInt32BE(85)).toBe(0);
    expect(file.readInt32BE(97)).toBe(6);
    expect(file.subarray(101).toString()).toBe('world!');
    const idx = fs.readFileSync(path.join(dir, 'dledger-n0', 'index', '00000000000000000000'));
    expect(idx.length).toBe(64);
    expect(decodeIndexRecord(idx, 32)).toEqual({ magic: 1, pos: 53, size: 54, index: 1, term: 3 });
    expect(log.get(1)?.body.toString()).toBe('world!');
    expect(log.getByPos(53)?.index).toBe(1);
    expect(log.getByPos(54)).toBeUndefined();
    expect(log.endTerm).toBe(3);
    expect(log.endPos).toBe(107);
  });

  it('lets beforeWrite patch PHYSICALOFFSET = pos + 48 into the body', () => {
    const { log } = open();
    log.append(1, Buffer.alloc(10));
    const body = Buffer.alloc(16);
    const r = log.append(1, body, (pos) => body.writeBigInt64BE(BigInt(pos + ENTRY_HEADER_SIZE), 8));
    expect(Number(log.get(r.index)!.body.readBigInt64BE(8))).toBe(r.pos + 48);
  });

  it('pads a file with a blank (magic -1, remaining length) and rolls to the next boundary', () => {
    const { log, dir } = open({ mappedFileSize: 256 });
    const body = Buffer.alloc(52, 7); // 100-byte entries: two fit, the third needs a new file
    expect(log.append(1, body).pos).toBe(0);
    expect(log.append(1, body).pos).toBe(100);
    expect(log.append(1, body).pos).toBe(256);
    const first = fs.readFileSync(path.join(dir, 'dledger-n0', 'data', '00000000000000000000'));
    expect(first.length).toBe(256);
    expect(first.readInt32BE(200)).toBe(-1);
    expect(first.readInt32BE(204)).toBe(56);
    expect(fs.existsSync(path.join(dir, 'dledger-n0', 'data', '00000000000000000256'))).toBe(true);
    expect(log.get(2)?.pos).toBe(256);
    expect(() => log.append(1, Buffer.alloc(300))).toThrow(ValidationError);
  });

  it('honours startPos for a new log and ignores it once data exists', () => {
    const t = tempDir();
    cleanup.push(t.remove);
    const log = DLedgerLog.open({ baseDir: t.dir, selfId: 'n1', mappedFileSize: 1024, startPos: 4096 });
    expect(log.endPos).toBe(4096);
    expect(log.append(1, Buffer.from('x')).pos).toBe(4096);
    log.close();
    expect(fs.readdirSync(path.join(t.dir, 'dledger-n1', 'data'))).toEqual(['00000000000000004096']);
    const again = DLedgerLog.open({ baseDir: t.dir, selfId: 'n1', mappedFileSize: 1024, startPos: 0 });
    expect(again.get(0)?.pos).toBe(4096);
    expect(again.startPos).toBe(4096);
    again.close();
  });

  it('follower appendAt must land at exactly entry.pos and be the next index', () => {
    const { log } = open({ mappedFileSize: 256 });
    const body = Buffer.alloc(52);
    const e0 = encodeEntry({ index: 0, term: 1, pos: 0, body });
    expect(log.appendAt(e0)).toEqual({ index: 0, pos: 0 });
    const wrongPos = encodeEntry({ index: 1, term: 1, pos: 64, body });
    let err: unknown;
    try {
      log.appendAt(wrongPos);
    } catch (e) {
      err = e;
    }
    expect(isInconsistentState(err)).toBe(true);
    expect(() => log.appendAt(encodeEntry({ index: 5, term: 1, pos: 100, body }))).toThrow(ValidationError);
    log.appendAt(encodeEntry({ index: 1, term: 1, pos: 100, body }));
    // the follower rolls on its own: the leader's entry 2 sits at the next file start
    expect(() => log.appendAt(encodeEntry({ index: 2, term: 1, pos: 200, body }))).toThrow(ValidationError);
    expect(log.appendAt(encodeEntry({ index: 2, term: 1, pos: 256, body }))).toEqual({ index: 2, pos: 256 });
    expect(() => log.appendAt(Buffer.from('garbage'))).toThrow(ProtocolError);
  });

  it('truncateAfter drops entries and files; truncateAndWrite replaces a divergent tail', () => {
    const { log, dir } = open({ mappedFileSize: 256 });
    for (let i = 0; i < 5; i++) log.append(1, Buffer.alloc(52, i));
    expect(fs.readdirSync(path.join(dir, 'dledger-n0', 'data')).length).toBe(3);
    expect(log.truncateAfter(1)).toBe(3);
    expect(log.endIndex).toBe(1);
    expect(log.endPos).toBe(200);
    expect(fs.readdirSync(path.join(dir, 'dledger-n0', 'data'))).toEqual(['00000000000000000000']);
    expect(log.append(2, Buffer.alloc(52)).pos).toBe(256);
    const replacement = encodeEntry({ index: 1, term: 2, pos: 100, body: Buffer.alloc(52, 9) });
    log.truncateAndWrite(replacement);
    expect(log.endIndex).toBe(1);
    expect(log.get(1)?.term).toBe(2);
    expect(log.truncateAfter(-1)).toBe(2);
    expect(log.endIndex).toBe(-1);
    expect(log.endPos).toBe(0);
  });

  it('recovers from disk and drops a torn tail', () => {
    const t = tempDir();
    cleanup.push(t.remove);
    const log = DLedgerLog.open({ baseDir: t.dir, selfId: 'n0', mappedFileSize: 256 });
    for (let i = 0; i < 4; i++) log.append(i + 1, Buffer.alloc(52, i));
    log.close();
    const file = path.join(t.dir, 'dledger-n0', 'data', '00000000000000000256');
    const fd = fs.openSync(file, 'r+');
    fs.writeSync(fd, Buffer.from([0, 0, 0, 1, 0, 0]), 0, 6, 200); // half a header after entry 3
    fs.closeSync(fd);
    const re = DLedgerLog.open({ baseDir: t.dir, selfId: 'n0', mappedFileSize: 256 });
    expect(re.endIndex).toBe(3);
    expect(re.endTerm).toBe(4);
    expect(re.get(3)?.body.equals(Buffer.alloc(52, 3))).toBe(true);
    expect(fs.statSync(file).size).toBe(200);
    expect(re.append(5, Buffer.alloc(10)).pos).toBe(512); // 200 + 58 + 8 > 256: rolls
    // a torn last entry (size says more than is there) is dropped too
    re.close();
    fs.truncateSync(path.join(t.dir, 'dledger-n0', 'data', '00000000000000000512'), 20);
    const re2 = DLedgerLog.open({ baseDir: t.dir, selfId: 'n0', mappedFileSize: 256 });
    expect(re2.endIndex).toBe(3);
    re2.close();
  });

  it('decodeEntry rejects inconsistent bytes with ProtocolError', () => {
    const raw = encodeEntry({ index: 0, term: 0, pos: 0, body: Buffer.from('abc') });
    expect(decodeEntry(raw).body.toString()).toBe('abc');
    expect(() => decodeEntry(raw.subarray(0, 40))).toThrow(ProtocolError);
    const bad = Buffer.from(raw);
    bad.writeInt32BE(99, 4);
    expect(() => decodeEntry(bad)).toThrow(ProtocolError);
  });

  it('persists currterm as Java properties', () => {
    const t = tempDir();
    cleanup.push(t.remove);
    expect(readTermFile(t.dir)).toEqual({ currTerm: 0, voteLeader: null });
    writeTermFile(t.dir, { currTerm: 3, voteLeader: 'n1' });
    expect(fs.readFileSync(path.join(t.dir, 'currterm'), 'utf8')).toBe('currTerm=3\nvoteLeader=n1\n');
    expect(readTermFile(t.dir)).toEqual({ currTerm: 3, voteLeader: 'n1' });
    fs.writeFileSync(path.join(t.dir, 'currterm'), '#Mon\ncurrTerm=7\nvoteLeader=\n');
    expect(readTermFile(t.dir)).toEqual({ currTerm: 7, voteLeader: null });
  });
});
