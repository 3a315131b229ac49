/**
 * QUERY_MESSAGE (12): client → broker, look messages up in the index by key or by UNIQ_KEY.
 * Java: `header/QueryMessageRequestHeader`, `QueryMessageResponseHeader`, `MQAdminImpl#queryMessage`, broker
 * `QueryMessageProcessor`.
 *
 * Request header:
 * | field | wire | type | required |
 * |---|---|---|---|
 * | topic | topic | string | yes |
 * | key | key | string | yes |
 * | maxNum | maxNum | int | yes |
 * | beginTimestamp | beginTimestamp | long | yes |
 * | endTimestamp | endTimestamp | long | yes (Long.MAX_VALUE means "no bound"; decoded as 2^53−1) |
 * | uniqueKeyQuery | `_UNIQUE_KEY_QUERY` | boolean | no (extra ext field; "true" → the broker uses maxNum 32) |
 *
 * Response header: indexLastUpdateTimestamp, indexLastUpdatePhyoffset (long). Body: matching stored messages.
 * QUERY_NOT_FOUND ("can not find message, maybe time range not correct") is a normal, empty outcome.
 * @module
 */

import type { ErrorContext } from '../errors.js';
import { createRequest, createResponse, type RemotingCommand } from '../remoting/command.js';
import { expectCodes, expectRequestCode, fromExtFields, toExtFields, type HeaderSchema } from './header-fields.js';
import { RequestCode } from './request-codes.js';
import { ResponseCode } from './response-codes.js';

/** Header of QUERY_MESSAGE. */
export interface QueryMessageRequestHeader {
  /** Topic. */
  topic: string;
  /** Message key, or UNIQ_KEY when `uniqueKeyQuery`. */
  key: string;
  /** Maximum messages per broker. */
  maxNum: number;
  /** Start of the store-time range, ms. */
  beginTimestamp: number;
  /** End of the store-time range, ms. */
  endTimestamp: number;
  /** Look the key up as a UNIQ_KEY (sent as extField `_UNIQUE_KEY_QUERY`). */
  uniqueKeyQuery?: boolean;
}

const REQUEST_SCHEMA: HeaderSchema<QueryMessageRequestHeader> = {
  topic: { kind: 'string' },
  key: { kind: 'string' },
  maxNum: { kind: 'int' },
  beginTimestamp: { kind: 'long' },
  endTimestamp: { kind: 'long' },
  uniqueKeyQuery: { kind: 'bool', optional: true, wire: '_UNIQUE_KEY_QUERY' },
};

/** Response header of QUERY_MESSAGE. */
export interface QueryMessageResponseHeader {
  /** When the broker's index was last updated, ms. */
  indexLastUpdateTimestamp: number;
  /** Commit-log offset the index covers. */
  indexLastUpdatePhyoffset: number;
}

const RESPONSE_SCHEMA: HeaderSchema<QueryMessageResponseHeader> = {
  indexLastUpdateTimestamp: { kind: 'long' },
  indexLastUpdatePhyoffset: { kind: 'long' },
};

/**
 * Builds QUERY_MESSAGE.
 * @param header - query header
 */
export function encodeQueryMessageRequest(header: QueryMessageRequestHeader): RemotingCommand {
  return createRequest(RequestCode.QUERY_MESSAGE, toExtFields(header, REQUEST_SCHEMA, 'QueryMessageRequestHeader'));
}

/**
 * Decodes QUERY_MESSAGE (mock side).
 * @param cmd - the request
 */
export function decodeQueryMessageRequest(cmd: RemotingCommand): {
  /** The decoded request header. */
  header: QueryMessageRequestHeader;
} {
  expectRequestCode(cmd, [RequestCode.QUERY_MESSAGE]);
  return { header: fromExtFields(cmd, REQUEST_SCHEMA, 'QueryMessageRequestHeader') };
}

/**
 * Builds the broker's answer: SUCCESS with the matches, or QUERY_NOT_FOUND when `body` is empty or absent.
 * @param request - the query request
 * @param header - index state
 * @param body - matching stored messages
 */
export function encodeQueryMessageResponse(
  request: RemotingCommand,
  header: QueryMessageResponseHeader,
  body?: Buffer,
): RemotingCommand {
  const ext = toExtFields(header, RESPONSE_SCHEMA, 'QueryMessageResponseHeader');
  if (!body || body.length === 0) {
    return createResponse(
      request,
      ResponseCode.QUERY_NOT_FOUND,
      'can not find message, maybe time range not correct',
      ext,
    );
  }
  return createResponse(request, ResponseCode.SUCCESS, undefined, ext, body);
}

/** A decoded QUERY_MESSAGE answer (client side). */
export interface QueryMessageResult extends Partial<QueryMessageResponseHeader> {
  /** False when the broker answered QUERY_NOT_FOUND. */
  found: boolean;
  /** Matching stored messages (empty when not found). */
  body: Buffer;
}

/**
 * Decodes a QUERY_MESSAGE answer. The index fields are optional on QUERY_NOT_FOUND (Java omits them there).
 * @param cmd - the response
 * @param context - where the request went
 * @throws BrokerResponseError for codes other than SUCCESS and QUERY_NOT_FOUND
 */
export function decodeQueryMessageResponse(cmd: RemotingCommand, context?: ErrorContext): QueryMessageResult {
  expectCodes(cmd, [ResponseCode.SUCCESS, ResponseCode.QUERY_NOT_FOUND], RequestCode.QUERY_MESSAGE, context);
  if (cmd.code === ResponseCode.QUERY_NOT_FOUND) return { found: false, body: Buffer.alloc(0) };
  const h = fromExtFields(cmd, RESPONSE_SCHEMA, 'QueryMessageResponseHeader');
  return { found: true, ...h, body: cmd.body ?? Buffer.alloc(0) };
}
