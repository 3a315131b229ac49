/** Shared helpers for the remoting tests. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Reads a golden hex fixture from test/unit/protocol/fixtures (whitespace ignored). */
export function readHexFixture(name: string): Buffer {
  const path = fileURLToPath(new URL(`../protocol/fixtures/${name}.hex`, import.meta.url));
  return Buffer.from(readFileSync(path, 'utf8').replace(/\s+/g, ''), 'hex');
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
