/**
 * GET_ROUTEINFO_BY_TOPIC (105): client → nameserver. Java: `header/namesrv/GetRouteInfoRequestHeader`,
 * namesrv `ClientRequestProcessor#getRouteInfoByTopic`.
 *
 * Request header: topic (string, required), acceptStandardJsonOnly (boolean, 4.9.4+, optional).
 * Response: SUCCESS with a {@link TopicRouteData} body; an unknown topic is TOPIC_NOT_EXIST
 * "No topic route info in name server for the topic: T…".
 *
 * Which JSON form the nameserver writes (commit 73b9ac8): standard when the request's version ≥ 401 (V4_9_4) or
 * `acceptStandardJsonOnly=true`, legacy otherwise. {@link encodeRouteInfoResponse} copies that rule so the mock
 * answers ali-ons (version 121) in the legacy form it expects.
 * @module
 */

import type { ErrorContext } from '../errors.js';
import { ProtocolError } from '../errors.js';
import { createRequest, createResponse, type RemotingCommand } from '../remoting/command.js';
import { expectCodes, expectRequestCode, fromExtFields, toExtFields, type HeaderSchema } from './header-fields.js';
import { RequestCode } from './request-codes.js';
import { ResponseCode } from './response-codes.js';
import { encodeTopicRouteData, parseTopicRouteData, type TopicRouteData } from './route.js';

/** Header of GET_ROUTEINFO_BY_TOPIC. */
export interface GetRouteInfoRequestHeader {
  /** Topic. */
  topic: string;
  /** Ask for the standard JSON form whatever our version (4.9.4+ nameservers). */
  acceptStandardJsonOnly?: boolean;
}

const SCHEMA: HeaderSchema<GetRouteInfoRequestHeader> = {
  topic: { kind: 'string' },
  acceptStandardJsonOnly: { kind: 'bool', optional: true },
};

/** The first MQVersion ordinal (V4_9_4) that gets standard-JSON routes. */
export const STANDARD_JSON_MIN_VERSION = 401;

/**
 * Builds GET_ROUTEINFO_BY_TOPIC.
 * @param header - topic; we normally send `acceptStandardJsonOnly: true`
 */
export function encodeRouteInfoRequest(header: GetRouteInfoRequestHeader): RemotingCommand {
  return createRequest(RequestCode.GET_ROUTEINFO_BY_TOPIC, toExtFields(header, SCHEMA, 'GetRouteInfoRequestHeader'));
}

/**
 * Decodes GET_ROUTEINFO_BY_TOPIC (mock side).
 * @param cmd - the request
 */
export function decodeRouteInfoRequest(cmd: RemotingCommand): {
  /** The decoded request header. */
  header: GetRouteInfoRequestHeader;
} {
  expectRequestCode(cmd, [RequestCode.GET_ROUTEINFO_BY_TOPIC]);
  return { header: fromExtFields(cmd, SCHEMA, 'GetRouteInfoRequestHeader') };
}

/**
 * Whether a 4.9.4+ nameserver would answer this request in the standard JSON form.
 * @param request - the route request
 */
export function wantsStandardRouteJson(request: RemotingCommand): boolean {
  return (
    request.version >= STANDARD_JSON_MIN_VERSION || request.extFields?.acceptStandardJsonOnly?.toLowerCase() === 'true'
  );
}

/** Options of {@link encodeRouteInfoResponse}. */
export interface EncodeRouteInfoResponseOptions {
  /**
   * Force a form instead of following the request (e.g. `'legacy'` to behave like a pre-4.9.4 nameserver).
   * @default chosen by {@link wantsStandardRouteJson}
   */
  form?: 'legacy' | 'standard';
}

/**
 * Builds the nameserver's answer: the route, or TOPIC_NOT_EXIST when `route` is undefined.
 * @param request - the route request
 * @param route - the topic's route, if any
 * @param options - JSON form override
 */
export function encodeRouteInfoResponse(
  request: RemotingCommand,
  route: TopicRouteData | undefined,
  options: EncodeRouteInfoResponseOptions = {},
): RemotingCommand {
  if (!route) {
    const topic = request.extFields?.topic ?? '';
    return createResponse(
      request,
      ResponseCode.TOPIC_NOT_EXIST,
      `No topic route info in name server for the topic: ${topic}\nSee http://rocketmq.apache.org/docs/faq/ for further details.`,
    );
  }
  const legacy = options.form ? options.form === 'legacy' : !wantsStandardRouteJson(request);
  return createResponse(request, ResponseCode.SUCCESS, undefined, undefined, encodeTopicRouteData(route, { legacy }));
}

/**
 * Decodes the answer into a route (either JSON form).
 * @param cmd - the response
 * @param context - where the request went (add `topic` for a better error)
 * @throws BrokerResponseError (TOPIC_NOT_EXIST, …); ProtocolError for a missing or malformed body
 */
export function decodeRouteInfoResponse(cmd: RemotingCommand, context?: ErrorContext): TopicRouteData {
  expectCodes(cmd, [ResponseCode.SUCCESS], RequestCode.GET_ROUTEINFO_BY_TOPIC, context);
  if (!cmd.body || cmd.body.length === 0) throw new ProtocolError('GET_ROUTEINFO_BY_TOPIC: response body is missing');
  return parseTopicRouteData(cmd.body);
}
