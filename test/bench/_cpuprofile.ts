/**
 * Summarises V8 `.cpuprofile` files (from `node --cpu-prof`, or BENCH_CPU_PROF=<dir> for the bench children): the
 * top functions by self time and the top source files by self time, so a bench miss comes with its hot spots.
 *
 * Usage: `npx tsx test/bench/_cpuprofile.ts <file.cpuprofile>... [--top 25]`
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

/** The parts of a V8 CPU profile this summary reads. */
interface CpuProfile {
  /** Call-tree nodes. */
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  /** Node id per sample. */
  samples: number[];
  /** Microseconds between samples. */
  timeDeltas: number[];
}

/** Self time per key, in ms, descending. */
export interface ProfileSummary {
  /** Total sampled time, ms. */
  totalMs: number;
  /** `function (file:line)` → self ms. */
  functions: [string, number][];
  /** file → self ms. */
  files: [string, number][];
}

/**
 * Self time by function and by file.
 * @param profile - a parsed `.cpuprofile`
 */
export function summarise(profile: CpuProfile): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
  const fn = new Map<string, number>();
  const file = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const dt = (profile.timeDeltas[i] ?? 0) / 1000;
    const f = byId.get(id);
    if (!f) return;
    total += dt;
    const short = f.url.replace(/^file:\/\//, '').replace(/^.*\/(src|node_modules|test)\//, '$1/') || '(native)';
    const key = `${f.functionName || '(anonymous)'} (${short}:${f.lineNumber + 1})`;
    fn.set(key, (fn.get(key) ?? 0) + dt);
    file.set(short, (file.get(short) ?? 0) + dt);
  });
  const desc = (m: Map<string, number>): [string, number][] => [...m].sort((a, b) => b[1] - a[1]);
  return { totalMs: total, functions: desc(fn), files: desc(file) };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = process.argv.slice(2);
  const t = args.indexOf('--top');
  const top = t >= 0 ? Number(args.splice(t, 2)[1]) : 25;
  for (const path of args) {
    const s = summarise(JSON.parse(readFileSync(path, 'utf8')) as CpuProfile);
    const pc = (ms: number): string => `${((100 * ms) / s.totalMs).toFixed(1).padStart(5)}%`;
    console.log(`\n${path}: ${s.totalMs.toFixed(0)} ms sampled`);
    console.log('  self time by function:');
    for (const [k, ms] of s.functions.slice(0, top)) console.log(`  ${pc(ms)} ${ms.toFixed(0).padStart(6)} ms  ${k}`);
    console.log('  self time by file:');
    for (const [k, ms] of s.files.slice(0, 12)) console.log(`  ${pc(ms)} ${ms.toFixed(0).padStart(6)} ms  ${k}`);
  }
}
