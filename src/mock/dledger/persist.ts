/**
 * Small Java-properties files DLedger keeps next to its log: `currterm` (currTerm / voteLeader, written on every
 * change by MemberState.persistTerm) and `checkpoint` (endIndex / committedIndex, written by the store's flush
 * service). Written via a temp file + rename so a crash never leaves a half-written term behind.
 * @module
 */

import * as fs from 'node:fs';
import * as path from 'node:path';

/** Persisted election state. */
export interface PersistedTerm {
  /** Current term (0 when the file is absent). */
  currTerm: number;
  /** Who this replica voted for in `currTerm`, or null. */
  voteLeader: string | null;
}

/** Parses Java properties text (`key=value` lines, `#`/`!` comments). Enough for DLedger's two files. */
export function parseProperties(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue;
    const m = /^([^=:\s]+)\s*[=:]?\s*(.*)$/.exec(line);
    if (m) out[m[1]] = m[2];
  }
  return out;
}

function writeAtomic(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}

function readText(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** Reads `<dir>/currterm`; a missing or unreadable file means term 0 and no vote, as in MemberState.loadTerm. */
export function readTermFile(dir: string): PersistedTerm {
  const props = parseProperties(readText(path.join(dir, 'currterm')) ?? '');
  const term = Number(props.currTerm);
  const vote = props.voteLeader;
  return {
    currTerm: Number.isSafeInteger(term) && term >= 0 ? term : 0,
    voteLeader: vote === undefined || vote === '' ? null : vote,
  };
}

/** Writes `<dir>/currterm` as `currTerm=N` / `voteLeader=id` (empty when no vote). */
export function writeTermFile(dir: string, state: PersistedTerm): void {
  writeAtomic(path.join(dir, 'currterm'), `currTerm=${state.currTerm}\nvoteLeader=${state.voteLeader ?? ''}\n`);
}

/** Reads `<dir>/checkpoint` (`committedIndex`, `endIndex`); -1 for anything missing. */
export function readCheckpoint(dir: string): {
  /** Last entry index written (−1 when unknown). */
  endIndex: number;
  /** Last committed entry index (−1 when unknown). */
  committedIndex: number;
} {
  const props = parseProperties(readText(path.join(dir, 'checkpoint')) ?? '');
  const num = (v: string | undefined): number => (v !== undefined && /^-?\d+$/.test(v) ? Number(v) : -1);
  return { endIndex: num(props.endIndex), committedIndex: num(props.committedIndex) };
}

/** Writes `<dir>/checkpoint`. */
export function writeCheckpoint(dir: string, cp: { endIndex: number; committedIndex: number }): void {
  writeAtomic(path.join(dir, 'checkpoint'), `endIndex=${cp.endIndex}\ncommittedIndex=${cp.committedIndex}\n`);
}
