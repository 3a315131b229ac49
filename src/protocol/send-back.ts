/**
 * CONSUMER_SEND_MSG_BACK (36): client → master, hand a failed message back for redelivery via `%RETRY%<group>`
 * (or `%DLQ%<group>` past the maximum). Java: `header/ConsumerSendMsgBackRequestHeader`,
 * `MQClientAPIImpl#consumerSendMessageBack`, broker `SendMessageProcessor#consumerSendMsgBack`.
 *
 * Request header:
 * | field | type | required | notes |
 * |---|---|---|---|
 * | offset | long | yes | commit-log offset of the message |
 * | group | string | yes | consumer group |
 * | delayLevel | int | yes | 0 → broker uses 3 + reconsumeTimes; −1 → straight to DLQ |
 * | originMsgId | string | no | |
 * | originTopic | string | no | |
 * | unitMode | boolean | yes | Java always sends it (false) |
 * | maxReconsumeTimes | int | no | −1 = 16 |
 *
 * Response: SUCCESS, no header.
 * @module
 */

import type { ErrorContext } from '../errors.js';
import { createRequest, createResponse, type RemotingCommand } from '../remoting/command.js';
import { expectCodes, expectRequestCode, fromExtFields, toExtFields, type HeaderSchema } from './header-fields.js';
import { RequestCode } from './request-codes.js';
import { ResponseCode } from './response-codes.js';

/** Header of CONSUMER_SEND_MSG_BACK. */
export interface ConsumerSendMsgBackRequestHeader {
  /** Commit-log offset of the failed message. */
  offset: number;
  /** Consumer group. */
  group: string;
  /** Delay level; 0 lets the broker choose. */
  delayLevel: number;
  /** Original message id. */
  originMsgId?: string;
  /** Original topic. */
  originTopic?: string;
  /** Unit mode. */
  unitMode: boolean;
  /** Maximum redeliveries. */
  maxReconsumeTimes?: number;
}

const SCHEMA: HeaderSchema<ConsumerSendMsgBackRequestHeader> = {
  offset: { kind: 'long' },
  group: { kind: 'string' },
  delayLevel: { kind: 'int' },
  originMsgId: { kind: 'string', optional: true },
  originTopic: { kind: 'string', optional: true },
  unitMode: { kind: 'bool' },
  maxReconsumeTimes: { kind: 'int', optional: true },
};

/**
 * Builds CONSUMER_SEND_MSG_BACK.
 * @param header - which message, which group
 */
export function encodeSendBackRequest(header: ConsumerSendMsgBackRequestHeader): RemotingCommand {
  return createRequest(RequestCode.CONSUMER_SEND_MSG_BACK, toExtFields(header, SCHEMA, 'ConsumerSendMsgBackRequestHeader'));
}

/**
 * Decodes CONSUMER_SEND_MSG_BACK (mock side).
 * @param cmd - the request
 */
export function decodeSendBackRequest(cmd: RemotingCommand): {
  /** The decoded request header. */
  header: ConsumerSendMsgBackRequestHeader;
} {
  expectRequestCode(cmd, [RequestCode.CONSUMER_SEND_MSG_BACK]);
  return { header: fromExtFields(cmd, SCHEMA, 'ConsumerSendMsgBackRequestHeader') };
}

/**
 * Builds the SUCCESS answer.
 * @param request - the request
 */
export function encodeSendBackResponse(request: RemotingCommand): RemotingCommand {
  return createResponse(request, ResponseCode.SUCCESS);
}

/**
 * Checks the answer.
 * @param cmd - the response
 * @param context - where the request went
 */
export function decodeSendBackResponse(cmd: RemotingCommand, context?: ErrorContext): void {
  expectCodes(cmd, [ResponseCode.SUCCESS], RequestCode.CONSUMER_SEND_MSG_BACK, context);
}
