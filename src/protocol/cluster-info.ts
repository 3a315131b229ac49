/**
 * GET_BROKER_CLUSTER_INFO (106): client/admin → nameserver. No header. Java: namesrv
 * `DefaultRequestProcessor#getBrokerClusterInfo`, `body/ClusterInfo`.
 *
 * Response: SUCCESS with a {@link ClusterInfo} body, always in the legacy fastjson form (bare integer keys in
 * `brokerAddrs`), whatever the request's version.
 * @module
 */

import type { ErrorContext } from '../errors.js';
import { ProtocolError } from '../errors.js';
import { createRequest, createResponse, type RemotingCommand } from '../remoting/command.js';
import { expectCodes, expectRequestCode } from './header-fields.js';
import { RequestCode } from './request-codes.js';
import { ResponseCode } from './response-codes.js';
import { encodeClusterInfo, parseClusterInfo, type ClusterInfo } from './route.js';

/** Builds GET_BROKER_CLUSTER_INFO. */
export function encodeClusterInfoRequest(): RemotingCommand {
  return createRequest(RequestCode.GET_BROKER_CLUSTER_INFO);
}

/**
 * Checks a GET_BROKER_CLUSTER_INFO request (mock side); it has no header.
 * @param cmd - the request
 */
export function decodeClusterInfoRequest(cmd: RemotingCommand): Record<string, never> {
  expectRequestCode(cmd, [RequestCode.GET_BROKER_CLUSTER_INFO]);
  return {};
}

/**
 * Builds the nameserver's answer (legacy form).
 * @param request - the request
 * @param info - cluster info
 */
export function encodeClusterInfoResponse(request: RemotingCommand, info: ClusterInfo): RemotingCommand {
  return createResponse(request, ResponseCode.SUCCESS, undefined, undefined, encodeClusterInfo(info));
}

/**
 * Decodes the answer.
 * @param cmd - the response
 * @param context - where the request went
 * @throws BrokerResponseError on a non-success code; ProtocolError for a missing or malformed body
 */
export function decodeClusterInfoResponse(cmd: RemotingCommand, context?: ErrorContext): ClusterInfo {
  expectCodes(cmd, [ResponseCode.SUCCESS], RequestCode.GET_BROKER_CLUSTER_INFO, context);
  if (!cmd.body || cmd.body.length === 0) throw new ProtocolError('GET_BROKER_CLUSTER_INFO: response body is missing');
  return parseClusterInfo(cmd.body);
}
