/**
 * Shared bench helper: runs one client of a comparison in its own child process while the mock stays in the bench
 * process. Both sides of a comparison (ours and ali-ons) run this way, so each gets its own event loop and neither
 * shares a thread with the mock — the fair setup on a small machine. ali-ons must run in a child anyway: it keeps
 * timers alive after close().
 *
 * Children talk back in JSON lines on stdout; `onEvent` sees each one as it arrives (the consumer bench starts its
 * live phase when a child reports `drained`). Set BENCH_CPU_PROF=<dir> to run every child with `--cpu-prof` into
 * that directory (summarise with `npx tsx test/bench/_cpuprofile.ts <dir>/*.cpuprofile`).
 */
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** One JSON line a child printed. */
export type ChildEvent = Record<string, unknown> & { event: string };

/** Where a child script lives and how it is started. */
export interface ChildSpec {
  /** `ours:<file>` for a TypeScript file in test/bench (run through tsx), `peer:<file>` for test/interop-peers. */
  script: `ours:${string}` | `peer:${string}`;
  /** Inputs, added to the environment. */
  env: Record<string, string>;
  /** The child is SIGKILLed after this long. @default 300000 */
  timeoutMs?: number;
  /** Called for every JSON line, in order, as it arrives. */
  onEvent?: (e: ChildEvent) => void;
}

/**
 * Runs a child to completion and returns its JSON lines; rejects when it exits non-zero, is killed, or reports
 * `fatal`.
 * @param spec - script, inputs, budget, event callback
 */
export function runChild(spec: ChildSpec): Promise<ChildEvent[]> {
  const [kind, file] = spec.script.split(':') as ['ours' | 'peer', string];
  const path = kind === 'ours' ? join(here, file) : join(here, '..', 'interop-peers', file);
  const args = kind === 'ours' ? ['--import', 'tsx', path] : [path];
  const profDir = process.env.BENCH_CPU_PROF;
  // Default file names (CPU.<date>.<pid>.<thread>…): tsx's loader thread writes its own profile beside the main one.
  if (profDir) args.unshift('--cpu-prof', `--cpu-prof-dir=${profDir}/${file.replace(/\W/g, '_')}`);
  const child = spawn(process.execPath, args, { env: { ...process.env, ...spec.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const events: ChildEvent[] = [];
  let partial = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    const lines = (partial + d).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      if (!line.startsWith('{')) continue;
      let e: ChildEvent;
      try {
        e = JSON.parse(line) as ChildEvent;
      } catch {
        continue;
      }
      events.push(e);
      spec.onEvent?.(e);
    }
  });
  // The head of stderr: where a crash dump names the throw site and the error.
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(0, 3000)));
  const killer = setTimeout(() => child.kill('SIGKILL'), spec.timeoutMs ?? 300_000);
  return new Promise((resolve, reject) => {
    child.on('error', (err) => {
      clearTimeout(killer);
      reject(err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(killer);
      const fatal = events.find((e) => e.event === 'fatal');
      if (code === 0 && !fatal) resolve(events);
      else reject(new Error(`${file} failed (exit ${code ?? signal}): ${String(fatal?.message ?? stderr.trim().split('\n').filter((l) => l.trim()).slice(0, 8).join(' | '))}`));
    });
  });
}

/**
 * For child scripts: prints one JSON line.
 * @param obj - the event
 */
export function emit(obj: ChildEvent): void {
  process.stdout.write(JSON.stringify(obj) + '\n');
}

/**
 * For child scripts: flushes stdout, then exits (a bench child must never outlive its figures).
 * @param code - exit code
 */
export function exitAfterFlush(code: number): void {
  process.stdout.write('', () => process.exit(code));
}

/**
 * Percentile of an ascending array (NaN when empty).
 * @param sorted - ascending values
 * @param p - 0..100
 */
export function pct(sorted: readonly number[], p: number): number {
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** Mean of the finite values (NaN when none). */
export function mean(xs: readonly number[]): number {
  const f = xs.filter((x) => Number.isFinite(x));
  return f.length === 0 ? NaN : f.reduce((a, b) => a + b, 0) / f.length;
}

/**
 * A ratio for printing: `3.42×`, or `n/a`.
 * @param ours - our figure
 * @param theirs - the peer's figure
 */
export function ratio(ours: number, theirs: number): string {
  return Number.isFinite(ours) && Number.isFinite(theirs) && theirs > 0 ? `${(ours / theirs).toFixed(2)}×` : 'n/a';
}
