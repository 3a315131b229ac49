/**
 * CHECK_TRANSACTION_STATE (39): broker → producer, oneway. The broker asks what became of a half message; the
 * producer answers with END_TRANSACTION (fromTransactionCheck=true), not with a response to this request.
 * Java: `header/CheckTransactionStateRequestHeader`, broker `Broker2Client#checkProducerTransactionState`,
 * client `ClientRemotingProcessor#checkTransactionState`.
 *
 * Request header: topic? (5.x), tranStateTableOffset (long, required), commitLogOffset (long, required), msgId?,
 * transactionId?, offsetMsgId?. Body: the half message in the stored layout.
 * @module
 */

import { createRequest, type RemotingCommand } from '../remoting/command.js';
import { expectRequestCode, fromExtFields, toExtFields, type HeaderSchema } from './header-fields.js';
import { RequestCode } from './request-codes.js';

/** Header of CHECK_TRANSACTION_STATE. */
export interface CheckTransactionStateRequestHeader {
  /** Topic (5.x). */
  topic?: string;
  /** Queue offset of the half message. */
  tranStateTableOffset: number;
  /** Commit-log offset of the half message. */
  commitLogOffset: number;
  /** UNIQ_KEY. */
  msgId?: string;
  /** Transaction id. */
  transactionId?: string;
  /** offsetMsgId. */
  offsetMsgId?: string;
}

const SCHEMA: HeaderSchema<CheckTransactionStateRequestHeader> = {
  topic: { kind: 'string', optional: true },
  tranStateTableOffset: { kind: 'long' },
  commitLogOffset: { kind: 'long' },
  msgId: { kind: 'string', optional: true },
  transactionId: { kind: 'string', optional: true },
  offsetMsgId: { kind: 'string', optional: true },
};

/**
 * Builds CHECK_TRANSACTION_STATE (mock broker side), oneway.
 * @param header - which half message
 * @param body - the half message, stored layout
 */
export function encodeCheckTransactionStateRequest(header: CheckTransactionStateRequestHeader, body: Buffer): RemotingCommand {
  return createRequest(
    RequestCode.CHECK_TRANSACTION_STATE,
    toExtFields(header, SCHEMA, 'CheckTransactionStateRequestHeader'),
    body,
    { oneway: true },
  );
}

/**
 * Decodes CHECK_TRANSACTION_STATE (client side).
 * @param cmd - the request
 * @returns header and the stored half message (a view)
 */
export function decodeCheckTransactionStateRequest(cmd: RemotingCommand): {
  /** The decoded request header. */
  header: CheckTransactionStateRequestHeader;
  /** The decoded request body. */
  body: Buffer;
} {
  expectRequestCode(cmd, [RequestCode.CHECK_TRANSACTION_STATE]);
  return { header: fromExtFields(cmd, SCHEMA, 'CheckTransactionStateRequestHeader'), body: cmd.body ?? Buffer.alloc(0) };
}
