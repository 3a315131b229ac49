/** Shared helpers of the store tests: temp dirs and real encoded records. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeStoredMessage } from '../../../../src/message/stored.js';

const dirs: string[] = [];

/** A fresh temp dir, removed by {@link cleanupDirs}. */
export function tempDir(prefix = 'rmq-store-'): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(d);
  return d;
}

/** Removes every temp dir made so far. */
export function cleanupDirs(): void {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** A real stored record (PHYSICALOFFSET 0) with a body of `bodyLen` bytes derived from `seed`. */
export function makeRecord(seed: number, bodyLen: number, topic = 'TopicA', queueId = 0, queueOffset = seed): Buffer {
  const body = Buffer.alloc(bodyLen);
  for (let i = 0; i < bodyLen; i++) body[i] = (seed * 31 + i) & 0xff;
  return encodeStoredMessage({
    topic,
    body,
    queueId,
    queueOffset,
    commitLogOffset: 0,
    bornTimestamp: 1_700_000_000_000 + seed,
    bornHost: '10.0.0.1:50000',
    storeTimestamp: 1_700_000_000_000 + seed,
    storeHost: '127.0.0.1:10911',
    properties: { KEYS: `k${seed}`, UNIQ_KEY: `U${seed}`, WAIT: 'true' },
  });
}
