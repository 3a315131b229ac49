/**
 * The compatibility matrix: interop test files record, per RocketMQ version, feature and pairing
 * (our SDK against a real broker, a real client against our mock), whether the check passed. Every
 * file merges its cells into `matrix-results.json` (committed) in its `afterAll` and re-renders the
 * README section between the interop-matrix markers, so whichever file runs last leaves the whole
 * matrix; a partial run by hand only replaces the cells it ran. Nothing here is written by hand.
 * @module
 */
import fs from 'node:fs';
import path from 'node:path';
import { it } from 'vitest';
import { ValidationError } from '../../src/errors.js';
import { INTEROP_DIR } from './harness/java.js';

/** Who talks to whom in one matrix column. */
export type Pairing = 'sdk-real' | 'java-mock' | 'alions-mock';

/** One recorded outcome. */
export interface MatrixCell {
  /** `pass` only when every test tagged with the feature passed in that run. */
  status: 'pass' | 'fail';
  /** ISO date (day) of the run that produced it. */
  at: string;
  /** Test file that produced it. */
  file: string;
  /** First failure message, when failed. */
  detail?: string;
}

/** Results file: `"<version>|<pairing>|<feature>"` → cell. */
export type MatrixResults = Record<string, MatrixCell>;

/** Results file, committed next to this module. */
export const RESULTS_FILE = path.join(INTEROP_DIR, 'matrix-results.json');
/** The README whose marked section is generated. */
export const README_FILE = path.resolve(INTEROP_DIR, '..', '..', 'README.md');
const START = '<!-- interop-matrix:start -->';
const END = '<!-- interop-matrix:end -->';

/** Features in display order (rows); a recorded feature missing here is appended at the end. */
export const FEATURES: readonly string[] = [
  'send sync', 'send async', 'send oneway', 'send batch', 'send ordered', 'send delay',
  'query by key', 'query by unique key', 'view by offsetMsgId',
  'admin createTopic', 'admin clusterInfo', 'admin topicRoute',
  'push consume', 'lite pull consume', 'upgrade master/slave → DLedger', 'DLedger leader kill: no acked loss, sends resume',
];

/** Column order and titles. `{v}` is the RocketMQ version. */
const COLUMNS: { version: string; pairing: Pairing; title: string }[] = [
  { version: '5.3.3', pairing: 'sdk-real', title: 'rocketmq-ts → real 5.3.3' },
  { version: '5.3.3', pairing: 'java-mock', title: 'Java client 5.3.3 → mock' },
  { version: '4.9.7', pairing: 'sdk-real', title: 'rocketmq-ts → real 4.9.7' },
  { version: '4.9.7', pairing: 'java-mock', title: 'Java client 4.9.7 → mock (4.9 answers)' },
  { version: 'ali-ons 3.12.0', pairing: 'alions-mock', title: 'ali-ons 3.12.0 → mock' },
];

/** Collects the cells of one test file; see {@link Recorder.it} and {@link Recorder.flush}. */
export class Recorder {
  private readonly cells = new Map<string, MatrixCell>();

  /**
   * @param version - RocketMQ version (or peer name for ali-ons)
   * @param pairing - matrix column kind
   * @param file - test file name, for the record
   */
  constructor(
    readonly version: string,
    readonly pairing: Pairing,
    readonly file: string,
  ) {}

  /** Records `feature` as passed unless it already failed in this run. */
  pass(feature: string): void {
    const k = this.key(feature);
    if (this.cells.get(k)?.status !== 'fail') this.cells.set(k, { status: 'pass', at: today(), file: this.file });
  }

  /** Records `feature` as failed with the first line of `err`. */
  fail(feature: string, err: unknown): void {
    const msg = err instanceof Error ? err.message : String(err);
    this.cells.set(this.key(feature), { status: 'fail', at: today(), file: this.file, detail: msg.split('\n')[0].slice(0, 200) });
  }

  /** A vitest `it` whose outcome is recorded for every feature in `features`. */
  it(name: string, features: readonly string[], fn: () => Promise<void>, timeoutMs?: number): void {
    it(name, async () => {
      try {
        await fn();
      } catch (err) {
        for (const f of features) this.fail(f, err);
        throw err;
      }
      for (const f of features) this.pass(f);
    }, timeoutMs);
  }

  /** Merges this file's cells into the results file and re-renders the README section (no-op when empty). */
  flush(): void {
    if (this.cells.size === 0) return;
    const all = readResults();
    for (const [k, v] of this.cells) all[k] = v;
    const sorted = Object.fromEntries(Object.entries(all).sort(([a], [b]) => a.localeCompare(b)));
    fs.writeFileSync(RESULTS_FILE, JSON.stringify(sorted, null, 2) + '\n');
    writeReadmeSection(renderMatrix(sorted));
  }

  private key(feature: string): string {
    return `${this.version}|${this.pairing}|${feature}`;
  }
}

function today(): string {
  return new Date().toISOString().slice(0, 10);
}

/** Reads the committed results (empty when absent or unreadable). */
export function readResults(file = RESULTS_FILE): MatrixResults {
  try {
    const v: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as MatrixResults) : {};
  } catch {
    return {};
  }
}

/** Renders the Markdown table (plus legend) from results. Pure. */
export function renderMatrix(results: MatrixResults): string {
  const recorded = new Set(Object.keys(results).map((k) => k.split('|').slice(2).join('|')));
  const rows = [...FEATURES, ...[...recorded].filter((f) => !FEATURES.includes(f)).sort()];
  const cols = COLUMNS.filter((c) => rows.some((f) => results[`${c.version}|${c.pairing}|${f}`]));
  const lines = [
    `| feature | ${cols.map((c) => c.title).join(' | ')} |`,
    `|---|${cols.map(() => ':---:').join('|')}|`,
  ];
  const dates = new Set<string>();
  for (const f of rows) {
    const cells = cols.map((c) => {
      const cell = results[`${c.version}|${c.pairing}|${f}`];
      if (!cell) return '–';
      dates.add(cell.at);
      return cell.status === 'pass' ? '✅' : '❌';
    });
    if (cells.every((c) => c === '–')) continue;
    lines.push(`| ${f} | ${cells.join(' | ')} |`);
  }
  const span = [...dates].sort();
  lines.push(
    '',
    `✅ passed, ❌ failed, – not covered. Results of ${span.length > 1 ? `${span[0]} … ${span.at(-1)}` : (span[0] ?? 'no run')} ` +
      'from `test/interop/matrix-results.json`, written by the interop test files.',
  );
  const failed = Object.entries(results).filter(([, c]) => c.status === 'fail');
  for (const [k, c] of failed) lines.push(`- ❌ \`${k}\`: ${c.detail ?? ''}`);
  return lines.join('\n');
}

/** Replaces the README text between the markers; throws when the markers are missing. */
export function writeReadmeSection(body: string, file = README_FILE): void {
  const text = fs.readFileSync(file, 'utf8');
  const a = text.indexOf(START);
  const b = text.indexOf(END);
  if (a < 0 || b < a) throw new ValidationError(`${file}: interop-matrix markers not found`);
  const next = `${text.slice(0, a + START.length)}\n${body}\n${text.slice(b)}`;
  if (next !== text) fs.writeFileSync(file, next);
}
