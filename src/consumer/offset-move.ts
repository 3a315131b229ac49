/**
 * What to do with a PULL_OFFSET_MOVED answer (client status `OFFSET_ILLEGAL`).
 *
 * A broker answers it in two very different situations:
 * - the queue moved *forward* under us (retention deleted the offset we asked for: OFFSET_TOO_SMALL → minOffset).
 *   That is always real; we jump at once.
 * - the queue looks *shorter* than our offset (OFFSET_OVERFLOW_BADLY / NO_MESSAGE_IN_QUEUE → 0 or maxOffset). On a
 *   healthy broker that means the queue was truly truncated (store wiped, a replica rebuilt). But a stale master — a
 *   paused DLedger leader that resumed before learning it was deposed, or a fresh leader whose consume queue is still
 *   being rebuilt — answers exactly the same, and obeying it (as the Java client does) rewinds the queue to 0 and
 *   redelivers everything.
 *
 * So a backward move is only *suspected* at first: the caller refreshes the route, backs off and pulls again. It is
 * accepted once the same broker address has said so for {@link OffsetMoveGuardOptions.confirmMillis} and at least
 * {@link OffsetMoveGuardOptions.confirmPulls} pulls in a row. Any other answer (messages, no new message, retry) or an
 * answer from another address clears the suspicion — a stale master loses its route entry or steps down within
 * seconds, a truncated queue keeps saying the same thing.
 * @module
 */

import type { MessageQueue } from './types.js';

/** Payload of the consumers' `offsetMoved` event / callback: a PULL_OFFSET_MOVED that was obeyed. */
export interface OffsetMovedEvent {
  /** The queue. */
  mq: MessageQueue;
  /** The offset we pulled. */
  from: number;
  /** Where the broker told us to continue (now the queue's offset). */
  to: number;
  /** Whether it moved the queue backwards (a truncated queue: messages in between may be consumed again). */
  backward: boolean;
  /** The broker that answered. */
  brokerAddr: string;
  /** How many identical answers were seen before accepting (1 for a forward move). */
  confirmations: number;
}

/** Payload of the push consumer's `offsetMoveSuspected` event: a backward move that was not obeyed (yet). */
export interface OffsetMoveSuspectedEvent {
  /** The queue. */
  mq: MessageQueue;
  /** The offset we pulled (kept). */
  from: number;
  /** Where the broker told us to go. */
  to: number;
  /** The broker that answered. */
  brokerAddr: string;
  /** The queue's max offset according to that broker. */
  brokerMaxOffset: number;
  /** Identical answers so far. */
  confirmations: number;
}

/** Options of {@link OffsetMoveGuard}. */
export interface OffsetMoveGuardOptions {
  /**
   * How long one broker must keep answering the same backward move before it is obeyed, ms.
   * @default 10000
   */
  confirmMillis?: number;
  /**
   * How many identical answers in a row are needed, at least.
   * @default 3
   */
  confirmPulls?: number;
}

/** The verdict on one PULL_OFFSET_MOVED answer. */
export type OffsetMoveVerdict =
  | {
      /** Obey: move the queue to `to`. */
      kind: 'accept';
      /** Identical answers seen (1 for a forward move). */
      confirmations: number;
    }
  | {
      /** Keep the offset; refresh the route, back off and pull again. */
      kind: 'suspect';
      /** Identical answers seen so far. */
      confirmations: number;
    };

/** Per-queue judge of PULL_OFFSET_MOVED answers (one instance per owned queue). */
export class OffsetMoveGuard {
  private readonly confirmMillis: number;
  private readonly confirmPulls: number;
  private suspect: { from: number; to: number; brokerAddr: string; since: number; count: number } | undefined;

  /** @param options - confirmation window */
  constructor(options: OffsetMoveGuardOptions = {}) {
    this.confirmMillis = Math.max(0, options.confirmMillis ?? 10_000);
    this.confirmPulls = Math.max(1, options.confirmPulls ?? 3);
  }

  /** Whether a backward move is being checked. */
  get suspecting(): boolean {
    return this.suspect !== undefined;
  }

  /**
   * Judges one PULL_OFFSET_MOVED answer.
   * @param from - the offset pulled
   * @param to - the answer's nextBeginOffset
   * @param brokerAddr - who answered
   * @param now - clock, ms
   */
  judge(from: number, to: number, brokerAddr: string, now = Date.now()): OffsetMoveVerdict {
    if (to >= from) {
      this.suspect = undefined;
      return { kind: 'accept', confirmations: 1 };
    }
    const s = this.suspect;
    if (s === undefined || s.from !== from || s.to !== to || s.brokerAddr !== brokerAddr) {
      // A new claim (or a different broker making it) starts a new window: only one broker's persistence counts.
      this.suspect = { from, to, brokerAddr, since: now, count: 1 };
      return this.confirmPulls <= 1 && this.confirmMillis === 0 ? this.accepted() : { kind: 'suspect', confirmations: 1 };
    }
    s.count++;
    if (s.count >= this.confirmPulls && now - s.since >= this.confirmMillis) return this.accepted();
    return { kind: 'suspect', confirmations: s.count };
  }

  /** Any other pull answer: the broker is consistent with our offset again. */
  clear(): void {
    this.suspect = undefined;
  }

  /** The pause before re-asking while suspecting, ms: a fifth of the window (about five answers fit in it), 20 ms to 2 s. */
  retryDelay(): number {
    return Math.min(2000, Math.max(20, Math.ceil(this.confirmMillis / 5)));
  }

  private accepted(): OffsetMoveVerdict {
    const count = this.suspect?.count ?? 1;
    this.suspect = undefined;
    return { kind: 'accept', confirmations: count };
  }
}
