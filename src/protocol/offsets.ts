/**
 * Queue offset look-ups, client → broker: GET_MAX_OFFSET (30), GET_MIN_OFFSET (31), SEARCH_OFFSET_BY_TIMESTAMP (29)
 * and GET_EARLIEST_MSG_STORETIME (32). Java: `header/GetMaxOffsetRequestHeader`, `GetMinOffsetRequestHeader`,
 * `SearchOffsetRequestHeader`, `GetEarliestMsgStoretimeRequestHeader` and their response headers.
 *
 * | code | request header | response header |
 * |---|---|---|
 * | 30 | topic, queueId, committed? (5.x) | offset (long) |
 * | 31 | topic, queueId | offset (long) |
 * | 29 | topic, queueId, timestamp (long), boundaryType? (5.x `LOWER`/`UPPER`) | offset (long) |
 * | 32 | topic, queueId | timestamp (long) |
 *
 * Every call answers SUCCESS; other codes (e.g. SYSTEM_ERROR for an unknown queue) are errors.
 * @module
 */

import type { ErrorContext } from '../errors.js';
import { createRequest, createResponse, type RemotingCommand } from '../remoting/command.js';
import { expectCodes, expectRequestCode, fromExtFields, toExtFields, type HeaderSchema } from './header-fields.js';
import { RequestCode } from './request-codes.js';
import { ResponseCode } from './response-codes.js';

/** Header of GET_MAX_OFFSET. */
export interface GetMaxOffsetRequestHeader {
  /** Topic. */
  topic: string;
  /** Queue id. */
  queueId: number;
  /** 5.x: only count committed (replicated) messages. */
  committed?: boolean;
}

/** Header of GET_MIN_OFFSET and GET_EARLIEST_MSG_STORETIME. */
export interface GetMinOffsetRequestHeader {
  /** Topic. */
  topic: string;
  /** Queue id. */
  queueId: number;
}

/** Header of SEARCH_OFFSET_BY_TIMESTAMP. */
export interface SearchOffsetRequestHeader {
  /** Topic. */
  topic: string;
  /** Queue id. */
  queueId: number;
  /** Store timestamp to look for, ms. */
  timestamp: number;
  /** 5.x: `LOWER` (first at or after) or `UPPER` (last at or before). */
  boundaryType?: string;
}

const MAX_SCHEMA: HeaderSchema<GetMaxOffsetRequestHeader> = {
  topic: { kind: 'string' },
  queueId: { kind: 'int' },
  committed: { kind: 'bool', optional: true },
};
const MIN_SCHEMA: HeaderSchema<GetMinOffsetRequestHeader> = { topic: { kind: 'string' }, queueId: { kind: 'int' } };
const SEARCH_SCHEMA: HeaderSchema<SearchOffsetRequestHeader> = {
  topic: { kind: 'string' },
  queueId: { kind: 'int' },
  timestamp: { kind: 'long' },
  boundaryType: { kind: 'string', optional: true },
};
const OFFSET_SCHEMA: HeaderSchema<{ offset: number }> = { offset: { kind: 'long' } };
const TIMESTAMP_SCHEMA: HeaderSchema<{ timestamp: number }> = { timestamp: { kind: 'long' } };

/**
 * Builds GET_MAX_OFFSET.
 * @param header - topic and queue
 */
export function encodeGetMaxOffsetRequest(header: GetMaxOffsetRequestHeader): RemotingCommand {
  return createRequest(RequestCode.GET_MAX_OFFSET, toExtFields(header, MAX_SCHEMA, 'GetMaxOffsetRequestHeader'));
}
/**
 * Decodes GET_MAX_OFFSET (mock side).
 * @param cmd - the request
 */
export function decodeGetMaxOffsetRequest(cmd: RemotingCommand): {
  /** The decoded request header. */
  header: GetMaxOffsetRequestHeader;
} {
  expectRequestCode(cmd, [RequestCode.GET_MAX_OFFSET]);
  return { header: fromExtFields(cmd, MAX_SCHEMA, 'GetMaxOffsetRequestHeader') };
}

/**
 * Builds GET_MIN_OFFSET.
 * @param header - topic and queue
 */
export function encodeGetMinOffsetRequest(header: GetMinOffsetRequestHeader): RemotingCommand {
  return createRequest(RequestCode.GET_MIN_OFFSET, toExtFields(header, MIN_SCHEMA, 'GetMinOffsetRequestHeader'));
}
/**
 * Decodes GET_MIN_OFFSET (mock side).
 * @param cmd - the request
 */
export function decodeGetMinOffsetRequest(cmd: RemotingCommand): {
  /** The decoded request header. */
  header: GetMinOffsetRequestHeader;
} {
  expectRequestCode(cmd, [RequestCode.GET_MIN_OFFSET]);
  return { header: fromExtFields(cmd, MIN_SCHEMA, 'GetMinOffsetRequestHeader') };
}

/**
 * Builds SEARCH_OFFSET_BY_TIMESTAMP.
 * @param header - topic, queue, timestamp
 */
export function encodeSearchOffsetRequest(header: SearchOffsetRequestHeader): RemotingCommand {
  return createRequest(RequestCode.SEARCH_OFFSET_BY_TIMESTAMP, toExtFields(header, SEARCH_SCHEMA, 'SearchOffsetRequestHeader'));
}
/**
 * Decodes SEARCH_OFFSET_BY_TIMESTAMP (mock side).
 * @param cmd - the request
 */
export function decodeSearchOffsetRequest(cmd: RemotingCommand): {
  /** The decoded request header. */
  header: SearchOffsetRequestHeader;
} {
  expectRequestCode(cmd, [RequestCode.SEARCH_OFFSET_BY_TIMESTAMP]);
  return { header: fromExtFields(cmd, SEARCH_SCHEMA, 'SearchOffsetRequestHeader') };
}

/**
 * Builds GET_EARLIEST_MSG_STORETIME.
 * @param header - topic and queue
 */
export function encodeGetEarliestMsgStoretimeRequest(header: GetMinOffsetRequestHeader): RemotingCommand {
  return createRequest(
    RequestCode.GET_EARLIEST_MSG_STORETIME,
    toExtFields(header, MIN_SCHEMA, 'GetEarliestMsgStoretimeRequestHeader'),
  );
}
/**
 * Decodes GET_EARLIEST_MSG_STORETIME (mock side).
 * @param cmd - the request
 */
export function decodeGetEarliestMsgStoretimeRequest(cmd: RemotingCommand): {
  /** The decoded request header. */
  header: GetMinOffsetRequestHeader;
} {
  expectRequestCode(cmd, [RequestCode.GET_EARLIEST_MSG_STORETIME]);
  return { header: fromExtFields(cmd, MIN_SCHEMA, 'GetEarliestMsgStoretimeRequestHeader') };
}

/**
 * Builds the SUCCESS answer of GET_MAX_OFFSET, GET_MIN_OFFSET or SEARCH_OFFSET_BY_TIMESTAMP.
 * @param request - the request
 * @param offset - the offset found
 */
export function encodeOffsetResponse(request: RemotingCommand, offset: number): RemotingCommand {
  return createResponse(request, ResponseCode.SUCCESS, undefined, toExtFields({ offset }, OFFSET_SCHEMA, 'OffsetResponseHeader'));
}

/**
 * Decodes the answer of GET_MAX_OFFSET, GET_MIN_OFFSET or SEARCH_OFFSET_BY_TIMESTAMP.
 * @param cmd - the response
 * @param requestCode - which of the three was asked (for the error context)
 * @param context - where the request went
 */
export function decodeOffsetResponse(cmd: RemotingCommand, requestCode: number, context?: ErrorContext): number {
  expectCodes(cmd, [ResponseCode.SUCCESS], requestCode, context);
  return fromExtFields(cmd, OFFSET_SCHEMA, 'OffsetResponseHeader').offset;
}

/**
 * Builds the SUCCESS answer of GET_EARLIEST_MSG_STORETIME.
 * @param request - the request
 * @param timestamp - store time of the earliest message, ms
 */
export function encodeEarliestMsgStoretimeResponse(request: RemotingCommand, timestamp: number): RemotingCommand {
  return createResponse(
    request,
    ResponseCode.SUCCESS,
    undefined,
    toExtFields({ timestamp }, TIMESTAMP_SCHEMA, 'GetEarliestMsgStoretimeResponseHeader'),
  );
}

/**
 * Decodes the answer of GET_EARLIEST_MSG_STORETIME.
 * @param cmd - the response
 * @param context - where the request went
 */
export function decodeEarliestMsgStoretimeResponse(cmd: RemotingCommand, context?: ErrorContext): number {
  expectCodes(cmd, [ResponseCode.SUCCESS], RequestCode.GET_EARLIEST_MSG_STORETIME, context);
  return fromExtFields(cmd, TIMESTAMP_SCHEMA, 'GetEarliestMsgStoretimeResponseHeader').timestamp;
}
