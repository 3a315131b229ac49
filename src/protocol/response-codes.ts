/**
 * THE response-code table. Every decision that depends on a broker's or nameserver's response code (its name, whether a
 * retry on another broker may succeed, whether the route must be refreshed first) is answered here, so no other module
 * needs a switch over codes.
 *
 * Sources: Java `RemotingSysResponseCode`, `ResponseCode` and the client-local `ClientErrorCode`.
 * Retry flags follow the Java 5.x producer's `retryResponseCodes` (see `NO_PERMISSION` for our one deviation).
 * @module
 */

import { BrokerResponseError, type ErrorContext } from '../errors.js';
import { createResponse, type RemotingCommand } from '../remoting/command.js';
import { requestCodeName } from './request-codes.js';

/** One row of {@link RESPONSE_CODES}. */
export interface ResponseCodeInfo {
  /** Numeric response code. */
  readonly code: number;
  /** Java constant name, e.g. `SERVICE_NOT_AVAILABLE`. */
  readonly name: string;
  /** Whether a send may succeed when retried on another broker. */
  readonly retriable: boolean;
  /** Whether the producer should refresh the topic route from the nameserver before retrying. */
  readonly refreshRoute: boolean;
}

/** Shorthand for a table row; `r` = retriable, `f` = refresh route. */
function row(code: number, name: string, r = false, f = false): ResponseCodeInfo {
  return Object.freeze({ code, name, retriable: r, refreshRoute: f });
}

/** Every response code we know, in numeric order within each group. */
export const RESPONSE_CODES: readonly ResponseCodeInfo[] = Object.freeze([
  // RemotingSysResponseCode
  row(0, 'SUCCESS'),
  // A broker-side failure (e.g. DLedger "in-sync replicas not enough"); another broker may be fine.
  row(1, 'SYSTEM_ERROR', true, true),
  // Flow-control shedding ([REJECTREQUEST], [OVERLOAD], [TIMEOUT_CLEAN_QUEUE], LEADER_PENDING_FULL).
  row(2, 'SYSTEM_BUSY', true, true),
  row(3, 'REQUEST_CODE_NOT_SUPPORTED'),
  row(4, 'TRANSACTION_FAILED'),
  // ResponseCode: send and store
  row(10, 'FLUSH_DISK_TIMEOUT'),
  row(11, 'SLAVE_NOT_AVAILABLE'),
  row(12, 'FLUSH_SLAVE_TIMEOUT'),
  row(13, 'MESSAGE_ILLEGAL'),
  // Sent to a slave / demoted DLedger node / node not ready: the master moved, so re-read the route.
  row(14, 'SERVICE_NOT_AVAILABLE', true, true),
  row(15, 'VERSION_NOT_SUPPORTED'),
  // Java 5.x retries NO_PERMISSION, but an ACL denial or a broker without write permission does not heal by
  // retrying within one send budget; we fail fast so the caller sees the real cause at once.
  row(16, 'NO_PERMISSION'),
  row(17, 'TOPIC_NOT_EXIST', true, true),
  row(18, 'TOPIC_EXIST_ALREADY'),
  // pull and query
  row(19, 'PULL_NOT_FOUND'),
  row(20, 'PULL_RETRY_IMMEDIATELY'),
  row(21, 'PULL_OFFSET_MOVED'),
  row(22, 'QUERY_NOT_FOUND'),
  // subscription
  row(23, 'SUBSCRIPTION_PARSE_FAILED'),
  row(24, 'SUBSCRIPTION_NOT_EXIST'),
  row(25, 'SUBSCRIPTION_NOT_LATEST'),
  row(26, 'SUBSCRIPTION_GROUP_NOT_EXIST'),
  row(27, 'FILTER_DATA_NOT_EXIST'),
  row(28, 'FILTER_DATA_NOT_LATEST'),
  row(29, 'INVALID_PARAMETER'),
  // transactions
  row(200, 'TRANSACTION_SHOULD_COMMIT'),
  row(201, 'TRANSACTION_SHOULD_ROLLBACK'),
  row(202, 'TRANSACTION_STATE_UNKNOW'),
  row(203, 'TRANSACTION_STATE_GROUP_WRONG'),
  // others
  row(204, 'NO_BUYER_ID', true),
  row(205, 'NOT_IN_CURRENT_UNIT', true),
  row(206, 'CONSUMER_NOT_ONLINE'),
  row(207, 'CONSUME_MSG_TIMEOUT'),
  row(208, 'NO_MESSAGE'),
  row(209, 'POLLING_FULL'),
  row(210, 'POLLING_TIMEOUT'),
  row(211, 'BROKER_NOT_EXIST'),
  row(212, 'BROKER_DISPATCH_NOT_COMPLETE'),
  row(213, 'BROADCAST_CONSUMPTION'),
  row(215, 'FLOW_CONTROL', true),
  row(501, 'NOT_LEADER_FOR_QUEUE'),
  row(604, 'ILLEGAL_OPERATION'),
  // proxy-internal RPC codes (5.x); a remoting client only sees them through a proxy
  row(-1000, 'RPC_UNKNOWN'),
  row(-1002, 'RPC_ADDR_IS_NULL'),
  row(-1004, 'RPC_SEND_TO_CHANNEL_FAILED'),
  row(-1006, 'RPC_TIME_OUT'),
  // The proxy is shutting down: go elsewhere and re-read the route.
  row(1500, 'GO_AWAY', true, true),
  // 5.x controller
  row(2000, 'CONTROLLER_FENCED_MASTER_EPOCH'),
  row(2001, 'CONTROLLER_FENCED_SYNC_STATE_SET_EPOCH'),
  row(2002, 'CONTROLLER_INVALID_MASTER'),
  row(2003, 'CONTROLLER_INVALID_REPLICAS'),
  row(2004, 'CONTROLLER_MASTER_NOT_AVAILABLE'),
  row(2005, 'CONTROLLER_INVALID_REQUEST'),
  row(2006, 'CONTROLLER_BROKER_NOT_ALIVE'),
  row(2007, 'CONTROLLER_NOT_LEADER'),
  row(2008, 'CONTROLLER_BROKER_METADATA_NOT_EXIST'),
  row(2009, 'CONTROLLER_INVALID_CLEAN_BROKER_METADATA'),
  row(2010, 'CONTROLLER_BROKER_NEED_TO_BE_REGISTERED'),
  row(2011, 'CONTROLLER_MASTER_STILL_EXIST'),
  row(2012, 'CONTROLLER_ELECT_MASTER_FAILED'),
  row(2013, 'CONTROLLER_ALTER_SYNC_STATE_SET_FAILED'),
  row(2014, 'CONTROLLER_BROKER_ID_INVALID'),
  row(2015, 'CONTROLLER_JRAFT_INTERNAL_ERROR'),
  row(2016, 'CONTROLLER_BROKER_LIVE_INFO_NOT_EXISTS'),
  // 5.x auth
  row(3001, 'USER_NOT_EXIST'),
  row(3002, 'POLICY_NOT_EXIST'),
  // Client-local codes (Java ClientErrorCode). Connect failures and timeouts are retried on another broker, as Java
  // does, and re-read the route because the broker may be gone (e.g. a dead DLedger leader).
  row(10001, 'CONNECT_BROKER_EXCEPTION', true, true),
  row(10002, 'ACCESS_BROKER_TIMEOUT', true, true),
  row(10003, 'BROKER_NOT_EXIST_EXCEPTION', true, true),
  row(10004, 'NO_NAME_SERVER_EXCEPTION'),
  row(10005, 'NOT_FOUND_TOPIC_EXCEPTION', false, true),
]);

const BY_CODE: ReadonlyMap<number, ResponseCodeInfo> = new Map(RESPONSE_CODES.map((r) => [r.code, r]));

/**
 * Response code constants keyed by name, derived from {@link RESPONSE_CODES} (so the two can never disagree).
 * Typed loosely as `Record<string, number>` plus the names we use in code.
 */
export const ResponseCode = Object.freeze(
  Object.fromEntries(RESPONSE_CODES.map((r) => [r.name, r.code])),
) as Readonly<Record<string, number>> & KnownResponseCodes;

/** The response codes other modules refer to by name (a typed view of {@link ResponseCode}). */
export interface KnownResponseCodes {
  /** 0 */ readonly SUCCESS: number;
  /** 1 */ readonly SYSTEM_ERROR: number;
  /** 2 */ readonly SYSTEM_BUSY: number;
  /** 3 */ readonly REQUEST_CODE_NOT_SUPPORTED: number;
  /** 4 */ readonly TRANSACTION_FAILED: number;
  /** 10 */ readonly FLUSH_DISK_TIMEOUT: number;
  /** 11 */ readonly SLAVE_NOT_AVAILABLE: number;
  /** 12 */ readonly FLUSH_SLAVE_TIMEOUT: number;
  /** 13 */ readonly MESSAGE_ILLEGAL: number;
  /** 14 */ readonly SERVICE_NOT_AVAILABLE: number;
  /** 15 */ readonly VERSION_NOT_SUPPORTED: number;
  /** 16 */ readonly NO_PERMISSION: number;
  /** 17 */ readonly TOPIC_NOT_EXIST: number;
  /** 18 */ readonly TOPIC_EXIST_ALREADY: number;
  /** 19 */ readonly PULL_NOT_FOUND: number;
  /** 20 */ readonly PULL_RETRY_IMMEDIATELY: number;
  /** 21 */ readonly PULL_OFFSET_MOVED: number;
  /** 22 */ readonly QUERY_NOT_FOUND: number;
  /** 23 */ readonly SUBSCRIPTION_PARSE_FAILED: number;
  /** 24 */ readonly SUBSCRIPTION_NOT_EXIST: number;
  /** 25 */ readonly SUBSCRIPTION_NOT_LATEST: number;
  /** 26 */ readonly SUBSCRIPTION_GROUP_NOT_EXIST: number;
  /** 29 */ readonly INVALID_PARAMETER: number;
  /** 200 */ readonly TRANSACTION_SHOULD_COMMIT: number;
  /** 201 */ readonly TRANSACTION_SHOULD_ROLLBACK: number;
  /** 202 */ readonly TRANSACTION_STATE_UNKNOW: number;
  /** 204 */ readonly NO_BUYER_ID: number;
  /** 205 */ readonly NOT_IN_CURRENT_UNIT: number;
  /** 206 */ readonly CONSUMER_NOT_ONLINE: number;
  /** 208 */ readonly NO_MESSAGE: number;
  /** 215 */ readonly FLOW_CONTROL: number;
  /** 501 */ readonly NOT_LEADER_FOR_QUEUE: number;
  /** 1500 */ readonly GO_AWAY: number;
  /** 10001 */ readonly CONNECT_BROKER_EXCEPTION: number;
  /** 10002 */ readonly ACCESS_BROKER_TIMEOUT: number;
  /** 10003 */ readonly BROKER_NOT_EXIST_EXCEPTION: number;
  /** 10004 */ readonly NO_NAME_SERVER_EXCEPTION: number;
  /** 10005 */ readonly NOT_FOUND_TOPIC_EXCEPTION: number;
}

/**
 * Looks a response code up in {@link RESPONSE_CODES}. Unknown codes yield name `UNKNOWN_<n>`, not retriable,
 * no route refresh: a code we do not understand is never a reason to hammer another broker.
 * @param code - numeric response code
 */
export function responseCodeInfo(code: number): ResponseCodeInfo {
  return BY_CODE.get(code) ?? { code, name: `UNKNOWN_${code}`, retriable: false, refreshRoute: false };
}

/**
 * Turns a non-success response into the typed error every layer throws. The message names the code, its number and
 * the peer's remark; the context keeps what the caller knew (broker address, request code) plus the response's
 * code, remark and opaque.
 * @param cmd - the response received
 * @param context - where the request went; `opaque` defaults to the response's opaque
 */
export function errorFromResponse(cmd: RemotingCommand, context: ErrorContext = {}): BrokerResponseError {
  const info = responseCodeInfo(cmd.code);
  const ctx: ErrorContext = {
    ...context,
    opaque: context.opaque ?? cmd.opaque,
    responseCode: cmd.code,
  };
  if (cmd.remark !== undefined) ctx.remark = cmd.remark;
  const where: string[] = [];
  if (ctx.requestCode !== undefined) where.push(`to ${requestCodeName(ctx.requestCode)}`);
  if (ctx.brokerAddr !== undefined) where.push(`from ${ctx.brokerAddr}`);
  const suffix = where.length > 0 ? ` (${where.join(' ')})` : '';
  const remark = cmd.remark ? `: ${cmd.remark}` : '';
  return new BrokerResponseError(
    `${info.name} (${cmd.code})${remark}${suffix}`,
    { responseCode: cmd.code, responseName: info.name, retriable: info.retriable, refreshRoute: info.refreshRoute },
    { context: ctx },
  );
}

/**
 * Builds an error response to `request` (for the mock): the given code and remark, no header fields.
 * @param request - the request being answered
 * @param code - a response code, e.g. `ResponseCode.TOPIC_NOT_EXIST`
 * @param remark - human-readable reason, sent as the remark
 */
export function encodeErrorResponse(request: RemotingCommand, code: number, remark?: string): RemotingCommand {
  return createResponse(request, code, remark);
}
