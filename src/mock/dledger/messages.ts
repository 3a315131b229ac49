/**
 * The in-process RPCs between DLedger replicas: VOTE, HEARTBEAT and PUSH (APPEND / COMPARE / TRUNCATE / COMMIT),
 * with the result names DLedger uses (VoteResponse.RESULT, DLedgerResponseCode). Entries travel as their raw
 * on-disk bytes (48-byte header + body), so followers store exactly what the leader stored.
 * @module
 */

/** Replica roles (MemberState.Role). */
export type DLedgerRole = 'CANDIDATE' | 'FOLLOWER' | 'LEADER';

/** A candidate asking for a vote. */
export interface VoteRequest {
  /** Message kind. */
  type: 'VOTE';
  /** Raft group name. */
  group: string;
  /** The candidate (DLedger calls it leaderId). */
  leaderId: string;
  /** Term the candidate campaigns in. */
  term: number;
  /** Term of the candidate's last entry. */
  ledgerEndTerm: number;
  /** Index of the candidate's last entry. */
  ledgerEndIndex: number;
}

/** VoteResponse.RESULT values. */
export type VoteResult =
  | 'ACCEPT'
  | 'REJECT_UNKNOWN_LEADER'
  | 'REJECT_UNEXPECTED_LEADER'
  | 'REJECT_EXPIRED_VOTE_TERM'
  | 'REJECT_ALREADY_VOTED'
  | 'REJECT_ALREADY_HAS_LEADER'
  | 'REJECT_TERM_NOT_READY'
  | 'REJECT_TERM_SMALL_THAN_LEDGER'
  | 'REJECT_EXPIRED_LEDGER_TERM'
  | 'REJECT_SMALL_LEDGER_END_INDEX';

/** Answer to a {@link VoteRequest}. */
export interface VoteResponse {
  /** The voter's current term (or its ledger end term for REJECT_TERM_SMALL_THAN_LEDGER). */
  term: number;
  /** The verdict. */
  voteResult: VoteResult;
}

/** Leader heartbeat. */
export interface HeartBeatRequest {
  /** Message kind. */
  type: 'HEARTBEAT';
  /** Raft group name. */
  group: string;
  /** The leader. */
  leaderId: string;
  /** Leader's term. */
  term: number;
}

/** DLedgerResponseCode names used by this mock. */
export type DLedgerCode =
  | 'SUCCESS'
  | 'UNKNOWN_GROUP'
  | 'UNKNOWN_MEMBER'
  | 'UNEXPECTED_MEMBER'
  | 'EXPIRED_TERM'
  | 'TERM_NOT_READY'
  | 'INCONSISTENT_LEADER'
  | 'INCONSISTENT_TERM'
  | 'INCONSISTENT_STATE'
  | 'NOT_FOLLOWER'
  | 'REPEATED_PUSH';

/** Answer to a {@link HeartBeatRequest}. */
export interface HeartBeatResponse {
  /** Responder's term. */
  term: number;
  /** Result code. */
  code: DLedgerCode;
}

/** PushEntryRequest.Type. */
export type PushType = 'APPEND' | 'COMPARE' | 'TRUNCATE' | 'COMMIT';

/** Leader → follower replication message. */
export interface PushRequest {
  /** Message kind. */
  type: 'PUSH';
  /** Raft group name. */
  group: string;
  /** The leader. */
  leaderId: string;
  /** Leader's term. */
  term: number;
  /** What to do. */
  pushType: PushType;
  /** Raw entry bytes (absent for COMMIT). */
  entry?: Buffer;
  /** Leader's committed index. */
  commitIndex: number;
}

/** Answer to a {@link PushRequest}. */
export interface PushResponse {
  /** Responder's term. */
  term: number;
  /** Result code. */
  code: DLedgerCode;
  /** Index the request was about (-1 for COMMIT). */
  index: number;
  /** Responder's first index. */
  beginIndex: number;
  /** Responder's last index. */
  endIndex: number;
}

/** Any request between replicas. */
export type DLedgerRequest = VoteRequest | HeartBeatRequest | PushRequest;
/** Any answer between replicas. */
export type DLedgerResponse = VoteResponse | HeartBeatResponse | PushResponse;
