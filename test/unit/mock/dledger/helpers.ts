/** Shared helpers for the DLedger tests: temp dirs and polling. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** Creates a temp dir; returns it and a remover. */
export function tempDir(prefix = 'dledger-'): { dir: string; remove: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** Polls `cond` every 5 ms until true or `timeoutMs` passes. */
export async function until(cond: () => boolean, timeoutMs: number, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Sleeps real ms. */
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
