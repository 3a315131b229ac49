/**
 * Replication, after DLedgerEntryPusher (0.3.1.2): per-follower dispatchers on the leader (COMPARE → TRUNCATE →
 * APPEND, re-push after 1 s, COMMIT every 1 s when idle), the quorum-ack checker (commit = median of this term's
 * watermarks, 2.5 s ack timeout) and the follower's entry handler (in-order appends at the exact pos, buffering
 * out-of-order pushes for up to 1 s).
 * @module
 * @internal
 */

import { sameEntryHeader, decodeEntry } from './entry-codec.js';
import { isInconsistentState, type DLedgerLog } from './entry-log.js';
import type { DLedgerCode, DLedgerRole, PushRequest, PushResponse, PushType } from './messages.js';
import type { DLedgerNetwork } from './transport.js';

/** Result of a leader append (AppendEntryResponse code names). */
export type AppendStatus = 'SUCCESS' | 'WAIT_QUORUM_ACK_TIMEOUT' | 'TERM_CHANGED' | 'NOT_LEADER' | 'LEADER_PENDING_FULL';

/** What {@link DLedgerNode.appendAsLeader} resolves with. */
export interface AppendResult {
  /** Outcome. Only SUCCESS means "on a quorum"; a timeout is ambiguous (the entry may still commit). */
  status: AppendStatus;
  /** Index of the (last) entry, when it was written locally. */
  index?: number;
  /** Position of the (last) entry, when it was written locally. */
  pos?: number;
}

/** Node internals the pusher needs. @internal */
export interface PusherHost {
  readonly selfId: string;
  readonly group: string;
  readonly peers: readonly string[];
  readonly network: DLedgerNetwork;
  readonly log: DLedgerLog;
  readonly role: DLedgerRole;
  readonly term: number;
  readonly leaderId: string | null;
  readonly committedIndex: number;
  ms(defaultMs: number): number;
  now(): number;
  sleep(realMs: number, epoch: number): Promise<boolean>;
  alive(epoch: number): boolean;
  schedule(realMs: number, fn: () => void): void;
  updateCommittedIndex(index: number): void;
  onTruncated(fromIndex: number, toIndex: number): void;
}

interface Pending {
  term: number;
  index: number;
  pos: number;
  resolve: (r: AppendResult) => void;
}

interface Buffered {
  req: PushRequest;
  at: number;
  answer: (r: PushResponse) => void;
}

const MAX_PENDING_REQUESTS = 10_000; // maxPendingRequestsNum
const DISPATCHER_MAX_PENDING = 1000;

/** Leader and follower halves of replication for one node. @internal */
export class EntryPusher {
  private watermarks = new Map<string, number>();
  private watermarkTerm = -1;
  private readonly pending = new Map<number, Pending>();
  private lastSelfMarkAt = 0;
  private readonly buffered = new Map<number, Buffered>();
  private lastAbnormalCheck = 0;

  constructor(private readonly host: PusherHost) {}

  // ---------------------------------------------------------------- leader side

  /** Starts one dispatcher per peer for the leadership of `term`. */
  startDispatchers(term: number, epoch: number): void {
    this.watermarkTerm = term;
    this.watermarks = new Map([...this.host.peers].map((p) => [p, -1]));
    this.watermarks.set(this.host.selfId, this.host.log.endIndex);
    for (const peer of this.host.peers) if (peer !== this.host.selfId) void this.dispatch(peer, term, epoch);
  }

  /** LEADER_PENDING_FULL check of handleAppend. */
  isPendingFull(): boolean {
    return this.pending.size >= MAX_PENDING_REQUESTS;
  }

  /** Parks a future for entry `index` written in `term`; resolves on quorum, timeout or term change. */
  waitAck(term: number, index: number, pos: number): Promise<AppendResult> {
    this.updateWatermark(term, this.host.selfId, index);
    if (this.host.peers.length === 1) return Promise.resolve({ status: 'SUCCESS', index, pos });
    return new Promise((resolve) => {
      const p: Pending = { term, index, pos, resolve };
      this.pending.set(index, p);
      this.host.schedule(this.host.ms(2500), () => this.finish(p, 'WAIT_QUORUM_ACK_TIMEOUT'));
      this.checkQuorum();
    });
  }

  /** Ends every parked future (the node stopped): the outcome is unknown to the caller, hence a timeout. */
  failAllPending(): void {
    for (const p of [...this.pending.values()]) this.finish(p, 'WAIT_QUORUM_ACK_TIMEOUT');
  }

  /** QuorumAckChecker pass: commit the median watermark and complete futures up to it. */
  checkQuorum(): void {
    const h = this.host;
    if (h.role !== 'LEADER') return;
    for (const p of [...this.pending.values()]) if (p.term !== h.term) this.finish(p, 'TERM_CHANGED');
    if (this.watermarkTerm !== h.term) return;
    if (h.now() - this.lastSelfMarkAt > h.ms(1000)) {
      this.updateWatermark(h.term, h.selfId, h.log.endIndex, false);
      this.lastSelfMarkAt = h.now();
    }
    const sorted = [...this.watermarks.values()].sort((a, b) => b - a);
    const quorumIndex = sorted[Math.floor(sorted.length / 2)];
    h.updateCommittedIndex(quorumIndex);
    for (const p of [...this.pending.values()]) if (p.index <= quorumIndex) this.finish(p, 'SUCCESS');
  }

  private finish(p: Pending, status: AppendStatus): void {
    if (this.pending.get(p.index) !== p) return;
    this.pending.delete(p.index);
    p.resolve({ status, index: p.index, pos: p.pos });
  }

  private updateWatermark(term: number, peer: string, index: number, check = true): void {
    if (term !== this.watermarkTerm) return;
    if ((this.watermarks.get(peer) ?? -1) < index) this.watermarks.set(peer, index);
    if (check) this.checkQuorum();
  }

  private push(peer: string, term: number, type: PushType, entry: Buffer | undefined): Promise<PushResponse> {
    const h = this.host;
    const req: PushRequest = { type: 'PUSH', group: h.group, leaderId: h.selfId, term, pushType: type, commitIndex: h.committedIndex };
    if (entry) req.entry = entry;
    return h.network.request<PushResponse>(h.selfId, peer, req, h.ms(3000));
  }

  /** EntryDispatcher for one peer during one leadership. */
  private async dispatch(peer: string, term: number, epoch: number): Promise<void> {
    const h = this.host;
    const st = { type: 'COMPARE' as 'COMPARE' | 'TRUNCATE' | 'APPEND', compareIndex: -1, writeIndex: 0, lastCommitPush: -1, lastLeakCheck: 0 };
    const sentAt = new Map<number, number>();
    const live = (): boolean => h.alive(epoch) && h.role === 'LEADER' && h.term === term;
    const changeState = (index: number, type: typeof st.type): void => {
      st.compareIndex = -1;
      if (type === 'APPEND') {
        this.updateWatermark(term, peer, index);
        st.writeIndex = index + 1;
      } else if (type === 'COMPARE') sentAt.clear();
      st.type = type;
    };
    const appendInner = (index: number): void => {
      const raw = h.log.getRaw(index);
      if (!raw) return;
      sentAt.set(index, h.now());
      this.push(peer, term, 'APPEND', raw).then(
        (r) => {
          if (!live()) return;
          if (r.code === 'SUCCESS') {
            sentAt.delete(index);
            this.updateWatermark(term, peer, index);
          } else if (r.code === 'INCONSISTENT_STATE') changeState(-1, 'COMPARE');
        },
        () => undefined, // lost: re-pushed by the 1 s check below
      );
    };
    // doCheckAppendResponse: the entry right after the peer's watermark, unanswered for > maxPushTimeOutMs, was lost
    // (a cut link, an isolated or restarted peer): push it again.
    const checkAppendResponse = (): void => {
      const wm = this.watermarks.get(peer) ?? -1;
      const t = sentAt.get(wm + 1);
      if (t !== undefined && h.now() - t > h.ms(1000)) appendInner(wm + 1);
    };
    while (live()) {
      try {
        if (st.type === 'COMPARE') {
          await this.doCompare(peer, term, st, live, changeState);
        } else {
          const log = h.log;
          while (live() && st.type === 'APPEND') {
            if (st.writeIndex > log.endIndex) {
              if (h.now() - st.lastCommitPush > h.ms(1000)) {
                st.lastCommitPush = h.now();
                this.push(peer, term, 'COMMIT', undefined).catch(() => undefined);
              }
              checkAppendResponse();
              break;
            }
            if (sentAt.size >= DISPATCHER_MAX_PENDING || h.now() - st.lastLeakCheck > h.ms(1000)) {
              const wm = this.watermarks.get(peer) ?? -1;
              for (const i of sentAt.keys()) if (i < wm) sentAt.delete(i);
              st.lastLeakCheck = h.now();
            }
            if (sentAt.size >= DISPATCHER_MAX_PENDING) {
              // As DLedger: a full window still re-pushes the lost entry, or a follower that missed pushes under
              // steady load would never catch up (only when appends stop would the idle branch above retry).
              checkAppendResponse();
              break;
            }
            appendInner(st.writeIndex++);
          }
        }
        if (!(await h.sleep(1, epoch))) return;
      } catch {
        changeState(-1, 'COMPARE');
        if (!(await h.sleep(h.ms(500), epoch))) return;
      }
    }
  }

  private async doCompare(
    peer: string,
    term: number,
    st: { type: string; compareIndex: number; lastCommitPush: number },
    live: () => boolean,
    changeState: (index: number, type: 'COMPARE' | 'TRUNCATE' | 'APPEND') => void,
  ): Promise<void> {
    const log = this.host.log;
    while (live() && st.type === 'COMPARE') {
      if (st.compareIndex === -1 && log.endIndex === -1) return;
      if (st.compareIndex === -1) st.compareIndex = log.endIndex;
      else if (st.compareIndex > log.endIndex || st.compareIndex < log.beginIndex) st.compareIndex = log.endIndex;
      const r = await this.push(peer, term, 'COMPARE', log.getRaw(st.compareIndex));
      if (!live()) return;
      if (r.code !== 'SUCCESS' && r.code !== 'INCONSISTENT_STATE') throw new Error(`compare answered ${r.code}`);
      let truncateIndex = -1;
      if (r.code === 'SUCCESS') truncateIndex = st.compareIndex;
      else if (r.endIndex < log.beginIndex || r.beginIndex > log.endIndex) truncateIndex = log.beginIndex;
      else if (st.compareIndex < r.beginIndex) truncateIndex = log.beginIndex;
      else if (st.compareIndex > r.endIndex) st.compareIndex = r.endIndex;
      else st.compareIndex--;
      if (st.compareIndex < log.beginIndex) truncateIndex = log.beginIndex;
      if (truncateIndex !== -1) {
        changeState(truncateIndex, 'TRUNCATE');
        const t = await this.push(peer, term, 'TRUNCATE', log.getRaw(truncateIndex));
        if (!live()) return;
        if (t.code !== 'SUCCESS') throw new Error(`truncate answered ${t.code}`);
        st.lastCommitPush = this.host.now();
        changeState(truncateIndex, 'APPEND');
        return;
      }
    }
  }

  // ---------------------------------------------------------------- follower side

  /** Handles a PUSH on this node (DLedgerEntryPusher.EntryHandler + the store's follower checks). */
  handlePush(req: PushRequest): Promise<PushResponse> | PushResponse {
    const h = this.host;
    const reply = (code: DLedgerCode, index: number): PushResponse => ({
      term: h.term,
      code,
      index,
      beginIndex: h.log.beginIndex,
      endIndex: h.log.endIndex,
    });
    if (h.role !== 'FOLLOWER') return reply('NOT_FOLLOWER', -1);
    if (req.term !== h.term) return reply('INCONSISTENT_TERM', -1);
    if (req.leaderId !== h.leaderId) return reply('INCONSISTENT_LEADER', -1);
    let entry;
    try {
      entry = req.entry ? decodeEntry(req.entry) : undefined;
    } catch {
      return reply('INCONSISTENT_STATE', -1);
    }
    switch (req.pushType) {
      case 'COMMIT':
        h.updateCommittedIndex(req.commitIndex);
        return reply('SUCCESS', -1);
      case 'COMPARE': {
        this.dropBuffered();
        if (!entry) return reply('INCONSISTENT_STATE', -1);
        const local = h.log.get(entry.index);
        return reply(local && sameEntryHeader(local, entry) ? 'SUCCESS' : 'INCONSISTENT_STATE', entry.index);
      }
      case 'TRUNCATE': {
        this.dropBuffered();
        if (!entry || !req.entry) return reply('INCONSISTENT_STATE', -1);
        const oldEnd = h.log.endIndex;
        const local = h.log.get(entry.index);
        h.log.truncateAndWrite(req.entry);
        const from = local && sameEntryHeader(local, entry) ? entry.index + 1 : entry.index;
        if (oldEnd >= from) h.onTruncated(from, oldEnd);
        h.updateCommittedIndex(req.commitIndex);
        return reply('SUCCESS', entry.index);
      }
      case 'APPEND': {
        if (!entry || !req.entry) return reply('INCONSISTENT_STATE', -1);
        if (entry.index <= h.log.endIndex) {
          // Already have it (a re-push): fine if it is the same entry.
          const local = h.log.get(entry.index);
          return reply(local && sameEntryHeader(local, entry) ? 'SUCCESS' : 'INCONSISTENT_STATE', entry.index);
        }
        if (this.buffered.has(entry.index)) return reply('REPEATED_PUSH', entry.index);
        return new Promise((answer) => {
          this.buffered.set(entry.index, { req, at: h.now(), answer });
          this.drain();
        });
      }
    }
  }

  /** Appends buffered pushes that are next in line. */
  private drain(): void {
    const h = this.host;
    for (let b = this.buffered.get(h.log.endIndex + 1); b; b = this.buffered.get(h.log.endIndex + 1)) {
      const index = h.log.endIndex + 1;
      this.buffered.delete(index);
      const res = (code: DLedgerCode): PushResponse => ({ term: h.term, code, index, beginIndex: h.log.beginIndex, endIndex: h.log.endIndex });
      if (h.role !== 'FOLLOWER' || b.req.term !== h.term || b.req.leaderId !== h.leaderId) {
        b.answer(res('INCONSISTENT_STATE'));
        continue;
      }
      try {
        h.log.appendAt(b.req.entry as Buffer);
      } catch (err) {
        // Wrong pos/index is INCONSISTENT_STATE; an entry too big for a data file can never be stored either.
        void isInconsistentState(err);
        b.answer(res('INCONSISTENT_STATE'));
        continue;
      }
      b.answer(res('SUCCESS'));
      h.updateCommittedIndex(b.req.commitIndex);
    }
  }

  /** checkAbnormalFuture: once a second, a push stuck behind a gap for more than 1 s gets INCONSISTENT_STATE. */
  checkAbnormal(): void {
    const h = this.host;
    if (h.now() - this.lastAbnormalCheck < h.ms(1000) || this.buffered.size === 0) return;
    this.lastAbnormalCheck = h.now();
    if (this.buffered.has(h.log.endIndex + 1)) return this.drain();
    let min = Infinity;
    for (const [i, b] of this.buffered) if (h.now() - b.at > h.ms(1000) && i < min) min = i;
    const b = this.buffered.get(min);
    if (!b) return;
    this.buffered.delete(min);
    b.answer({ term: h.term, code: 'INCONSISTENT_STATE', index: min, beginIndex: h.log.beginIndex, endIndex: h.log.endIndex });
  }

  /** COMPARE/TRUNCATE clear the write queue; those pushes are never answered (the leader times them out). */
  private dropBuffered(): void {
    this.buffered.clear();
  }
}
