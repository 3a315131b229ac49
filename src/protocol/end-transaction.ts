/**
 * END_TRANSACTION (37): producer → master, oneway, commits or rolls back a half message; also the answer to
 * CHECK_TRANSACTION_STATE (with fromTransactionCheck=true). Java: `header/EndTransactionRequestHeader`,
 * `DefaultMQProducerImpl#endTransaction`, broker `EndTransactionProcessor`.
 *
 * Request header:
 * | field | type | required | notes |
 * |---|---|---|---|
 * | topic | string | no (5.x) | |
 * | producerGroup | string | yes | |
 * | tranStateTableOffset | long | yes | the half message's queue offset |
 * | commitLogOffset | long | yes | from its offsetMsgId |
 * | commitOrRollback | int | yes | {@link TransactionType} |
 * | fromTransactionCheck | boolean | yes | |
 * | msgId | string | yes | UNIQ_KEY |
 * | transactionId | string | no | |
 * Remark: optional error text from the local transaction.
 * Response (if the request was not oneway): SUCCESS; a slave answers SLAVE_NOT_AVAILABLE.
 * @module
 */

import type { ErrorContext } from '../errors.js';
import { createRequest, createResponse, type RemotingCommand } from '../remoting/command.js';
import { expectCodes, expectRequestCode, fromExtFields, toExtFields, type HeaderSchema } from './header-fields.js';
import { RequestCode } from './request-codes.js';
import { ResponseCode } from './response-codes.js';

/** `commitOrRollback` values (Java `MessageSysFlag.TRANSACTION_*_TYPE`). */
export const TransactionType = {
  /** State unknown: the broker will check back later. */
  NOT_TYPE: 0,
  /** Half message (used on the send, not here). */
  PREPARED: 4,
  /** Commit. */
  COMMIT: 8,
  /** Roll back. */
  ROLLBACK: 12,
} as const;

/** Header of END_TRANSACTION. */
export interface EndTransactionRequestHeader {
  /** Topic (5.x). */
  topic?: string;
  /** Producer group. */
  producerGroup: string;
  /** Queue offset of the half message. */
  tranStateTableOffset: number;
  /** Commit-log offset of the half message. */
  commitLogOffset: number;
  /** {@link TransactionType} value. */
  commitOrRollback: number;
  /** True when answering a broker check. */
  fromTransactionCheck: boolean;
  /** UNIQ_KEY of the half message. */
  msgId: string;
  /** Transaction id. */
  transactionId?: string;
}

const SCHEMA: HeaderSchema<EndTransactionRequestHeader> = {
  topic: { kind: 'string', optional: true },
  producerGroup: { kind: 'string' },
  tranStateTableOffset: { kind: 'long' },
  commitLogOffset: { kind: 'long' },
  commitOrRollback: { kind: 'int' },
  fromTransactionCheck: { kind: 'bool' },
  msgId: { kind: 'string' },
  transactionId: { kind: 'string', optional: true },
};

/**
 * Builds END_TRANSACTION (oneway by default, as Java sends it).
 * @param header - the decision
 * @param options - remark (local transaction error text); oneway
 */
export function encodeEndTransactionRequest(
  header: EndTransactionRequestHeader,
  options: {
    /** Error text from the local transaction. @default none */ remark?: string;
    /** Oneway request. @default true */ oneway?: boolean;
  } = {},
): RemotingCommand {
  const cmd = createRequest(RequestCode.END_TRANSACTION, toExtFields(header, SCHEMA, 'EndTransactionRequestHeader'), undefined, {
    oneway: options.oneway ?? true,
  });
  if (options.remark !== undefined) cmd.remark = options.remark;
  return cmd;
}

/**
 * Decodes END_TRANSACTION (mock side).
 * @param cmd - the request
 */
export function decodeEndTransactionRequest(cmd: RemotingCommand): {
  /** The decoded request header. */
  header: EndTransactionRequestHeader;
  /** The request's remark, when present. */
  remark?: string;
} {
  expectRequestCode(cmd, [RequestCode.END_TRANSACTION]);
  const out: { header: EndTransactionRequestHeader; remark?: string } = {
    header: fromExtFields(cmd, SCHEMA, 'EndTransactionRequestHeader'),
  };
  if (cmd.remark !== undefined) out.remark = cmd.remark;
  return out;
}

/**
 * Builds the SUCCESS answer (for non-oneway requests).
 * @param request - the request
 */
export function encodeEndTransactionResponse(request: RemotingCommand): RemotingCommand {
  return createResponse(request, ResponseCode.SUCCESS);
}

/**
 * Checks the answer.
 * @param cmd - the response
 * @param context - where the request went
 */
export function decodeEndTransactionResponse(cmd: RemotingCommand, context?: ErrorContext): void {
  expectCodes(cmd, [ResponseCode.SUCCESS], RequestCode.END_TRANSACTION, context);
}
