/**
 * GET_CONSUMER_RUNNING_INFO (307): broker → client (on behalf of an admin tool), minimal support.
 * Java: `header/GetConsumerRunningInfoRequestHeader`, `body/ConsumerRunningInfo`,
 * `ClientRemotingProcessor#getConsumerRunningInfo`.
 *
 * Request header: consumerGroup, clientId (required), jstackEnable? (boolean).
 * Response: SUCCESS with body `{"jstack"?:…,"mqTable":{},"properties":{…},"statusTable":{},"subscriptionSet":[…]}`.
 * We fill `properties` and `subscriptionSet`; per-queue tables are sent empty. Java writes `mqTable` with
 * MessageQueue objects as keys, so decoding uses the complex-key reader and keeps only the fields we model.
 * @module
 */

import type { ErrorContext } from '../errors.js';
import { ProtocolError } from '../errors.js';
import { createRequest, createResponse, type RemotingCommand } from '../remoting/command.js';
import { writeFastJson } from './fastjson.js';
import { parseComplexKeyJson, type ComplexJsonValue } from './complex-key-json.js';
import { expectCodes, expectRequestCode, fromExtFields, toExtFields, type HeaderSchema } from './header-fields.js';
import type { SubscriptionData } from './heartbeat.js';
import { RequestCode } from './request-codes.js';
import { ResponseCode } from './response-codes.js';

/** Header of GET_CONSUMER_RUNNING_INFO. */
export interface GetConsumerRunningInfoRequestHeader {
  /** Consumer group. */
  consumerGroup: string;
  /** Target client id. */
  clientId: string;
  /** Include a thread dump. */
  jstackEnable?: boolean;
}

const SCHEMA: HeaderSchema<GetConsumerRunningInfoRequestHeader> = {
  consumerGroup: { kind: 'string' },
  clientId: { kind: 'string' },
  jstackEnable: { kind: 'bool', optional: true },
};

/** The part of Java's `ConsumerRunningInfo` we model. */
export interface ConsumerRunningInfo {
  /** Free-form properties (consumer config, start time, version…). */
  properties: Record<string, string>;
  /** Active subscriptions. */
  subscriptionSet: SubscriptionData[];
  /** Thread dump text. */
  jstack?: string;
}

/**
 * Builds GET_CONSUMER_RUNNING_INFO (mock broker side).
 * @param header - group and client
 */
export function encodeConsumerRunningInfoRequest(header: GetConsumerRunningInfoRequestHeader): RemotingCommand {
  return createRequest(
    RequestCode.GET_CONSUMER_RUNNING_INFO,
    toExtFields(header, SCHEMA, 'GetConsumerRunningInfoRequestHeader'),
  );
}

/**
 * Decodes GET_CONSUMER_RUNNING_INFO (client side).
 * @param cmd - the request
 */
export function decodeConsumerRunningInfoRequest(cmd: RemotingCommand): {
  /** The decoded request header. */
  header: GetConsumerRunningInfoRequestHeader;
} {
  expectRequestCode(cmd, [RequestCode.GET_CONSUMER_RUNNING_INFO]);
  return { header: fromExtFields(cmd, SCHEMA, 'GetConsumerRunningInfoRequestHeader') };
}

/**
 * Builds the client's answer.
 * @param request - the request
 * @param info - what to report
 */
export function encodeConsumerRunningInfoResponse(request: RemotingCommand, info: ConsumerRunningInfo): RemotingCommand {
  const json = {
    jstack: info.jstack,
    mqTable: {},
    properties: info.properties,
    statusTable: {},
    subscriptionSet: info.subscriptionSet,
  };
  return createResponse(request, ResponseCode.SUCCESS, undefined, undefined, Buffer.from(writeFastJson(json), 'utf8'));
}

const WHAT = 'ConsumerRunningInfo';

function asString(v: ComplexJsonValue | undefined, field: string): string {
  if (typeof v !== 'string') throw new ProtocolError(`${WHAT}: ${field} must be a string`);
  return v;
}

function asInt(v: ComplexJsonValue | undefined, field: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new ProtocolError(`${WHAT}: ${field} must be an integer`);
  return v;
}

function asStringList(v: ComplexJsonValue | undefined, field: string): string[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new ProtocolError(`${WHAT}: ${field} must be an array`);
  return v.map((x) => asString(x, field));
}

function parseSubscription(v: ComplexJsonValue): SubscriptionData {
  if (!(v instanceof Map)) throw new ProtocolError(`${WHAT}: subscriptionSet entries must be objects`);
  const codes = v.get('codeSet');
  return {
    classFilterMode: v.get('classFilterMode') === true,
    topic: asString(v.get('topic'), 'topic'),
    subString: asString(v.get('subString') ?? '*', 'subString'),
    tagsSet: asStringList(v.get('tagsSet'), 'tagsSet'),
    codeSet: Array.isArray(codes) ? codes.map((c) => asInt(c, 'codeSet')) : [],
    subVersion: asInt(v.get('subVersion') ?? 0, 'subVersion'),
    expressionType: asString(v.get('expressionType') ?? 'TAG', 'expressionType'),
  };
}

/**
 * Decodes the client's answer (mock/admin side).
 * @param cmd - the response
 * @param context - where the request went
 */
export function decodeConsumerRunningInfoResponse(cmd: RemotingCommand, context?: ErrorContext): ConsumerRunningInfo {
  expectCodes(cmd, [ResponseCode.SUCCESS], RequestCode.GET_CONSUMER_RUNNING_INFO, context);
  if (!cmd.body || cmd.body.length === 0) throw new ProtocolError(`${WHAT}: body is missing`);
  const root = parseComplexKeyJson(cmd.body.toString('utf8'));
  if (!(root instanceof Map)) throw new ProtocolError(`${WHAT}: body is not a JSON object`);
  const props = root.get('properties');
  const properties: Record<string, string> = {};
  if (props instanceof Map) {
    for (const [k, v] of props) {
      Object.defineProperty(properties, String(k), { value: String(v), enumerable: true, writable: true, configurable: true });
    }
  }
  const subs = root.get('subscriptionSet');
  const info: ConsumerRunningInfo = {
    properties,
    subscriptionSet: Array.isArray(subs) ? subs.map(parseSubscription) : [],
  };
  const jstack = root.get('jstack');
  if (typeof jstack === 'string') info.jstack = jstack;
  return info;
}
