/**
 * GET_KV_CONFIG (101): client → nameserver, read one config item (e.g. namespace `ORDER_TOPIC_CONFIG`).
 * Java: `header/namesrv/GetKVConfigRequestHeader`, `GetKVConfigResponseHeader`.
 *
 * Request header: namespace, key (strings, required). Response header: value (string).
 * A missing item is QUERY_NOT_FOUND "No config item, Namespace: X Key: Y"; we treat it as a normal outcome and
 * decode it as `undefined`.
 * @module
 */

import type { ErrorContext } from '../errors.js';
import { ProtocolError } from '../errors.js';
import { createRequest, createResponse, type RemotingCommand } from '../remoting/command.js';
import { expectCodes, expectRequestCode, fromExtFields, toExtFields, type HeaderSchema } from './header-fields.js';
import { RequestCode } from './request-codes.js';
import { ResponseCode } from './response-codes.js';

/** Header of GET_KV_CONFIG. */
export interface GetKvConfigRequestHeader {
  /** Config namespace. */
  namespace: string;
  /** Config key. */
  key: string;
}

const SCHEMA: HeaderSchema<GetKvConfigRequestHeader> = {
  namespace: { kind: 'string' },
  key: { kind: 'string' },
};

/**
 * Builds GET_KV_CONFIG.
 * @param header - namespace and key
 */
export function encodeGetKvConfigRequest(header: GetKvConfigRequestHeader): RemotingCommand {
  return createRequest(RequestCode.GET_KV_CONFIG, toExtFields(header, SCHEMA, 'GetKVConfigRequestHeader'));
}

/**
 * Decodes GET_KV_CONFIG (mock side).
 * @param cmd - the request
 */
export function decodeGetKvConfigRequest(cmd: RemotingCommand): {
  /** The decoded request header. */
  header: GetKvConfigRequestHeader;
} {
  expectRequestCode(cmd, [RequestCode.GET_KV_CONFIG]);
  return { header: fromExtFields(cmd, SCHEMA, 'GetKVConfigRequestHeader') };
}

/**
 * Builds the answer: the value, or QUERY_NOT_FOUND worded as Java does.
 * @param request - the request
 * @param value - the stored value, if any
 */
export function encodeGetKvConfigResponse(request: RemotingCommand, value: string | undefined): RemotingCommand {
  if (value === undefined) {
    const ns = request.extFields?.namespace ?? '';
    const key = request.extFields?.key ?? '';
    return createResponse(request, ResponseCode.QUERY_NOT_FOUND, `No config item, Namespace: ${ns} Key: ${key}`);
  }
  return createResponse(request, ResponseCode.SUCCESS, undefined, { value });
}

/**
 * Decodes the answer.
 * @param cmd - the response
 * @param context - where the request went
 * @returns the value, or `undefined` when the item does not exist
 */
export function decodeGetKvConfigResponse(cmd: RemotingCommand, context?: ErrorContext): string | undefined {
  expectCodes(cmd, [ResponseCode.SUCCESS, ResponseCode.QUERY_NOT_FOUND], RequestCode.GET_KV_CONFIG, context);
  if (cmd.code === ResponseCode.QUERY_NOT_FOUND) return undefined;
  const value = cmd.extFields?.value;
  if (value === undefined) throw new ProtocolError('GetKVConfigResponseHeader: required field value is missing');
  return value;
}
