/**
 * `DLedgerGroup`: N replicas over one {@link DLedgerNetwork}, with the fault injection the tests and the mock
 * broker need (kill/restart from disk, pause/resume, isolation, one-way cuts, latency).
 * @module
 */

import { RequestTimeoutError, ValidationError } from '../../errors.js';
import { DLedgerNode } from './node.js';
import { mulberry32, type Rng } from './rng.js';
import { DLedgerNetwork } from './transport.js';

/** Options of {@link DLedgerGroup}. */
export interface DLedgerGroupOptions {
  /** Group name. @default 'dledger-group' */
  group?: string;
  /** Replica ids. @default ['n0', 'n1', 'n2'] */
  peers?: string[];
  /** Store root; each replica uses `<baseDir>/dledger-<id>/`. */
  baseDir: string;
  /** Duration multiplier for every replica. @default 1 */
  timeScale?: number;
  /** Seed of the per-replica RNGs (replica i uses seed + i). @default 1 */
  seed?: number;
  /** Data file size. @default 1073741824 (1 GiB) */
  mappedFileSize?: number;
  /** First data file position for new logs (upgrade divide). @default 0 */
  startPos?: number;
}

/** A DLedger replica group in process. */
export class DLedgerGroup {
  /** The shared network. */
  readonly network = new DLedgerNetwork();
  /** Replicas by id. */
  readonly nodes = new Map<string, DLedgerNode>();
  /** Replica ids in order. */
  readonly peers: readonly string[];

  constructor(opts: DLedgerGroupOptions) {
    const peers = opts.peers ?? ['n0', 'n1', 'n2'];
    this.peers = [...peers];
    const seed = opts.seed ?? 1;
    peers.forEach((id, i) => {
      const rng: Rng = mulberry32(seed + i);
      this.nodes.set(
        id,
        new DLedgerNode({
          group: opts.group ?? 'dledger-group',
          selfId: id,
          peers,
          baseDir: opts.baseDir,
          network: this.network,
          timeScale: opts.timeScale,
          rng,
          mappedFileSize: opts.mappedFileSize,
          startPos: opts.startPos,
        }),
      );
    });
  }

  /**
   * The replica with that id.
   * @throws ValidationError for an unknown id.
   */
  node(id: string): DLedgerNode {
    const n = this.nodes.get(id);
    if (!n) throw new ValidationError(`unknown dledger replica ${id}`);
    return n;
  }

  /** Starts every replica. */
  start(): void {
    for (const n of this.nodes.values()) n.start();
  }

  /** The running, unpaused replica that believes it leads with the highest term, if any. */
  leader(): DLedgerNode | undefined {
    let best: DLedgerNode | undefined;
    for (const n of this.nodes.values()) {
      if (n.isRunning && n.role === 'LEADER' && !this.network.isPaused(n.selfId) && (!best || n.term > best.term)) best = n;
    }
    return best;
  }

  /**
   * Resolves with a leader that a quorum of running replicas follows (or once any leader exists when
   * `requireFollowers` is false).
   * @throws RequestTimeoutError when none shows up within `timeoutMs` real milliseconds.
   */
  async waitForLeader(timeoutMs: number, requireFollowers = true): Promise<DLedgerNode> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const l = this.leader();
      if (l && (!requireFollowers || this.followersOf(l) + 1 >= Math.floor(this.peers.length / 2) + 1)) return l;
      if (Date.now() > deadline) throw new RequestTimeoutError(`no dledger leader within ${timeoutMs} ms`, timeoutMs);
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  private followersOf(l: DLedgerNode): number {
    let c = 0;
    for (const n of this.nodes.values()) {
      if (n !== l && n.isRunning && n.role === 'FOLLOWER' && n.leaderId === l.selfId && n.term === l.term) c++;
    }
    return c;
  }

  /** Kills a replica (files stay). */
  kill(id: string): void {
    this.node(id).stop();
  }

  /** Starts a killed replica again from its files. */
  restart(id: string): void {
    const n = this.node(id);
    n.stop();
    n.start();
  }

  /** SIGSTOPs a replica. */
  pause(id: string): void {
    this.node(id).pause();
  }

  /** SIGCONTs a replica. */
  resume(id: string): void {
    this.node(id).resume();
  }

  /** Cuts every link of a replica. */
  isolate(id: string): void {
    this.node(id);
    this.network.isolate(id);
  }

  /** Cuts the one-way link from→to. */
  cutLink(from: string, to: string): void {
    this.network.cutLink(from, to);
  }

  /** Restores all links. */
  heal(): void {
    this.network.heal();
  }

  /** Adds latency (real ms) on from→to. */
  setLatency(from: string, to: string, ms: number): void {
    this.network.setLatency(from, to, ms);
  }

  /** Stops every replica and the network (no timers left behind). */
  stop(): void {
    for (const n of this.nodes.values()) n.stop();
    this.network.close();
  }
}
