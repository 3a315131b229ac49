/**
 * GET_CONSUMER_LIST_BY_GROUP (38): client → one broker of the topic, before each rebalance.
 * Java: `header/GetConsumerListByGroupRequestHeader`, `GetConsumerListByGroupResponseBody`, broker
 * `ConsumerManageProcessor#getConsumerListByGroup`.
 *
 * Request header: consumerGroup (required). Response: SUCCESS with body `{"consumerIdList":["ip@pid",…]}`.
 * A group with no live consumers is SYSTEM_ERROR "no consumer for this group, G" in Java.
 * @module
 */

import type { ErrorContext } from '../errors.js';
import { createRequest, createResponse, type RemotingCommand } from '../remoting/command.js';
import { stringArray } from './body-fields.js';
import { writeFastJson } from './fastjson.js';
import { expectCodes, expectRequestCode, fromExtFields, parseJsonObject, toExtFields, type HeaderSchema } from './header-fields.js';
import { RequestCode } from './request-codes.js';
import { ResponseCode } from './response-codes.js';

/** Header of GET_CONSUMER_LIST_BY_GROUP. */
export interface GetConsumerListByGroupRequestHeader {
  /** Consumer group. */
  consumerGroup: string;
}

const SCHEMA: HeaderSchema<GetConsumerListByGroupRequestHeader> = { consumerGroup: { kind: 'string' } };

/**
 * Builds GET_CONSUMER_LIST_BY_GROUP.
 * @param header - group
 */
export function encodeConsumerListRequest(header: GetConsumerListByGroupRequestHeader): RemotingCommand {
  return createRequest(
    RequestCode.GET_CONSUMER_LIST_BY_GROUP,
    toExtFields(header, SCHEMA, 'GetConsumerListByGroupRequestHeader'),
  );
}

/**
 * Decodes GET_CONSUMER_LIST_BY_GROUP (mock side).
 * @param cmd - the request
 */
export function decodeConsumerListRequest(cmd: RemotingCommand): {
  /** The decoded request header. */
  header: GetConsumerListByGroupRequestHeader;
} {
  expectRequestCode(cmd, [RequestCode.GET_CONSUMER_LIST_BY_GROUP]);
  return { header: fromExtFields(cmd, SCHEMA, 'GetConsumerListByGroupRequestHeader') };
}

/**
 * Builds the answer: the ids, or SYSTEM_ERROR as Java words it when the group has none.
 * @param request - the request
 * @param consumerIdList - live client ids of the group
 */
export function encodeConsumerListResponse(request: RemotingCommand, consumerIdList: readonly string[]): RemotingCommand {
  if (consumerIdList.length === 0) {
    const group = request.extFields?.consumerGroup ?? '';
    return createResponse(request, ResponseCode.SYSTEM_ERROR, `no consumer for this group, ${group}`);
  }
  const body = Buffer.from(writeFastJson({ consumerIdList }), 'utf8');
  return createResponse(request, ResponseCode.SUCCESS, undefined, undefined, body);
}

/**
 * Decodes the answer into client ids (in the broker's order; callers sort).
 * @param cmd - the response
 * @param context - where the request went
 */
export function decodeConsumerListResponse(cmd: RemotingCommand, context?: ErrorContext): string[] {
  expectCodes(cmd, [ResponseCode.SUCCESS], RequestCode.GET_CONSUMER_LIST_BY_GROUP, context);
  if (!cmd.body || cmd.body.length === 0) return [];
  return stringArray(parseJsonObject(cmd.body, 'GetConsumerListByGroupResponseBody'), 'consumerIdList', 'GetConsumerListByGroupResponseBody');
}
