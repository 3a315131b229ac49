/**
 * CONSUME_MESSAGE_DIRECTLY (309): broker → client (on behalf of an admin tool), consume one given message now and
 * report the outcome. Java: `header/ConsumeMessageDirectlyResultRequestHeader`, `body/ConsumeMessageDirectlyResult`,
 * `ClientRemotingProcessor#consumeMessageDirectly`.
 *
 * Request header: consumerGroup (required); clientId?, msgId?, brokerName?, topic?, topicSysFlag? (int),
 * groupSysFlag? (int). Body: the message in the stored layout.
 * Response: SUCCESS with body
 * `{"autoCommit":true,"consumeResult":"CR_SUCCESS","order":false,"remark":…,"spentTimeMills":3}`.
 * @module
 */

import type { ErrorContext } from '../errors.js';
import { ProtocolError } from '../errors.js';
import { createRequest, createResponse, type RemotingCommand } from '../remoting/command.js';
import { optBool, optInt, optString, reqEnum } from './body-fields.js';
import { writeFastJson } from './fastjson.js';
import { expectCodes, expectRequestCode, fromExtFields, parseJsonObject, toExtFields, type HeaderSchema } from './header-fields.js';
import { RequestCode } from './request-codes.js';
import { ResponseCode } from './response-codes.js';

/** Header of CONSUME_MESSAGE_DIRECTLY. */
export interface ConsumeMessageDirectlyRequestHeader {
  /** Consumer group. */
  consumerGroup: string;
  /** Target client id. */
  clientId?: string;
  /** Message id. */
  msgId?: string;
  /** Broker group the message came from. */
  brokerName?: string;
  /** Topic. */
  topic?: string;
  /** Topic system flag. */
  topicSysFlag?: number;
  /** Group system flag. */
  groupSysFlag?: number;
}

const SCHEMA: HeaderSchema<ConsumeMessageDirectlyRequestHeader> = {
  consumerGroup: { kind: 'string' },
  clientId: { kind: 'string', optional: true },
  msgId: { kind: 'string', optional: true },
  brokerName: { kind: 'string', optional: true },
  topic: { kind: 'string', optional: true },
  topicSysFlag: { kind: 'int', optional: true },
  groupSysFlag: { kind: 'int', optional: true },
};

/** Outcome names (Java `CMResult`). */
export type ConsumeDirectlyResultCode =
  | 'CR_SUCCESS'
  | 'CR_LATER'
  | 'CR_ROLLBACK'
  | 'CR_COMMIT'
  | 'CR_THROW_EXCEPTION'
  | 'CR_RETURN_NULL';

const RESULT_CODES: readonly ConsumeDirectlyResultCode[] = [
  'CR_SUCCESS',
  'CR_LATER',
  'CR_ROLLBACK',
  'CR_COMMIT',
  'CR_THROW_EXCEPTION',
  'CR_RETURN_NULL',
];

/** Body of the answer (Java `ConsumeMessageDirectlyResult`). */
export interface ConsumeMessageDirectlyResult {
  /** Consumed by an orderly listener. */
  order: boolean;
  /** Orderly auto-commit. */
  autoCommit: boolean;
  /** Outcome. */
  consumeResult: ConsumeDirectlyResultCode;
  /** Free text (e.g. the exception). */
  remark?: string;
  /** Time spent, ms (Java's spelling). */
  spentTimeMills: number;
}

/**
 * Builds CONSUME_MESSAGE_DIRECTLY (mock broker side).
 * @param header - group and message
 * @param body - the message in the stored layout
 */
export function encodeConsumeMessageDirectlyRequest(
  header: ConsumeMessageDirectlyRequestHeader,
  body: Buffer,
): RemotingCommand {
  return createRequest(
    RequestCode.CONSUME_MESSAGE_DIRECTLY,
    toExtFields(header, SCHEMA, 'ConsumeMessageDirectlyResultRequestHeader'),
    body,
  );
}

/**
 * Decodes CONSUME_MESSAGE_DIRECTLY (client side).
 * @param cmd - the request
 */
export function decodeConsumeMessageDirectlyRequest(cmd: RemotingCommand): {
  /** The decoded request header. */
  header: ConsumeMessageDirectlyRequestHeader;
  /** The decoded request body. */
  body: Buffer;
} {
  expectRequestCode(cmd, [RequestCode.CONSUME_MESSAGE_DIRECTLY]);
  return {
    header: fromExtFields(cmd, SCHEMA, 'ConsumeMessageDirectlyResultRequestHeader'),
    body: cmd.body ?? Buffer.alloc(0),
  };
}

/**
 * Builds the client's answer.
 * @param request - the request
 * @param result - the outcome
 */
export function encodeConsumeMessageDirectlyResponse(
  request: RemotingCommand,
  result: ConsumeMessageDirectlyResult,
): RemotingCommand {
  return createResponse(request, ResponseCode.SUCCESS, undefined, undefined, Buffer.from(writeFastJson(result), 'utf8'));
}

/**
 * Decodes the client's answer (mock/admin side).
 * @param cmd - the response
 * @param context - where the request went
 */
export function decodeConsumeMessageDirectlyResponse(
  cmd: RemotingCommand,
  context?: ErrorContext,
): ConsumeMessageDirectlyResult {
  expectCodes(cmd, [ResponseCode.SUCCESS], RequestCode.CONSUME_MESSAGE_DIRECTLY, context);
  const what = 'ConsumeMessageDirectlyResult';
  if (!cmd.body || cmd.body.length === 0) throw new ProtocolError(`${what}: body is missing`);
  const o = parseJsonObject(cmd.body, what);
  const result: ConsumeMessageDirectlyResult = {
    order: optBool(o, 'order', what) ?? false,
    autoCommit: optBool(o, 'autoCommit', what) ?? true,
    consumeResult: reqEnum(o, 'consumeResult', what, RESULT_CODES),
    spentTimeMills: optInt(o, 'spentTimeMills', what) ?? 0,
  };
  const remark = optString(o, 'remark', what);
  if (remark !== undefined) result.remark = remark;
  return result;
}
