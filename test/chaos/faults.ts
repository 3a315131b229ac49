/**
 * The seeded fault scheduler of the chaos soak. At most one fault is active per broker group, so every group keeps
 * a quorum (2 of 3) and an acknowledged message may never be lost; each fault lasts a random while and is then
 * undone. Every action is logged with its time so a run replays from its seed.
 */
import type { MockCluster } from '../../src/mock/index.js';
import type { ChaosChecker } from './checker.js';

/** A small seeded PRNG (mulberry32): the same seed gives the same fault sequence. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fault kinds; `*-leader` ones force a failover. */
export const FAULT_KINDS = [
  'kill-leader',
  'kill-follower',
  'pause-leader',
  'pause-follower',
  'isolate-leader',
  'isolate-follower',
  'cut-leader-to-follower',
  'cut-follower-to-leader',
] as const;

/** One fault kind. */
export type FaultKind = (typeof FAULT_KINDS)[number];

/** Options of {@link FaultScheduler}. */
export interface FaultSchedulerOptions {
  /** Seeded randomness. */
  random: () => number;
  /** Mean gap between fault starts, ms. */
  meanGapMs: number;
  /** Fault duration range, ms. */
  minDurationMs: number;
  /** Fault duration range, ms. */
  maxDurationMs: number;
  /** Where to log lines. */
  log: (line: string) => void;
  /** ms since the soak started. */
  now: () => number;
}

/** Injects and undoes faults on a MockCluster until stopped. */
export class FaultScheduler {
  /** Every line logged. */
  readonly faultLog: string[] = [];
  private readonly undo = new Map<string, () => Promise<void>>();
  private stopped = false;
  private loop: Promise<void> | undefined;

  constructor(
    private readonly cluster: MockCluster,
    private readonly checker: ChaosChecker,
    private readonly options: FaultSchedulerOptions,
  ) {}

  /** Starts the loop. */
  start(): void {
    this.loop = this.run();
  }

  /** Stops injecting, undoes active faults, and brings every replica back (restart, resume, heal). */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
    for (const [group, undo] of [...this.undo]) {
      this.undo.delete(group);
      await undo();
    }
    for (const g of this.cluster.brokerNames) {
      this.cluster.heal(g);
      for (const n of this.cluster.nodes(g)) {
        if (n.broker.isPaused) this.cluster.resume(g, n.id);
        if (!n.broker.running) await this.cluster.restart(g, n.id);
      }
    }
  }

  private note(line: string): void {
    const text = `[t=${String(this.options.now()).padStart(7)}ms] ${line}`;
    this.faultLog.push(text);
    this.options.log(text);
  }

  private async sleep(ms: number): Promise<void> {
    const end = Date.now() + ms;
    while (!this.stopped && Date.now() < end) await new Promise((r) => setTimeout(r, Math.min(50, end - Date.now())));
  }

  private async run(): Promise<void> {
    const { random, meanGapMs } = this.options;
    while (!this.stopped) {
      await this.sleep(meanGapMs * (0.5 + random()));
      if (this.stopped) break;
      const groups = this.cluster.brokerNames.filter((g) => !this.undo.has(g));
      const kind = FAULT_KINDS[Math.floor(random() * FAULT_KINDS.length)]!;
      const duration = this.options.minDurationMs + random() * (this.options.maxDurationMs - this.options.minDurationMs);
      const pick = random();
      const pick2 = random();
      if (groups.length === 0) continue;
      const group = groups[Math.floor(pick * groups.length)]!;
      try {
        await this.inject(group, kind, pick2, Math.round(duration));
      } catch (err) {
        this.note(`${group} ${kind} skipped: ${(err as Error).message}`);
      }
    }
  }

  private async inject(group: string, kind: FaultKind, pick: number, durationMs: number): Promise<void> {
    const c = this.cluster;
    const leader = c.leaderOf(group);
    if (!leader) {
      this.note(`${group} ${kind} skipped: no leader right now`);
      return;
    }
    const running = c.nodes(group).filter((n) => n.broker.running && !n.broker.isPaused && n.id !== leader.id);
    const follower = running[Math.floor(pick * running.length)]?.id;
    const needsFollower = kind.includes('follower');
    if (needsFollower && !follower) {
      this.note(`${group} ${kind} skipped: no healthy follower`);
      return;
    }
    const target = kind.endsWith('-leader') || kind.startsWith('cut-leader') ? leader.id : follower!;
    let label = target;
    let undo: () => Promise<void>;
    if (kind.startsWith('kill')) {
      await c.kill(group, target);
      undo = () => c.restart(group, target);
    } else if (kind.startsWith('pause')) {
      c.pause(group, target);
      undo = async () => c.resume(group, target);
    } else if (kind.startsWith('isolate')) {
      c.isolate(group, target);
      undo = async () => c.heal(group);
    } else {
      const [from, to] = kind === 'cut-leader-to-follower' ? [leader.id, follower!] : [follower!, leader.id];
      c.cutLink(group, from, to);
      label = `${from}->${to}`;
      undo = async () => c.heal(group);
    }
    this.checker.fault({ at: this.options.now(), kind, brokerName: group, target: label });
    this.note(`${group} ${kind} ${label} for ${durationMs} ms`);
    this.undo.set(group, undo);
    setTimeout(() => {
      const u = this.undo.get(group);
      if (u !== undo) return;
      this.undo.delete(group);
      u().then(
        () => this.note(`${group} undo ${kind} ${label}`),
        (err: Error) => this.note(`${group} undo ${kind} ${label} failed: ${err.message}`),
      );
    }, durationMs).unref();
  }
}
