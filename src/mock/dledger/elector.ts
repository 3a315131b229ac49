/**
 * Leader election after DLedgerLeaderElector / MemberState (dledger 0.3.1.2), rule for rule:
 * - votes check the log before the term; a higher term makes the voter a candidate (REJECT_TERM_NOT_READY) that
 *   accepts the next request in that term;
 * - a candidate raises its term only after a round a quorum answered and it still lost (WAIT_TO_VOTE_NEXT), and
 *   re-votes in the same term otherwise, waiting an extra 3 heartbeats (6 s) when a voter reports a leader;
 * - a leader heartbeats every 2 s and steps down to CANDIDATE in the same term after > 6 s without a quorum; a
 *   higher term reported by a peer only matters when the round had no quorum of successes (sendHeartbeats order);
 * - a follower becomes a candidate after > 6 s without a heartbeat, checking from 4 s.
 * @module
 * @internal
 */

import type { HeartBeatRequest, HeartBeatResponse, VoteRequest, VoteResponse } from './messages.js';
import type { DLedgerNode } from './node.js';

type ParseResult = 'WAIT_TO_REVOTE' | 'REVOTE_IMMEDIATELY' | 'PASSED' | 'WAIT_TO_VOTE_NEXT';

const HEARTBEAT_MS = 2000;
const MAX_HEARTBEAT_LEAK = 3;
const MIN_VOTE_MS = 300;
const MAX_VOTE_MS = 1000;
const RPC_TIMEOUT_MS = 3000;

/** Election state machine of one node incarnation. @internal */
export class Elector {
  private knownMaxTermInGroup = -1;
  private lastLeaderHeartBeatTime = -Infinity;
  private lastSendHeartBeatTime = -Infinity;
  private lastSuccHeartBeatTime = -Infinity;
  private nextTimeToRequestVote = -Infinity;
  private needIncreaseTermImmediately = false;
  private lastParseResult: ParseResult = 'WAIT_TO_REVOTE';
  private epoch = 0;

  constructor(private readonly node: DLedgerNode) {}

  /** StateMaintainer: maintainState() then a 10 ms (scaled) pause, until the node stops. */
  async run(epoch: number): Promise<void> {
    this.epoch = epoch;
    const n = this.node;
    while (n.alive(epoch)) {
      if (n.role === 'LEADER') await this.maintainAsLeader();
      else if (n.role === 'FOLLOWER') this.maintainAsFollower();
      else await this.maintainAsCandidate();
      if (!(await n.sleep(n.ms(10), epoch))) return;
    }
  }

  private isQuorum(num: number): boolean {
    return num >= Math.floor(this.node.peers.length / 2) + 1;
  }

  private nextVoteTime(): number {
    return this.node.now() + this.node.ms(MIN_VOTE_MS + this.node.randomInt(MAX_VOTE_MS - MIN_VOTE_MS));
  }

  /** changeRoleToCandidate: remembers the larger term; currTerm itself moves in the next round (nextTerm). */
  changeRoleToCandidate(term: number): void {
    if (term < this.node.term) return;
    if (term > this.knownMaxTermInGroup) this.knownMaxTermInGroup = term;
    this.node.setRole('CANDIDATE', null);
  }

  private changeRoleToLeader(term: number): void {
    if (this.node.term !== term || !this.node.alive(this.epoch)) return;
    this.lastSendHeartBeatTime = -Infinity;
    this.node.setRole('LEADER', this.node.selfId);
    this.node.replicator.startDispatchers(term, this.epoch);
  }

  private changeRoleToFollower(term: number, leaderId: string): void {
    this.lastParseResult = 'WAIT_TO_REVOTE';
    this.node.setRole('FOLLOWER', leaderId);
    void term;
    this.lastLeaderHeartBeatTime = this.node.now();
  }

  private nextTerm(): number {
    const n = this.node;
    const term = this.knownMaxTermInGroup > n.term ? this.knownMaxTermInGroup : n.term + 1;
    n.setTermAndVote(term, null);
    return term;
  }

  /** handleVote: log check first, then term, then the vote itself. */
  handleVote(req: VoteRequest, self: boolean): VoteResponse {
    const n = this.node;
    const log = n.log;
    const answer = (voteResult: VoteResponse['voteResult'], term = n.term): VoteResponse => ({ term, voteResult });
    if (!n.peers.includes(req.leaderId)) return answer('REJECT_UNKNOWN_LEADER');
    if (!self && req.leaderId === n.selfId) return answer('REJECT_UNEXPECTED_LEADER');
    if (req.ledgerEndTerm < log.endTerm) return answer('REJECT_EXPIRED_LEDGER_TERM');
    if (req.ledgerEndTerm === log.endTerm && req.ledgerEndIndex < log.endIndex) return answer('REJECT_SMALL_LEDGER_END_INDEX');
    if (req.term < n.term) return answer('REJECT_EXPIRED_VOTE_TERM');
    if (req.term === n.term) {
      if (n.votedFor !== null && n.votedFor !== req.leaderId) {
        return answer(n.leaderId !== null ? 'REJECT_ALREADY_HAS_LEADER' : 'REJECT_ALREADY_VOTED');
      }
    } else {
      this.changeRoleToCandidate(req.term);
      this.needIncreaseTermImmediately = true;
      return answer('REJECT_TERM_NOT_READY');
    }
    if (req.term < log.endTerm) return answer('REJECT_TERM_SMALL_THAN_LEDGER', log.endTerm);
    n.setTermAndVote(n.term, req.leaderId);
    return answer('ACCEPT');
  }

  /** handleHeartBeat. */
  handleHeartBeat(req: HeartBeatRequest): HeartBeatResponse {
    const n = this.node;
    if (!n.peers.includes(req.leaderId)) return { term: n.term, code: 'UNKNOWN_MEMBER' };
    if (req.leaderId === n.selfId) return { term: n.term, code: 'UNEXPECTED_MEMBER' };
    if (req.term < n.term) return { term: n.term, code: 'EXPIRED_TERM' };
    if (req.term === n.term) {
      if (n.leaderId === null) {
        this.changeRoleToFollower(req.term, req.leaderId);
        return { term: n.term, code: 'SUCCESS' };
      }
      if (req.leaderId === n.leaderId) {
        this.lastLeaderHeartBeatTime = n.now();
        return { term: n.term, code: 'SUCCESS' };
      }
      return { term: n.term, code: 'INCONSISTENT_LEADER' };
    }
    // Larger term: become a candidate first and let the maintainer raise the term.
    this.changeRoleToCandidate(req.term);
    this.needIncreaseTermImmediately = true;
    return { term: n.term, code: 'TERM_NOT_READY' };
  }

  private maintainAsFollower(): void {
    const n = this.node;
    n.replicator.checkAbnormal();
    const since = n.now() - this.lastLeaderHeartBeatTime;
    if (since > n.ms(2 * HEARTBEAT_MS) && since > n.ms(MAX_HEARTBEAT_LEAK * HEARTBEAT_MS)) {
      this.changeRoleToCandidate(n.term);
    }
  }

  private async maintainAsLeader(): Promise<void> {
    const n = this.node;
    n.replicator.checkQuorum();
    if (n.now() - this.lastSendHeartBeatTime <= n.ms(HEARTBEAT_MS)) return;
    this.lastSendHeartBeatTime = n.now();
    const term = n.term;
    const leaderId = n.selfId;
    let succ = 1;
    let notReady = 0;
    let all = 1;
    let maxTerm = -1;
    let inconsistentLeader = false;
    let wake: () => void = () => undefined;
    const latch = new Promise<void>((r) => (wake = r));
    n.schedule(n.ms(HEARTBEAT_MS - 10), wake);
    for (const peer of n.peers) {
      if (peer === n.selfId) continue;
      const req: HeartBeatRequest = { type: 'HEARTBEAT', group: n.group, leaderId, term };
      n.network.request<HeartBeatResponse>(n.selfId, peer, req, n.ms(RPC_TIMEOUT_MS)).then(
        (r) => {
          if (r.code === 'SUCCESS') succ++;
          else if (r.code === 'EXPIRED_TERM') maxTerm = r.term;
          else if (r.code === 'INCONSISTENT_LEADER') inconsistentLeader = true;
          else if (r.code === 'TERM_NOT_READY') notReady++;
          if (this.isQuorum(succ) || this.isQuorum(succ + notReady)) wake();
          if (++all === n.peers.length) wake();
        },
        () => {
          if (++all === n.peers.length) wake();
        },
      );
    }
    await latch;
    if (!(await n.sleep(n.ms(10), this.epoch))) return;
    // DLedger's order: a quorum of successes keeps the leadership even when a minority peer reports a higher term.
    // That peer is a candidate whose term ran ahead (e.g. it raised it once more while cut off) but whose log is
    // behind, so it can never win; stepping down for it would only re-elect this node in the same term (its last
    // vote round PASSED, so it re-votes without a new term) and repeat the step-down at the next heartbeat: a
    // LEADER/CANDIDATE flap every few ms during which nothing commits and the broker never becomes master.
    if (this.isQuorum(succ)) {
      this.lastSuccHeartBeatTime = n.now();
    } else if (this.isQuorum(succ + notReady)) {
      this.lastSendHeartBeatTime = -Infinity;
    } else if (maxTerm > term) {
      this.changeRoleToCandidate(maxTerm);
    } else if (inconsistentLeader) {
      this.changeRoleToCandidate(term);
    } else if (n.now() - this.lastSuccHeartBeatTime > n.ms(MAX_HEARTBEAT_LEAK * HEARTBEAT_MS)) {
      this.changeRoleToCandidate(term);
    }
  }

  private async maintainAsCandidate(): Promise<void> {
    const n = this.node;
    if (n.now() < this.nextTimeToRequestVote && !this.needIncreaseTermImmediately) return;
    if (n.role !== 'CANDIDATE') return;
    let term: number;
    if (this.lastParseResult === 'WAIT_TO_VOTE_NEXT' || this.needIncreaseTermImmediately) {
      term = this.nextTerm();
      this.lastParseResult = 'WAIT_TO_REVOTE';
    } else {
      term = n.term;
    }
    const ledgerEndIndex = n.log.endIndex;
    const ledgerEndTerm = n.log.endTerm;
    if (this.needIncreaseTermImmediately) {
      this.nextTimeToRequestVote = this.nextVoteTime();
      this.needIncreaseTermImmediately = false;
      return;
    }
    let knownMaxTerm = term;
    let all = 0;
    let valid = 0;
    let accepted = 0;
    let notReady = 0;
    let biggerLedger = 0;
    let alreadyHasLeader = false;
    let wake: () => void = () => undefined;
    const latch = new Promise<void>((r) => (wake = r));
    const onAnswer = (r: VoteResponse | undefined): void => {
      if (r) {
        valid++;
        switch (r.voteResult) {
          case 'ACCEPT':
            accepted++;
            break;
          case 'REJECT_ALREADY_HAS_LEADER':
            alreadyHasLeader = true;
            break;
          case 'REJECT_TERM_SMALL_THAN_LEDGER':
          case 'REJECT_EXPIRED_VOTE_TERM':
            if (r.term > knownMaxTerm) knownMaxTerm = r.term;
            break;
          case 'REJECT_EXPIRED_LEDGER_TERM':
          case 'REJECT_SMALL_LEDGER_END_INDEX':
            biggerLedger++;
            break;
          case 'REJECT_TERM_NOT_READY':
            notReady++;
            break;
          default:
            break;
        }
        if (alreadyHasLeader || this.isQuorum(accepted) || this.isQuorum(accepted + notReady)) wake();
      }
      if (++all === n.peers.length) wake();
    };
    n.schedule(n.ms(2000 + n.randomInt(MAX_VOTE_MS)), wake);
    for (const peer of n.peers) {
      const req: VoteRequest = { type: 'VOTE', group: n.group, leaderId: n.selfId, term, ledgerEndTerm, ledgerEndIndex };
      if (peer === n.selfId) onAnswer(this.handleVote(req, true));
      else n.network.request<VoteResponse>(n.selfId, peer, req, n.ms(RPC_TIMEOUT_MS)).then(onAnswer, () => onAnswer(undefined));
    }
    await latch;
    if (!n.alive(this.epoch)) return;
    let result: ParseResult;
    if (knownMaxTerm > term) {
      result = 'WAIT_TO_VOTE_NEXT';
      this.nextTimeToRequestVote = this.nextVoteTime();
      this.changeRoleToCandidate(knownMaxTerm);
    } else if (alreadyHasLeader) {
      result = 'WAIT_TO_REVOTE';
      this.nextTimeToRequestVote = this.nextVoteTime() + n.ms(HEARTBEAT_MS * MAX_HEARTBEAT_LEAK);
    } else if (!this.isQuorum(valid)) {
      result = 'WAIT_TO_REVOTE';
      this.nextTimeToRequestVote = this.nextVoteTime();
    } else if (!this.isQuorum(valid - biggerLedger)) {
      result = 'WAIT_TO_REVOTE';
      this.nextTimeToRequestVote = this.nextVoteTime() + n.ms(MAX_VOTE_MS);
    } else if (this.isQuorum(accepted)) {
      result = 'PASSED';
    } else if (this.isQuorum(accepted + notReady)) {
      result = 'REVOTE_IMMEDIATELY';
    } else {
      result = 'WAIT_TO_VOTE_NEXT';
      this.nextTimeToRequestVote = this.nextVoteTime();
    }
    this.lastParseResult = result;
    if (result === 'PASSED') this.changeRoleToLeader(term);
  }
}
