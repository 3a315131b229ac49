/**
 * `npm run chaos -- [--minutes N] [--seed S] [--producers P] [--min-failovers F]` runs the soak and prints the seed,
 * the fault log and the checker's report; exits 1 when an acknowledged message is lost from the store or never reached
 * the consumer (or fewer failovers than asked happened). `npm run chaos -- fuzz [--frames N] [--junk-connections C]` runs the high-volume server fuzz.
 */
import { formatReport } from './checker.js';
import { runFuzz } from './fuzz.js';
import { runSoak } from './soak.js';

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
}

function num(args: string[], name: string, dflt: number): number {
  const v = flag(args, name);
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} wants a non-negative number, got ${v}`);
  return n;
}

async function main(): Promise<number> {
  const args = process.argv.slice(2).filter((a) => a !== '--');
  if (args[0] === 'fuzz') {
    const r = await runFuzz({ frames: num(args, 'frames', 100_000), junkConnections: num(args, 'junk-connections', 1000), seed: num(args, 'seed', Date.now() % 2 ** 31) });
    return r.ok ? 0 : 1;
  }
  const seed = num(args, 'seed', Date.now() % 2 ** 31);
  const minutes = num(args, 'minutes', 2);
  const minFailovers = num(args, 'min-failovers', 0);
  const { report, failovers, drainMs, rewinds } = await runSoak({ durationMs: minutes * 60_000, seed, producers: num(args, 'producers', 4) });
  console.log('--- RTO per fault (ms to the next acknowledged send on that group)');
  for (const f of report.faults) console.log(`[t=${String(f.at).padStart(7)}ms] ${f.brokerName} ${f.kind} ${f.target}: ${f.rtoMs ?? 'no ack afterwards'}`);
  console.log('---');
  console.log(`seed ${seed}; ${minutes} min; leader failovers ${failovers}; consumer drain ${drainMs} ms; consumer rewinds ${rewinds}`);
  console.log(formatReport(report));
  const byKind = new Map<string, number[]>();
  for (const f of report.faults) if (f.rtoMs !== undefined) byKind.set(f.kind, [...(byKind.get(f.kind) ?? []), f.rtoMs]);
  for (const [kind, xs] of [...byKind].sort()) console.log(`  RTO ${kind}: n=${xs.length} max ${Math.max(...xs)} ms mean ${Math.round(xs.reduce((a, b) => a + b, 0) / xs.length)} ms`);
  let code = 0;
  if (report.lost.length > 0 || report.unknownStored.length > 0) {
    console.log(`FAIL: ${report.lost.length} acknowledged message(s) lost, ${report.unknownStored.length} unknown stored; replay with --seed ${seed}`);
    code = 1;
  }
  if (report.undelivered.length > 0) {
    console.log(`FAIL: ${report.undelivered.length} acknowledged message(s) never delivered to the consumer; replay with --seed ${seed}`);
    code = 1;
  }
  if (report.msgIdMismatches.length > 0) {
    console.log(`FAIL: ${report.msgIdMismatches.length} SendResult.msgId(s) differ from what the consumer saw; replay with --seed ${seed}`);
    code = 1;
  }
  if (failovers < minFailovers) {
    console.log(`FAIL: only ${failovers} leader failovers (wanted ${minFailovers})`);
    code = 1;
  }
  if (code === 0) console.log('OK: nothing acknowledged was lost or left undelivered');
  return code;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    // A soak that cannot finish (e.g. a group never gets its leader back) is a failure to report, with how to replay.
    console.error(err);
    const seed = flag(process.argv.slice(2).filter((a) => a !== '--'), 'seed');
    console.log(`FAIL: the run aborted: ${err instanceof Error ? err.message : String(err)}${seed ? `; replay with --seed ${seed}` : ''}`);
    process.exit(2);
  },
);
