/**
 * `DLedgerNode`: one DLedger replica in process — MemberState, DLedgerLeaderElector (0.3.1.2 rules) and the
 * entry pusher over a file-backed {@link DLedgerLog}.
 *
 * The state maintainer ticks every 10 ms (scaled) like DLedger's StateMaintainer; a candidate's round and a
 * leader's heartbeat round block that loop as they do in Java. Every duration is the DLedger default times
 * `timeScale`; elapsed time is wall time (`performance.now()`), so a paused node wakes up late like a stopped JVM.
 * @module
 */

import { EventEmitter } from 'node:events';
import { performance } from 'node:perf_hooks';
import { ClientStateError, ValidationError } from '../../errors.js';
import { DLedgerLog } from './entry-log.js';
import type {
  DLedgerRequest,
  DLedgerResponse,
  DLedgerRole,
  HeartBeatRequest,
  HeartBeatResponse,
  VoteRequest,
  VoteResponse,
} from './messages.js';
import { readCheckpoint, readTermFile, writeCheckpoint, writeTermFile } from './persist.js';
import { EntryPusher, type AppendResult } from './pusher.js';
import { nextInt, type Rng } from './rng.js';
import type { DLedgerNetwork } from './transport.js';
import { Elector } from './elector.js';

/** Options of {@link DLedgerNode}. */
export interface DLedgerNodeOptions {
  /** Raft group name (RocketMQ: dLegerGroup, usually the broker name). */
  group: string;
  /** This replica's id, e.g. `n0`. */
  selfId: string;
  /** Ids of every replica of the group, this one included. */
  peers: string[];
  /** Store root; files go to `<baseDir>/dledger-<selfId>/`. */
  baseDir: string;
  /** The network the replicas talk over. */
  network: DLedgerNetwork;
  /** Multiplier applied to every DLedger duration (0.05 makes the 2 s heartbeat 100 ms). @default 1 */
  timeScale?: number;
  /** Random source for election backoffs; inject a seeded one (see `mulberry32`) to replay. @default Math.random */
  rng?: Rng;
  /** Data file size. @default 1073741824 (1 GiB) */
  mappedFileSize?: number;
  /** Position of the first data file of a new log (upgrade divide). @default 0 */
  startPos?: number;
}

/** Payload of the `roleChange` event. */
export interface RoleChangeEvent {
  /** New role. */
  role: DLedgerRole;
  /** Current term. */
  term: number;
  /** Known leader, or null. */
  leaderId: string | null;
}

/** Payload of the `committed` event: indexes `fromIndex..toIndex` became committed on this replica. */
export interface CommittedEvent {
  /** First newly committed index. */
  fromIndex: number;
  /** Last newly committed index (the new committed index). */
  toIndex: number;
}

/** Payload of the `truncated` event: entries `fromIndex..toIndex` were removed (or replaced) on this follower. */
export interface TruncatedEvent {
  /** First removed index. */
  fromIndex: number;
  /** Last removed index (the old end index). */
  toIndex: number;
}

/** Events of {@link DLedgerNode}. */
export interface DLedgerNodeEvents {
  /** Role, term or leader changed. */
  roleChange: [RoleChangeEvent];
  /** The committed index advanced. */
  committed: [CommittedEvent];
  /** A follower dropped entries during COMPARE/TRUNCATE. */
  truncated: [TruncatedEvent];
}

/** One DLedger replica. */
export class DLedgerNode extends EventEmitter<DLedgerNodeEvents> {
  /** Group name. */
  readonly group: string;
  /** This replica's id. */
  readonly selfId: string;
  /** All replica ids. */
  readonly peers: readonly string[];
  /** The network. */
  readonly network: DLedgerNetwork;
  /** Duration multiplier. */
  readonly timeScale: number;
  private readonly opts: DLedgerNodeOptions;
  private readonly rng: Rng;
  private _log: DLedgerLog | undefined;
  private _role: DLedgerRole = 'CANDIDATE';
  private _term = 0;
  private _voteFor: string | null = null;
  private _leaderId: string | null = null;
  private _committedIndex = -1;
  private _committedPos = -1;
  private epoch = 0;
  private running = false;
  private readonly timers = new Set<{ cancel(): void }>();
  private pusher!: EntryPusher;
  private elector!: Elector;
  private lastEmitted = '';
  private lastCheckpointAt = -Infinity;

  constructor(opts: DLedgerNodeOptions) {
    super();
    if (!opts.peers.includes(opts.selfId)) throw new ValidationError(`selfId ${opts.selfId} is not in peers`);
    if (new Set(opts.peers).size !== opts.peers.length) throw new ValidationError('peer ids must be unique');
    const timeScale = opts.timeScale ?? 1;
    if (!(timeScale > 0) || !Number.isFinite(timeScale)) throw new ValidationError('timeScale must be a positive number');
    this.opts = opts;
    this.group = opts.group;
    this.selfId = opts.selfId;
    this.peers = [...opts.peers];
    this.network = opts.network;
    this.timeScale = timeScale;
    this.rng = opts.rng ?? Math.random;
  }

  /** Current role. */
  get role(): DLedgerRole {
    return this._role;
  }
  /** Current term. */
  get term(): number {
    return this._term;
  }
  /** Who this replica voted for in the current term. */
  get votedFor(): string | null {
    return this._voteFor;
  }
  /** Known leader of the current term, or null. */
  get leaderId(): string | null {
    return this._leaderId;
  }
  /** Committed index (-1 when nothing is committed). */
  get committedIndex(): number {
    return this._committedIndex;
  }
  /** End position of the last committed entry (RocketMQ's max readable commitlog offset); -1 when none. */
  get committedPos(): number {
    return this._committedPos;
  }
  /** Whether the node is started. */
  get isRunning(): boolean {
    return this.running;
  }
  /**
   * The entry log (open while running).
   * @throws ClientStateError when the node has never been started.
   */
  get log(): DLedgerLog {
    if (!this._log) throw new ClientStateError(`dledger node ${this.selfId} was never started`);
    return this._log;
  }

  /** Starts (or restarts) from whatever is on disk: log recovery, persisted term and vote, role CANDIDATE. */
  start(): void {
    if (this.running) return;
    this._log = DLedgerLog.open({
      baseDir: this.opts.baseDir,
      selfId: this.selfId,
      mappedFileSize: this.opts.mappedFileSize,
      startPos: this.opts.startPos,
    });
    const persisted = readTermFile(this._log.dir);
    this._term = persisted.currTerm;
    this._voteFor = persisted.voteLeader;
    this._role = 'CANDIDATE';
    this._leaderId = null;
    const cp = readCheckpoint(this._log.dir);
    this._committedIndex = Math.min(cp.committedIndex, this._log.endIndex);
    this._committedPos = this.posAfter(this._committedIndex);
    this.epoch++;
    this.lastCheckpointAt = -Infinity;
    this.running = true;
    this.pusher = new EntryPusher(this);
    this.elector = new Elector(this);
    this.network.register(this.selfId, (from, req) => this.handle(from, req));
    this.emitRole();
    void this.elector.run(this.epoch);
  }

  /** Kills the replica: timers stop, the log closes, files stay. Parked appends end as WAIT_QUORUM_ACK_TIMEOUT. */
  stop(): void {
    if (!this.running) return;
    this.running = false;
    this.epoch++;
    this.network.unregister(this.selfId);
    for (const t of this.timers) t.cancel();
    this.timers.clear();
    this.pusher.failAllPending();
    this._log?.close();
  }

  /** Freezes the replica (SIGSTOP): handlers and timers wait for {@link resume}. */
  pause(): void {
    if (this.running) this.network.pause(this.selfId);
  }

  /** Thaws the replica (SIGCONT). */
  resume(): void {
    this.network.resume(this.selfId);
  }

  /**
   * DLedgerServer.handleAppend: writes locally at endIndex+1 in the current term, then waits for a quorum.
   * `beforeWrite(pos)` may patch `body` in place once the position is known.
   */
  async appendAsLeader(body: Buffer, beforeWrite?: (pos: number) => void): Promise<AppendResult> {
    return this.appendBatchAsLeader([body], beforeWrite && ((_, pos) => beforeWrite(pos)));
  }

  /** Batch append: one entry per body, only the last one is awaited (its result covers the batch). */
  async appendBatchAsLeader(bodies: Buffer[], beforeWrite?: (i: number, pos: number) => void): Promise<AppendResult> {
    if (!this.running || this._role !== 'LEADER') return { status: 'NOT_LEADER' };
    if (this.pusher.isPendingFull()) return { status: 'LEADER_PENDING_FULL' };
    if (bodies.length === 0) throw new ValidationError('empty batch');
    const term = this._term;
    let last = { index: -1, pos: -1 };
    bodies.forEach((b, i) => {
      last = this.log.append(term, b, beforeWrite && ((pos) => beforeWrite(i, pos)));
    });
    return this.pusher.waitAck(term, last.index, last.pos);
  }

  // ------------------------------------------------------------ internals shared with Elector / EntryPusher

  /** @internal Scales a DLedger default duration. */
  ms(defaultMs: number): number {
    return defaultMs * this.timeScale;
  }
  /** @internal Wall clock in ms. */
  now(): number {
    return performance.now();
  }
  /** @internal Whether loops of `epoch` should keep going. */
  alive(epoch: number): boolean {
    return this.running && this.epoch === epoch;
  }
  /** @internal A pause-aware timer owned by this node. */
  schedule(realMs: number, fn: () => void): void {
    const h = this.network.schedule(this.selfId, realMs, () => {
      this.timers.delete(h);
      fn();
    });
    this.timers.add(h);
  }
  /** @internal Sleeps; resolves false if the node died meanwhile. */
  sleep(realMs: number, epoch: number): Promise<boolean> {
    return new Promise((resolve) => this.schedule(realMs, () => resolve(this.alive(epoch))));
  }
  /** @internal The pusher of the running incarnation. */
  get replicator(): EntryPusher {
    return this.pusher;
  }
  /** @internal Random int in [0, bound). */
  randomInt(bound: number): number {
    return nextInt(this.rng, bound);
  }

  /** @internal MemberState.changeToCandidate (+ knownMaxTermInGroup handled by the elector). */
  setRole(role: DLedgerRole, leaderId: string | null): void {
    this._role = role;
    this._leaderId = leaderId;
    this.emitRole();
  }
  /** @internal Sets term and vote together and persists them (MemberState.persistTerm). */
  setTermAndVote(term: number, voteFor: string | null): void {
    this._term = term;
    this._voteFor = voteFor;
    writeTermFile(this.log.dir, { currTerm: term, voteLeader: voteFor });
    this.emitRole();
  }

  /** @internal DLedgerStore.updateCommittedIndex: never backwards, never past the log end. */
  updateCommittedIndex(index: number): void {
    const log = this.log;
    if (index === -1 || log.endIndex === -1 || index < this._committedIndex || index < log.beginIndex) return;
    const to = Math.min(index, log.endIndex);
    if (to <= this._committedIndex) return;
    const from = this._committedIndex + 1;
    this._committedIndex = to;
    this._committedPos = this.posAfter(to);
    // DLedger's flush service writes the checkpoint every 3 s, so a kill may restart from an older one.
    if (this.now() - this.lastCheckpointAt > this.ms(3000)) {
      this.lastCheckpointAt = this.now();
      writeCheckpoint(log.dir, { endIndex: log.endIndex, committedIndex: to });
    }
    this.emit('committed', { fromIndex: from, toIndex: to });
  }

  /** @internal Called by the follower handler after it removed entries. */
  onTruncated(fromIndex: number, toIndex: number): void {
    if (this._committedIndex > this.log.endIndex) {
      // dledger #316: never leave committedIndex beyond the log end after a truncate.
      this._committedIndex = this.log.endIndex;
      this._committedPos = this.posAfter(this._committedIndex);
    }
    this.emit('truncated', { fromIndex, toIndex });
  }

  private posAfter(index: number): number {
    const m = index >= 0 ? this._log?.meta(index) : undefined;
    return m ? m.pos + m.size : -1;
  }

  private emitRole(): void {
    const k = `${this._role}|${this._term}|${this._leaderId}`;
    if (k === this.lastEmitted) return;
    this.lastEmitted = k;
    this.emit('roleChange', { role: this._role, term: this._term, leaderId: this._leaderId });
  }

  private handle(_from: string, req: DLedgerRequest): DLedgerResponse | Promise<DLedgerResponse> {
    switch (req.type) {
      case 'VOTE':
        return req.group === this.group
          ? this.elector.handleVote(req as VoteRequest, false)
          : ({ term: this._term, voteResult: 'REJECT_UNKNOWN_LEADER' } satisfies VoteResponse);
      case 'HEARTBEAT':
        return req.group === this.group
          ? this.elector.handleHeartBeat(req as HeartBeatRequest)
          : ({ term: this._term, code: 'UNKNOWN_GROUP' } satisfies HeartBeatResponse);
      case 'PUSH':
        if (req.group !== this.group) {
          return { term: this._term, code: 'UNKNOWN_GROUP', index: -1, beginIndex: -1, endIndex: -1 };
        }
        return this.pusher.handlePush(req);
    }
  }
}
