/**
 * QUERY_CONSUMER_OFFSET (14) and UPDATE_CONSUMER_OFFSET (15): client → broker (master for updates).
 * Java: `header/QueryConsumerOffsetRequestHeader`, `QueryConsumerOffsetResponseHeader`,
 * `UpdateConsumerOffsetRequestHeader`, broker `ConsumerManageProcessor`.
 *
 * QUERY: consumerGroup, topic, queueId (required), setZeroIfNotFound? (5.x) → header `offset` (long).
 * No stored offset → QUERY_NOT_FOUND, a normal outcome decoded as −1 (first boot of the group).
 *
 * UPDATE: consumerGroup, topic, queueId, commitOffset (all required); usually oneway. Response: SUCCESS.
 * @module
 */

import type { ErrorContext } from '../errors.js';
import { createRequest, createResponse, type RemotingCommand } from '../remoting/command.js';
import { expectCodes, expectRequestCode, fromExtFields, toExtFields, type HeaderSchema } from './header-fields.js';
import { RequestCode } from './request-codes.js';
import { ResponseCode } from './response-codes.js';

/** Header of QUERY_CONSUMER_OFFSET. */
export interface QueryConsumerOffsetRequestHeader {
  /** Consumer group. */
  consumerGroup: string;
  /** Topic. */
  topic: string;
  /** Queue id. */
  queueId: number;
  /** 5.x: answer 0 instead of QUERY_NOT_FOUND. */
  setZeroIfNotFound?: boolean;
}

const QUERY_SCHEMA: HeaderSchema<QueryConsumerOffsetRequestHeader> = {
  consumerGroup: { kind: 'string' },
  topic: { kind: 'string' },
  queueId: { kind: 'int' },
  setZeroIfNotFound: { kind: 'bool', optional: true },
};

const OFFSET_SCHEMA: HeaderSchema<{ offset: number }> = { offset: { kind: 'long' } };

/**
 * Builds QUERY_CONSUMER_OFFSET.
 * @param header - group, topic, queue
 */
export function encodeQueryConsumerOffsetRequest(header: QueryConsumerOffsetRequestHeader): RemotingCommand {
  return createRequest(
    RequestCode.QUERY_CONSUMER_OFFSET,
    toExtFields(header, QUERY_SCHEMA, 'QueryConsumerOffsetRequestHeader'),
  );
}

/**
 * Decodes QUERY_CONSUMER_OFFSET (mock side).
 * @param cmd - the request
 */
export function decodeQueryConsumerOffsetRequest(cmd: RemotingCommand): {
  /** The decoded request header. */
  header: QueryConsumerOffsetRequestHeader;
} {
  expectRequestCode(cmd, [RequestCode.QUERY_CONSUMER_OFFSET]);
  return { header: fromExtFields(cmd, QUERY_SCHEMA, 'QueryConsumerOffsetRequestHeader') };
}

/**
 * Builds the answer: the offset, or QUERY_NOT_FOUND when there is none.
 * @param request - the request
 * @param offset - stored offset, if any
 */
export function encodeQueryConsumerOffsetResponse(request: RemotingCommand, offset: number | undefined): RemotingCommand {
  if (offset === undefined) return createResponse(request, ResponseCode.QUERY_NOT_FOUND, 'Not found, V3_0_6_SNAPSHOT maybe this group consumer boot first');
  return createResponse(request, ResponseCode.SUCCESS, undefined, toExtFields({ offset }, OFFSET_SCHEMA, 'QueryConsumerOffsetResponseHeader'));
}

/**
 * Decodes the answer.
 * @param cmd - the response
 * @param context - where the request went
 * @returns the offset, or −1 when the broker has none
 */
export function decodeQueryConsumerOffsetResponse(cmd: RemotingCommand, context?: ErrorContext): number {
  expectCodes(cmd, [ResponseCode.SUCCESS, ResponseCode.QUERY_NOT_FOUND], RequestCode.QUERY_CONSUMER_OFFSET, context);
  if (cmd.code === ResponseCode.QUERY_NOT_FOUND) return -1;
  return fromExtFields(cmd, OFFSET_SCHEMA, 'QueryConsumerOffsetResponseHeader').offset;
}

/** Header of UPDATE_CONSUMER_OFFSET. */
export interface UpdateConsumerOffsetRequestHeader {
  /** Consumer group. */
  consumerGroup: string;
  /** Topic. */
  topic: string;
  /** Queue id. */
  queueId: number;
  /** Offset to store (next offset to consume). */
  commitOffset: number;
}

const UPDATE_SCHEMA: HeaderSchema<UpdateConsumerOffsetRequestHeader> = {
  consumerGroup: { kind: 'string' },
  topic: { kind: 'string' },
  queueId: { kind: 'int' },
  commitOffset: { kind: 'long' },
};

/**
 * Builds UPDATE_CONSUMER_OFFSET.
 * @param header - group, topic, queue, offset
 * @param options - oneway (the periodic commit is oneway in Java)
 */
export function encodeUpdateConsumerOffsetRequest(
  header: UpdateConsumerOffsetRequestHeader,
  options: { /** Oneway request. @default false */ oneway?: boolean } = {},
): RemotingCommand {
  return createRequest(
    RequestCode.UPDATE_CONSUMER_OFFSET,
    toExtFields(header, UPDATE_SCHEMA, 'UpdateConsumerOffsetRequestHeader'),
    undefined,
    { oneway: options.oneway ?? false },
  );
}

/**
 * Decodes UPDATE_CONSUMER_OFFSET (mock side).
 * @param cmd - the request
 */
export function decodeUpdateConsumerOffsetRequest(cmd: RemotingCommand): {
  /** The decoded request header. */
  header: UpdateConsumerOffsetRequestHeader;
} {
  expectRequestCode(cmd, [RequestCode.UPDATE_CONSUMER_OFFSET]);
  return { header: fromExtFields(cmd, UPDATE_SCHEMA, 'UpdateConsumerOffsetRequestHeader') };
}

/**
 * Builds the SUCCESS answer.
 * @param request - the request
 */
export function encodeUpdateConsumerOffsetResponse(request: RemotingCommand): RemotingCommand {
  return createResponse(request, ResponseCode.SUCCESS);
}

/**
 * Checks the answer.
 * @param cmd - the response
 * @param context - where the request went
 */
export function decodeUpdateConsumerOffsetResponse(cmd: RemotingCommand, context?: ErrorContext): void {
  expectCodes(cmd, [ResponseCode.SUCCESS], RequestCode.UPDATE_CONSUMER_OFFSET, context);
}
