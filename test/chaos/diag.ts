/**
 * Diagnostics for the chaos soak: a per-group trail of recent DLedger and broker role changes, and a snapshot of
 * every replica (broker role/id, Raft role/term/vote, log end, links, what the nameserver has registered). Printed when
 * a group has no registered leader after the faults are undone, so an aborted soak says *why* instead of only "no
 * leader within 30000 ms".
 */
import type { MockCluster } from '../../src/mock/index.js';

/** How many role events are kept per group. */
const TRAIL = 40;

/** Records the last role changes of every replica of every group (DLedger and broker level). */
export class RoleTrail {
  private readonly events = new Map<string, string[]>();

  constructor(
    private readonly cluster: MockCluster,
    private readonly now: () => number,
  ) {
    for (const g of cluster.brokerNames) {
      for (const n of cluster.nodes(g)) {
        // The DLedgerNode object survives kill/restart, so one listener covers every incarnation.
        n.dledger?.on('roleChange', (e) => this.push(g, `${n.id} raft ${e.role} term=${e.term} leader=${e.leaderId ?? '-'}`));
      }
    }
    cluster.on('roleChange', (e) => this.push(e.brokerName, `${e.id} broker ${e.role} id=${e.brokerId}`));
  }

  private push(group: string, line: string): void {
    let list = this.events.get(group);
    if (!list) this.events.set(group, (list = []));
    list.push(`[t=${String(this.now()).padStart(7)}ms] ${line}`);
    if (list.length > TRAIL) list.shift();
  }

  /** The recorded lines of one group, oldest first. */
  lines(group: string): readonly string[] {
    return this.events.get(group) ?? [];
  }
}

/** One line per replica of `group` plus the nameserver's view: enough to tell a stuck election from a stuck broker. */
export function describeGroup(cluster: MockCluster, group: string): string[] {
  const g = cluster.group(group);
  const net = g.network;
  const out = [`${group}: nameserver brokerAddrs ${JSON.stringify(cluster.nameServer.routes.brokerAddrs(group) ?? {})}`];
  for (const n of g.nodes) {
    const b = n.broker;
    const parts = [`  ${n.id} ${b.running ? b.addr : 'down'}${b.isPaused ? ' PAUSED' : ''} broker=${b.role}/id${b.brokerId}`];
    const d = n.dledger;
    if (d?.isRunning) {
      parts.push(`raft=${d.role} term=${d.term} vote=${d.votedFor ?? '-'} leader=${d.leaderId ?? '-'}`);
      parts.push(`ledgerEnd=${d.log.endIndex}@term${d.log.endTerm} committed=${d.committedIndex}`);
      if (b.dledger) parts.push(`dispatched=${b.dledger.dispatchedUpTo} roleChain=${b.dledger.pendingRole ?? 'idle'}`);
    } else if (d) parts.push('raft=stopped');
    if (net) {
      const links = g.nodes
        .filter((p) => p.id !== n.id)
        .map((p) => `${n.id}->${p.id}:${net.linkOpen(n.id, p.id) ? 'open' : 'CUT'}`);
      parts.push(`net=${net.isUp(n.id) ? 'up' : 'down'}${net.isPaused(n.id) ? '/paused' : ''} ${links.join(' ')}`);
    }
    out.push(parts.join(' '));
  }
  return out;
}

/**
 * Whether `group` has a running, unpaused master that the nameserver lists as brokerId 0 (what clients can send to).
 * A paused old leader still says SYNC_MASTER (its role handler is frozen with it), so it does not count.
 */
export function hasRegisteredLeader(cluster: MockCluster, group: string): boolean {
  const id0 = cluster.nameServer.routes.brokerAddrs(group)?.['0'];
  return cluster
    .nodes(group)
    .some((n) => n.broker.running && !n.broker.isPaused && n.broker.brokerId === 0 && n.broker.role !== 'SLAVE' && n.broker.addr === id0);
}

/**
 * Samples every group every 100 ms while the faults run and reports each stretch without a registered leader longer
 * than `reportAfterMs` (with the replicas' state at that moment), so a slow or stuck election shows up where it
 * happens instead of only at the end of the soak.
 */
export class LeaderWatch {
  private readonly since = new Map<string, number>();
  private readonly reported = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  /** Longest stretch without a registered leader seen per group, ms. */
  readonly longestGapMs = new Map<string, number>();

  constructor(
    private readonly cluster: MockCluster,
    private readonly log: (line: string) => void,
    private readonly now: () => number,
    private readonly trail?: RoleTrail,
    private readonly reportAfterMs = 5000,
  ) {}

  /** Starts sampling. */
  start(): void {
    this.timer = setInterval(() => this.sample(), 100);
    this.timer.unref();
  }

  /** Stops sampling. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    for (const g of this.cluster.brokerNames) this.close(g);
  }

  private sample(): void {
    for (const g of this.cluster.brokerNames) {
      if (hasRegisteredLeader(this.cluster, g)) {
        this.close(g);
        continue;
      }
      const from = this.since.get(g) ?? this.now();
      this.since.set(g, from);
      if (this.now() - from > this.reportAfterMs && !this.reported.has(g)) {
        this.reported.add(g);
        this.log(`[t=${String(this.now()).padStart(7)}ms] ${g} has had no registered leader for ${this.now() - from} ms:`);
        for (const line of describeGroup(this.cluster, g)) this.log(line);
        for (const line of this.trail?.lines(g) ?? []) this.log(`  ${line}`);
      }
    }
  }

  private close(g: string): void {
    const from = this.since.get(g);
    if (from === undefined) return;
    const gap = this.now() - from;
    this.longestGapMs.set(g, Math.max(this.longestGapMs.get(g) ?? 0, gap));
    if (this.reported.delete(g)) this.log(`[t=${String(this.now()).padStart(7)}ms] ${g} leader back after ${gap} ms`);
    this.since.delete(g);
  }
}
