/**
 * VIEW_MESSAGE_BY_ID (33): client → broker, fetch one stored message by commit-log offset. The client decodes the
 * offsetMsgId into `ip:port` + offset and sends this straight to that address, with no route lookup.
 * Java: `header/ViewMessageRequestHeader`, `MQClientAPIImpl#viewMessage`, broker `QueryMessageProcessor`.
 *
 * Request header: offset (long, required), topic (string, 5.x, optional).
 * Response: SUCCESS with one stored message record as the body; a missing message is SYSTEM_ERROR
 * "can not find message by the offset, N", which surfaces as a {@link BrokerResponseError}.
 * @module
 */

import type { ErrorContext } from '../errors.js';
import { ProtocolError } from '../errors.js';
import { createRequest, createResponse, type RemotingCommand } from '../remoting/command.js';
import { expectCodes, expectRequestCode, fromExtFields, toExtFields, type HeaderSchema } from './header-fields.js';
import { RequestCode } from './request-codes.js';
import { ResponseCode } from './response-codes.js';

/** Header of VIEW_MESSAGE_BY_ID. */
export interface ViewMessageRequestHeader {
  /** Commit-log offset of the message. */
  offset: number;
  /** Topic (5.x, optional). */
  topic?: string;
}

const SCHEMA: HeaderSchema<ViewMessageRequestHeader> = {
  offset: { kind: 'long' },
  topic: { kind: 'string', optional: true },
};

/**
 * Builds VIEW_MESSAGE_BY_ID.
 * @param header - offset (and topic)
 */
export function encodeViewMessageRequest(header: ViewMessageRequestHeader): RemotingCommand {
  return createRequest(RequestCode.VIEW_MESSAGE_BY_ID, toExtFields(header, SCHEMA, 'ViewMessageRequestHeader'));
}

/**
 * Decodes VIEW_MESSAGE_BY_ID (mock side).
 * @param cmd - the request
 */
export function decodeViewMessageRequest(cmd: RemotingCommand): {
  /** The decoded request header. */
  header: ViewMessageRequestHeader;
} {
  expectRequestCode(cmd, [RequestCode.VIEW_MESSAGE_BY_ID]);
  return { header: fromExtFields(cmd, SCHEMA, 'ViewMessageRequestHeader') };
}

/**
 * Builds the broker's answer: the stored record, or SYSTEM_ERROR as Java words it when there is none.
 * @param request - the view request
 * @param record - the stored message record, or undefined when not found
 */
export function encodeViewMessageResponse(request: RemotingCommand, record: Buffer | undefined): RemotingCommand {
  if (!record) {
    const offset = request.extFields?.offset ?? '?';
    return createResponse(request, ResponseCode.SYSTEM_ERROR, `can not find message by the offset, ${offset}`);
  }
  return createResponse(request, ResponseCode.SUCCESS, undefined, undefined, record);
}

/**
 * Decodes the answer: the stored record bytes (a view of the frame).
 * @param cmd - the response
 * @param context - where the request went
 * @throws BrokerResponseError on any non-success code; ProtocolError when the body is missing
 */
export function decodeViewMessageResponse(cmd: RemotingCommand, context?: ErrorContext): Buffer {
  expectCodes(cmd, [ResponseCode.SUCCESS], RequestCode.VIEW_MESSAGE_BY_ID, context);
  if (!cmd.body || cmd.body.length === 0) throw new ProtocolError('VIEW_MESSAGE_BY_ID: response body is missing');
  return cmd.body;
}
