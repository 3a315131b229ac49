/**
 * HEART_BEAT (34): client → every broker of its topics, every 30 s. Empty header; body = HeartbeatData JSON.
 * Java: `heartbeat/HeartbeatData`, `ConsumerData`, `ProducerData`, `SubscriptionData`, `filter/FilterAPI`,
 * broker `ClientManageProcessor#heartBeat`.
 *
 * Body (fastjson, fields sorted):
 * `{"clientID":"10.0.0.5@1234#9876","consumerDataSet":[{"consumeFromWhere":"CONSUME_FROM_LAST_OFFSET",
 * "consumeType":"CONSUME_PASSIVELY","groupName":"G","messageModel":"CLUSTERING","subscriptionDataSet":[{
 * "classFilterMode":false,"codeSet":[],"expressionType":"TAG","subString":"*","subVersion":1700000000000,
 * "tagsSet":[],"topic":"T"}],"unitMode":false}],"heartbeatFingerprint":0,"producerDataSet":[{"groupName":"P"}],
 * "withoutSub":false}` (heartbeatFingerprint and withoutSub are 5.x only).
 *
 * Response: SUCCESS; its `version` is the broker's MQVersion ordinal.
 * @module
 */

import type { ErrorContext } from '../errors.js';
import { createRequest, createResponse, type RemotingCommand } from '../remoting/command.js';
import {
  intArray,
  objectArray,
  optBool,
  optInt,
  optString,
  reqEnum,
  reqInt,
  reqString,
  stringArray,
  type JsonObject,
} from './body-fields.js';
import { writeFastJson } from './fastjson.js';
import { expectCodes, expectRequestCode, parseJsonObject } from './header-fields.js';
import { RequestCode } from './request-codes.js';
import { ResponseCode } from './response-codes.js';

/** How a consumer gets messages. */
export type ConsumeType = 'CONSUME_ACTIVELY' | 'CONSUME_PASSIVELY' | 'CONSUME_POP';
/** Clustering (queues shared in the group) or broadcasting (every member gets everything). */
export type MessageModel = 'CLUSTERING' | 'BROADCASTING';

const CONSUME_TYPES: readonly ConsumeType[] = ['CONSUME_ACTIVELY', 'CONSUME_PASSIVELY', 'CONSUME_POP'];
const MESSAGE_MODELS: readonly MessageModel[] = ['CLUSTERING', 'BROADCASTING'];

/** One subscription (Java `SubscriptionData`). */
export interface SubscriptionData {
  /** Legacy class-filter mode. */
  classFilterMode: boolean;
  /** Topic. */
  topic: string;
  /** Expression, `*` for everything. */
  subString: string;
  /** Trimmed tags of a TAG expression. */
  tagsSet: string[];
  /** Java `String.hashCode` of each tag, in the same order. */
  codeSet: number[];
  /** ms timestamp when the subscription was built. */
  subVersion: number;
  /** `TAG` or `SQL92`. */
  expressionType: string;
}

/** One consumer group of this client (Java `ConsumerData`). */
export interface ConsumerData {
  /** Consumer group. */
  groupName: string;
  /** Pull or push. */
  consumeType: ConsumeType;
  /** Clustering or broadcasting. */
  messageModel: MessageModel;
  /** Where a new group starts, e.g. `CONSUME_FROM_LAST_OFFSET`. */
  consumeFromWhere: string;
  /** Subscriptions. */
  subscriptionDataSet: SubscriptionData[];
  /** Unit mode. */
  unitMode: boolean;
}

/** One producer group of this client (Java `ProducerData`). */
export interface ProducerData {
  /** Producer group. */
  groupName: string;
}

/** The HEART_BEAT body (Java `HeartbeatData`). */
export interface HeartbeatData {
  /** `clientIP@instanceName[@unit]`. */
  clientID: string;
  /** Producer groups. */
  producerDataSet: ProducerData[];
  /** Consumer groups. */
  consumerDataSet: ConsumerData[];
  /** 5.x: fingerprint for heartbeat v2 (0 when unused). */
  heartbeatFingerprint?: number;
  /** 5.x: subscriptions left out. */
  withoutSub?: boolean;
}

/**
 * Java's `String.hashCode` (31-based, UTF-16 code units, int32 overflow), used for `codeSet`.
 * @param s - the string
 */
export function javaStringHashCode(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
}

/**
 * Builds a subscription the way Java's `FilterAPI.buildSubscriptionData` does: `*` or empty → everything; a TAG
 * expression `a || b` → trimmed non-empty tags and their hash codes; SQL92 expressions are kept verbatim.
 * @param topic - topic
 * @param expression - subscription expression
 * @param subVersion - ms timestamp
 * @param expressionType - `TAG` or `SQL92`
 */
export function buildSubscriptionData(
  topic: string,
  expression: string | undefined,
  subVersion: number,
  expressionType = 'TAG',
): SubscriptionData {
  const sub: SubscriptionData = {
    classFilterMode: false,
    topic,
    subString: expression === undefined || expression.trim() === '' ? '*' : expression,
    tagsSet: [],
    codeSet: [],
    subVersion,
    expressionType,
  };
  if (expressionType !== 'TAG' || sub.subString === '*') {
    if (expressionType === 'TAG') sub.subString = '*';
    return sub;
  }
  for (const part of sub.subString.split('||')) {
    const tag = part.trim();
    if (tag === '' || sub.tagsSet.includes(tag)) continue;
    sub.tagsSet.push(tag);
    sub.codeSet.push(javaStringHashCode(tag));
  }
  return sub;
}

/**
 * Encodes the body as fastjson would.
 * @param data - heartbeat data
 */
export function encodeHeartbeatData(data: HeartbeatData): Buffer {
  return Buffer.from(writeFastJson(data), 'utf8');
}

function parseSubscription(o: JsonObject, what: string): SubscriptionData {
  return {
    classFilterMode: optBool(o, 'classFilterMode', what) ?? false,
    topic: reqString(o, 'topic', what),
    subString: optString(o, 'subString', what) ?? '*',
    tagsSet: stringArray(o, 'tagsSet', what),
    codeSet: intArray(o, 'codeSet', what),
    subVersion: reqInt(o, 'subVersion', what),
    expressionType: optString(o, 'expressionType', what) ?? 'TAG',
  };
}

/**
 * Parses a HEART_BEAT body.
 * @param body - the request body
 * @throws ProtocolError for malformed JSON or missing fields
 */
export function parseHeartbeatData(body: Buffer): HeartbeatData {
  const what = 'HeartbeatData';
  const root = parseJsonObject(body, what);
  const data: HeartbeatData = {
    clientID: reqString(root, 'clientID', what),
    producerDataSet: objectArray(root, 'producerDataSet', what).map((p) => ({
      groupName: reqString(p, 'groupName', `${what}.producerDataSet`),
    })),
    consumerDataSet: objectArray(root, 'consumerDataSet', what).map((c) => {
      const w = `${what}.consumerDataSet`;
      return {
        groupName: reqString(c, 'groupName', w),
        consumeType: reqEnum(c, 'consumeType', w, CONSUME_TYPES),
        messageModel: reqEnum(c, 'messageModel', w, MESSAGE_MODELS),
        consumeFromWhere: optString(c, 'consumeFromWhere', w) ?? 'CONSUME_FROM_LAST_OFFSET',
        subscriptionDataSet: objectArray(c, 'subscriptionDataSet', w).map((s) => parseSubscription(s, `${w}.subscriptionDataSet`)),
        unitMode: optBool(c, 'unitMode', w) ?? false,
      };
    }),
  };
  const fp = optInt(root, 'heartbeatFingerprint', what);
  if (fp !== undefined) data.heartbeatFingerprint = fp;
  const withoutSub = optBool(root, 'withoutSub', what);
  if (withoutSub !== undefined) data.withoutSub = withoutSub;
  return data;
}

/**
 * Builds HEART_BEAT.
 * @param data - heartbeat data
 */
export function encodeHeartbeatRequest(data: HeartbeatData): RemotingCommand {
  return createRequest(RequestCode.HEART_BEAT, undefined, encodeHeartbeatData(data));
}

/**
 * Decodes HEART_BEAT (mock side).
 * @param cmd - the request
 */
export function decodeHeartbeatRequest(cmd: RemotingCommand): {
  /** The decoded request body. */
  body: HeartbeatData;
} {
  expectRequestCode(cmd, [RequestCode.HEART_BEAT]);
  return { body: parseHeartbeatData(cmd.body ?? Buffer.alloc(0)) };
}

/**
 * Builds the SUCCESS answer, announcing the broker's version.
 * @param request - the heartbeat
 * @param brokerVersion - MQVersion ordinal to announce
 * @default brokerVersion 401
 */
export function encodeHeartbeatResponse(request: RemotingCommand, brokerVersion = 401): RemotingCommand {
  const res = createResponse(request, ResponseCode.SUCCESS);
  res.version = brokerVersion;
  return res;
}

/**
 * Checks the answer and reports the broker's version.
 * @param cmd - the response
 * @param context - where the request went
 */
export function decodeHeartbeatResponse(cmd: RemotingCommand, context?: ErrorContext): {
  /** The broker's version (MQVersion ordinal) from the response. */
  brokerVersion: number;
} {
  expectCodes(cmd, [ResponseCode.SUCCESS], RequestCode.HEART_BEAT, context);
  return { brokerVersion: cmd.version };
}
