/**
 * DLedger mode glue (Java `DLedgerCommitLog` + `DLedgerRoleChangeHandler`):
 * - the replica's log, cut at the committed position, is the store's commitlog source (physical offset = pos + 48);
 * - committed entries are dispatched into consume queues and the index on every replica, in commit order;
 * - the leader prepares a record (queue offset taken), appends it with PHYSICALOFFSET patched to pos + 48 and waits
 *   for a quorum; failures answer with the simulated version's codes (options.ts);
 * - the role handler runs one change at a time: CANDIDATE (unless already SLAVE) or FOLLOWER → SLAVE with brokerId
 *   selfNum + 1; LEADER → wait until the log is fully committed and dispatched, recover the topic queue table, then
 *   SYNC_MASTER with brokerId 0. Each change re-registers with the nameservers.
 * @module
 */
import type { DLedgerNode, RoleChangeEvent } from '../dledger/node.js';
import { ENTRY_HEADER_SIZE } from '../dledger/entry-codec.js';
import type { CommitLogSource, PutMessageInput, PutMessageResult, SourceRecord } from '../store/types.js';
import { ResponseCode } from '../../protocol/response-codes.js';
import { scaled, sleep, TimerSet } from '../timing.js';
import type { MockBroker, PutOutcome } from './broker.js';
import { rejectDLedgerSync, rejectQuorumTimeout } from './options.js';
import { copyConfig } from './replication.js';

const LEADER_CHECK_MS = 100;
const SYNC_OFFSETS_MS = 10_000;

/** The committed part of a replica's log, as the store's commitlog source. */
class CommittedSource implements CommitLogSource {
  constructor(private readonly node: DLedgerNode) {}

  private get committedEnd(): number {
    return this.node.committedPos;
  }

  get maxOffset(): number {
    const end = this.committedEnd;
    return end > 0 ? end : this.node.log.startPos;
  }

  get minOffset(): number {
    const first = this.node.log.meta(this.node.log.beginIndex);
    return first ? first.pos + ENTRY_HEADER_SIZE : this.node.log.startPos;
  }

  read(physOffset: number): Buffer | undefined {
    const pos = physOffset - ENTRY_HEADER_SIZE;
    if (pos < 0 || physOffset >= this.committedEnd) return undefined;
    return this.node.log.getByPos(pos)?.body;
  }

  *scan(fromPhysOffset: number): Iterable<SourceRecord> {
    const log = this.node.log;
    const last = this.node.committedIndex;
    for (let i = Math.max(0, log.beginIndex); i <= last && i >= 0; i++) {
      const m = log.meta(i);
      if (!m || m.pos + ENTRY_HEADER_SIZE < fromPhysOffset) continue;
      const e = log.get(i);
      if (e) yield { physOffset: e.pos + ENTRY_HEADER_SIZE, bytes: e.body };
    }
  }
}

/** DLedger mode of one broker. */
export class DLedgerGlue {
  private readonly selfNum: number;
  private dispatchedIndex = -1;
  private chain: Promise<void> = Promise.resolve();
  private readonly timers = new TimerSet();
  private stopped = false;
  private handling: string | undefined;
  private readonly onRole = (e: RoleChangeEvent): void => {
    this.chain = this.chain
      .then(async () => {
        this.handling = `${e.role}@${e.term}`;
        await this.handleRole(e);
      })
      .catch(() => undefined)
      .finally(() => (this.handling = undefined));
  };
  private readonly onCommitted = (): void => this.dispatchCommitted();

  /**
   * @param broker - the broker
   * @param node - its replica
   */
  constructor(
    private readonly broker: MockBroker,
    readonly node: DLedgerNode,
  ) {
    this.selfNum = Number(node.selfId.slice(1));
  }

  /** Last committed index dispatched into the consume queues and index (diagnostics). */
  get dispatchedUpTo(): number {
    return this.dispatchedIndex;
  }

  /** The role change the handler is working on (`LEADER@7`), or undefined when idle (diagnostics). */
  get pendingRole(): string | undefined {
    return this.handling;
  }

  /** Starts the replica, attaches its committed log to the store, and listens for commits and role changes. */
  start(): void {
    this.node.on('committed', this.onCommitted);
    this.node.on('roleChange', this.onRole);
    this.node.start();
    this.broker.store.attachSource(new CommittedSource(this.node));
    this.dispatchedIndex = this.node.committedIndex;
    // The first role (CANDIDATE) may have been announced inside start(), before the listener could act on the store.
    this.onRole({ role: this.node.role, term: this.node.term, leaderId: this.node.leaderId });
    this.timers.every(scaled(SYNC_OFFSETS_MS, this.broker.timeScale), () => this.syncFromMaster());
  }

  /** Stops the replica (files kept). */
  stop(): void {
    this.stopped = true;
    this.timers.clear();
    this.node.off('committed', this.onCommitted);
    this.node.off('roleChange', this.onRole);
    this.node.stop();
  }

  /** Dispatches every newly committed entry into the consume queues and index. */
  dispatchCommitted(): void {
    if (this.stopped || !this.broker.running) return;
    const log = this.node.log;
    const upTo = this.node.committedIndex;
    let any = false;
    while (this.dispatchedIndex < upTo) {
      const e = log.get(this.dispatchedIndex + 1);
      if (!e) break;
      this.broker.store.dispatchCommitted(e.pos + ENTRY_HEADER_SIZE, e.body);
      this.dispatchedIndex++;
      any = true;
    }
    if (any) this.broker.pullHold.notifyArrival();
  }

  /** Leader append of one record. */
  async put(input: PutMessageInput): Promise<PutOutcome> {
    const version = this.broker.brokerVersion;
    if (this.node.role !== 'LEADER') return { ok: false, ...rejectDLedgerSync(version) };
    const prepared = this.broker.store.prepareRecord(input);
    let result: PutMessageResult | undefined;
    const res = await this.node.appendAsLeader(prepared.bytes, (pos) => {
      result = prepared.commit(pos + ENTRY_HEADER_SIZE);
    });
    if (result === undefined) {
      prepared.abort();
      return { ok: false, ...rejectDLedgerSync(version) };
    }
    switch (res.status) {
      case 'SUCCESS':
        this.dispatchCommitted();
        return { ok: true, result, status: 'SEND_OK' };
      case 'WAIT_QUORUM_ACK_TIMEOUT':
        return { ok: false, ...rejectQuorumTimeout(version) };
      case 'TERM_CHANGED':
        return { ok: false, code: ResponseCode.SYSTEM_ERROR, remark: 'UNKNOWN_ERROR' };
      default:
        return { ok: false, code: ResponseCode.SERVICE_NOT_AVAILABLE, remark: 'service not available now' };
    }
  }

  private async handleRole(e: RoleChangeEvent): Promise<void> {
    if (this.stopped) return;
    switch (e.role) {
      case 'CANDIDATE':
        if (this.broker.role !== 'SLAVE') await this.broker.changeRole('SLAVE', this.selfNum + 1);
        return;
      case 'FOLLOWER':
        await this.broker.changeRole('SLAVE', this.selfNum + 1);
        return;
      case 'LEADER': {
        const term = e.term;
        for (;;) {
          if (this.stopped || this.node.role !== 'LEADER' || this.node.term !== term) return;
          this.dispatchCommitted();
          if (this.node.log.endIndex === this.node.committedIndex && this.dispatchedIndex === this.node.committedIndex) break;
          await sleep(scaled(LEADER_CHECK_MS, this.broker.timeScale));
        }
        this.broker.store.recoverTopicQueueTable();
        await this.broker.changeRole('SYNC_MASTER', 0);
        return;
      }
    }
  }

  /** Followers copy topics and consumer offsets from the current master every 10 s (scaled). */
  private syncFromMaster(): void {
    if (this.broker.role !== 'SLAVE') return;
    const master = this.broker.peers().find((b) => b !== this.broker && b.running && b.role === 'SYNC_MASTER');
    if (master) copyConfig(master, this.broker);
  }
}
