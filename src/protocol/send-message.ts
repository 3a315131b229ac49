/**
 * SEND_MESSAGE (10), SEND_MESSAGE_V2 (310) and SEND_BATCH_MESSAGE (320): client → broker.
 * Java: `header/SendMessageRequestHeader(V2)`, `SendMessageResponseHeader`, `MQClientAPIImpl#sendMessage`,
 * `processSendResponse`.
 *
 * Request header (v1 name / V2 wire name):
 * | field | V2 | type | required |
 * |---|---|---|---|
 * | producerGroup | a | string | yes |
 * | topic | b | string | yes |
 * | defaultTopic (`TBW102`) | c | string | yes |
 * | defaultTopicQueueNums (4) | d | int | yes |
 * | queueId (< 0: broker picks) | e | int | yes |
 * | sysFlag | f | int | yes |
 * | bornTimestamp (ms) | g | long | yes |
 * | flag | h | int | yes |
 * | properties (0x01/0x02 encoded) | i | string | no |
 * | reconsumeTimes | j | int | no |
 * | unitMode | k | boolean | no |
 * | maxReconsumeTimes | l | int | no |
 * | batch | m | boolean | no |
 * | brokerName (v1: 5.x `bname`) | n | string | no |
 *
 * Java clients use V2 by default and always for batches (code 320 with `m=true`). Body: the message body (maybe
 * compressed) or the batch encoding.
 *
 * Response header: msgId (the offsetMsgId; batches join ids with ','), queueId, queueOffset, transactionId?,
 * batchUniqId?, plus `MSG_REGION` and `TRACE_ON` from the broker. SUCCESS, FLUSH_DISK_TIMEOUT, FLUSH_SLAVE_TIMEOUT and
 * SLAVE_NOT_AVAILABLE are send statuses (the message is stored); every other code is an error.
 * @module
 */

import type { ErrorContext } from '../errors.js';
import { DEFAULT_LANGUAGE, DEFAULT_VERSION, FLAG_ONEWAY, createRequest, createResponse, type RemotingCommand } from '../remoting/command.js';
import { expectCodes, expectRequestCode, fromExtFields, toExtFields, type HeaderSchema } from './header-fields.js';
import { RequestCode } from './request-codes.js';
import { ResponseCode } from './response-codes.js';

/** Header of a send request, with the v1 (long) field names; the V2 form only renames them on the wire. */
export interface SendMessageRequestHeader {
  /** Producer group. */
  producerGroup: string;
  /** Target topic. */
  topic: string;
  /** Topic whose config is copied when the broker auto-creates `topic` (normally `TBW102`). */
  defaultTopic: string;
  /** Queue count for an auto-created topic (normally 4). */
  defaultTopicQueueNums: number;
  /** Target queue; negative lets the broker pick one. */
  queueId: number;
  /** `MessageSysFlag` bits (compression, transaction type, …). */
  sysFlag: number;
  /** Producer-side creation time, ms since the epoch. */
  bornTimestamp: number;
  /** Application flag carried with the message. */
  flag: number;
  /** Properties in the 0x01/0x02 encoding (`encodeProperties`). */
  properties?: string;
  /** Times the message was consumed and sent back (retry topics). */
  reconsumeTimes?: number;
  /** Unit mode. */
  unitMode?: boolean;
  /** Maximum redeliveries (retry topics). */
  maxReconsumeTimes?: number;
  /** The body is a batch encoding. */
  batch?: boolean;
  /** Target broker group (5.x). */
  brokerName?: string;
}

const V1_SCHEMA: HeaderSchema<SendMessageRequestHeader> = {
  producerGroup: { kind: 'string' },
  topic: { kind: 'string' },
  defaultTopic: { kind: 'string' },
  defaultTopicQueueNums: { kind: 'int' },
  queueId: { kind: 'int' },
  sysFlag: { kind: 'int' },
  bornTimestamp: { kind: 'long' },
  flag: { kind: 'int' },
  properties: { kind: 'string', optional: true },
  reconsumeTimes: { kind: 'int', optional: true },
  unitMode: { kind: 'bool', optional: true },
  maxReconsumeTimes: { kind: 'int', optional: true },
  batch: { kind: 'bool', optional: true },
  brokerName: { kind: 'string', optional: true, wire: 'bname' },
};

const V2_SCHEMA: HeaderSchema<SendMessageRequestHeader> = {
  producerGroup: { kind: 'string', wire: 'a' },
  topic: { kind: 'string', wire: 'b' },
  defaultTopic: { kind: 'string', wire: 'c' },
  defaultTopicQueueNums: { kind: 'int', wire: 'd' },
  queueId: { kind: 'int', wire: 'e' },
  sysFlag: { kind: 'int', wire: 'f' },
  bornTimestamp: { kind: 'long', wire: 'g' },
  flag: { kind: 'int', wire: 'h' },
  properties: { kind: 'string', optional: true, wire: 'i' },
  reconsumeTimes: { kind: 'int', optional: true, wire: 'j' },
  unitMode: { kind: 'bool', optional: true, wire: 'k' },
  maxReconsumeTimes: { kind: 'int', optional: true, wire: 'l' },
  batch: { kind: 'bool', optional: true, wire: 'm' },
  brokerName: { kind: 'string', optional: true, wire: 'n' },
};

/** Options of {@link encodeSendMessageRequest}. */
export interface EncodeSendOptions {
  /**
   * Header form: `'v2'` (compact names, code 310) or `'v1'` (long names, code 10). Batches always use V2 and 320.
   * @default 'v2'
   */
  form?: 'v1' | 'v2';
  /**
   * Send as a oneway request (no response expected).
   * @default false
   */
  oneway?: boolean;
}

/**
 * Builds a send request. `header.batch === true` selects SEND_BATCH_MESSAGE (320) with the V2 header.
 * @param header - send header (v1 names)
 * @param body - message body or batch encoding
 * @param options - header form, oneway
 * @throws ValidationError when a required header field is missing
 */
export function encodeSendMessageRequest(
  header: SendMessageRequestHeader,
  body: Buffer,
  options: EncodeSendOptions = {},
): RemotingCommand {
  const batch = header.batch === true;
  const v2 = batch || (options.form ?? 'v2') === 'v2';
  const code = batch ? RequestCode.SEND_BATCH_MESSAGE : v2 ? RequestCode.SEND_MESSAGE_V2 : RequestCode.SEND_MESSAGE;
  if (v2) {
    const ext = v2ExtFields(header);
    if (ext) {
      // Same command createRequest would build, without copying the (already all-string) fields once more.
      return { code, language: DEFAULT_LANGUAGE, version: DEFAULT_VERSION, opaque: 0, flag: options.oneway ? FLAG_ONEWAY : 0, extFields: ext, body };
    }
  }
  const ext = toExtFields(header, v2 ? V2_SCHEMA : V1_SCHEMA, 'SendMessageRequestHeader');
  return createRequest(code, ext, body, { oneway: options.oneway ?? false });
}

const isInt32 = (v: unknown): v is number => typeof v === 'number' && (v | 0) === v;

/**
 * The V2 ext fields of a well-formed header, built in one pass with the keys already in wire (alphabetical) order,
 * which is what every send does; undefined when anything is unusual (a missing or ill-typed field, a null), so the
 * schema-driven {@link toExtFields} produces the same fields or the same ValidationError as before.
 */
function v2ExtFields(h: SendMessageRequestHeader): Record<string, string> | undefined {
  if (
    typeof h.producerGroup !== 'string' ||
    typeof h.topic !== 'string' ||
    typeof h.defaultTopic !== 'string' ||
    !isInt32(h.defaultTopicQueueNums) ||
    !isInt32(h.queueId) ||
    !isInt32(h.sysFlag) ||
    !Number.isInteger(h.bornTimestamp) ||
    !isInt32(h.flag)
  ) {
    return undefined;
  }
  const ext: Record<string, string> = {
    a: h.producerGroup,
    b: h.topic,
    c: h.defaultTopic,
    d: String(h.defaultTopicQueueNums),
    e: String(h.queueId),
    f: String(h.sysFlag),
    g: String(h.bornTimestamp),
    h: String(h.flag),
  };
  const { properties, reconsumeTimes, unitMode, maxReconsumeTimes, batch, brokerName } = h;
  if (properties !== undefined) {
    if (typeof properties !== 'string') return undefined;
    ext.i = properties;
  }
  if (reconsumeTimes !== undefined) {
    if (!isInt32(reconsumeTimes)) return undefined;
    ext.j = String(reconsumeTimes);
  }
  if (unitMode !== undefined) {
    if (typeof unitMode !== 'boolean') return undefined;
    ext.k = unitMode ? 'true' : 'false';
  }
  if (maxReconsumeTimes !== undefined) {
    if (!isInt32(maxReconsumeTimes)) return undefined;
    ext.l = String(maxReconsumeTimes);
  }
  if (batch !== undefined) {
    if (typeof batch !== 'boolean') return undefined;
    ext.m = batch ? 'true' : 'false';
  }
  if (brokerName !== undefined) {
    if (typeof brokerName !== 'string') return undefined;
    ext.n = brokerName;
  }
  return ext;
}

/** A decoded send request (mock side). */
export interface DecodedSendMessageRequest {
  /** Header, with `batch` forced to true for SEND_BATCH_MESSAGE. */
  header: SendMessageRequestHeader;
  /** Body (empty when the frame had none). */
  body: Buffer;
  /** Which header form the request used. */
  form: 'v1' | 'v2';
}

/**
 * Decodes SEND_MESSAGE, SEND_MESSAGE_V2 or SEND_BATCH_MESSAGE, with either header form (a V2 header is recognised by
 * its `a`/`b` fields, whatever the code says, as a lenient broker would).
 * @param cmd - the request
 * @throws ProtocolError on a wrong code, a missing required field or a malformed number
 */
export function decodeSendMessageRequest(cmd: RemotingCommand): DecodedSendMessageRequest {
  expectRequestCode(cmd, [RequestCode.SEND_MESSAGE, RequestCode.SEND_MESSAGE_V2, RequestCode.SEND_BATCH_MESSAGE]);
  const ext = cmd.extFields ?? {};
  const v2 = 'a' in ext || 'b' in ext || (cmd.code !== RequestCode.SEND_MESSAGE && !('producerGroup' in ext));
  const header = fromExtFields(cmd, v2 ? V2_SCHEMA : V1_SCHEMA, v2 ? 'SendMessageRequestHeaderV2' : 'SendMessageRequestHeader');
  if (cmd.code === RequestCode.SEND_BATCH_MESSAGE) header.batch = true;
  return { header, body: cmd.body ?? Buffer.alloc(0), form: v2 ? 'v2' : 'v1' };
}

/** Outcome of a stored send. */
export type SendStatus = 'SEND_OK' | 'FLUSH_DISK_TIMEOUT' | 'FLUSH_SLAVE_TIMEOUT' | 'SLAVE_NOT_AVAILABLE';

const STATUS_CODE: Readonly<Record<SendStatus, number>> = {
  SEND_OK: ResponseCode.SUCCESS,
  FLUSH_DISK_TIMEOUT: ResponseCode.FLUSH_DISK_TIMEOUT,
  FLUSH_SLAVE_TIMEOUT: ResponseCode.FLUSH_SLAVE_TIMEOUT,
  SLAVE_NOT_AVAILABLE: ResponseCode.SLAVE_NOT_AVAILABLE,
};
const CODE_STATUS = new Map<number, SendStatus>(
  (Object.entries(STATUS_CODE) as [SendStatus, number][]).map(([s, c]) => [c, s]),
);

/** What the broker reports for a stored message (mock side input of {@link encodeSendMessageResponse}). */
export interface SendMessageResponseFields {
  /**
   * Send status, mapped onto the response code.
   * @default 'SEND_OK'
   */
  status?: SendStatus;
  /** offsetMsgId (batches: ids joined by ','). */
  msgId: string;
  /** Queue the message went to. */
  queueId: number;
  /** Queue offset (batches: the first message's). */
  queueOffset: number;
  /** Transaction id (= UNIQ_KEY), for half messages. */
  transactionId?: string;
  /** The batch's own UNIQ_KEY. */
  batchUniqId?: string;
  /**
   * `MSG_REGION` field.
   * @default 'DefaultRegion'
   */
  msgRegion?: string;
  /**
   * `TRACE_ON` field.
   * @default true
   */
  traceOn?: boolean;
}

/**
 * Builds the broker's answer to a stored send.
 * @param request - the send request
 * @param fields - where the message was stored
 */
export function encodeSendMessageResponse(request: RemotingCommand, fields: SendMessageResponseFields): RemotingCommand {
  return createResponse(request, STATUS_CODE[fields.status ?? 'SEND_OK'], undefined, {
    msgId: fields.msgId,
    queueId: fields.queueId,
    queueOffset: fields.queueOffset,
    transactionId: fields.transactionId,
    batchUniqId: fields.batchUniqId,
    MSG_REGION: fields.msgRegion ?? 'DefaultRegion',
    TRACE_ON: fields.traceOn ?? true,
  });
}

/** A decoded send response (client side). */
export interface SendMessageResult {
  /** Send status. */
  status: SendStatus;
  /** offsetMsgId from the header `msgId` (batches: joined by ','). */
  offsetMsgId: string;
  /** Queue the message went to. */
  queueId: number;
  /** Queue offset (batches: the first message's). */
  queueOffset: number;
  /** Transaction id, when the broker sent one. */
  transactionId?: string;
  /** Batch UNIQ_KEY, when the broker sent one. */
  batchUniqId?: string;
  /** Region reported by the broker. */
  msgRegion?: string;
  /** Whether the broker has tracing on (absent = unknown). */
  traceOn?: boolean;
}

interface SendResponseHeader {
  msgId: string;
  queueId: number;
  queueOffset: number;
  transactionId?: string;
  batchUniqId?: string;
  msgRegion?: string;
  traceOn?: boolean;
}

const RESPONSE_SCHEMA: HeaderSchema<SendResponseHeader> = {
  msgId: { kind: 'string' },
  queueId: { kind: 'int' },
  queueOffset: { kind: 'long' },
  transactionId: { kind: 'string', optional: true },
  batchUniqId: { kind: 'string', optional: true },
  msgRegion: { kind: 'string', optional: true, wire: 'MSG_REGION' },
  traceOn: { kind: 'bool', optional: true, wire: 'TRACE_ON' },
};

const STATUS_CODES: readonly number[] = [...CODE_STATUS.keys()];
/** Plain decimal numbers that are certainly safe integers (and Java ints when at most 9 digits). */
const SHORT_INT_RE = /^-?\d{1,15}$/;

/**
 * The usual send response header (required fields present, numbers plainly written) read without the generic
 * schema walk; undefined for anything else, which {@link fromExtFields} then decodes or reports as before.
 */
function fastResponseHeader(ext: Record<string, string> | undefined): SendResponseHeader | undefined {
  if (!ext) return undefined;
  const { msgId, queueId, queueOffset } = ext;
  if (typeof msgId !== 'string' || typeof queueId !== 'string' || typeof queueOffset !== 'string') return undefined;
  if (queueId.length > 10 || !SHORT_INT_RE.test(queueId) || !SHORT_INT_RE.test(queueOffset)) return undefined;
  const q = Number(queueId);
  if ((q | 0) !== q) return undefined;
  const h: SendResponseHeader = { msgId, queueId: q, queueOffset: Number(queueOffset) };
  const own = (k: string): string | undefined => (Object.prototype.hasOwnProperty.call(ext, k) ? ext[k] : undefined);
  const transactionId = own('transactionId');
  if (transactionId != null) h.transactionId = String(transactionId);
  const batchUniqId = own('batchUniqId');
  if (batchUniqId != null) h.batchUniqId = String(batchUniqId);
  const region = own('MSG_REGION');
  if (region != null) h.msgRegion = String(region);
  const traceOn = own('TRACE_ON');
  if (traceOn != null) h.traceOn = String(traceOn).toLowerCase() === 'true';
  return h;
}

/**
 * Decodes a send response; non-status codes throw the table's error.
 * @param cmd - the response
 * @param context - where the request went (for the error)
 * @throws BrokerResponseError for any code other than the four send statuses
 * @throws ProtocolError when a required header field is missing
 */
export function decodeSendMessageResponse(cmd: RemotingCommand, context?: ErrorContext): SendMessageResult {
  expectCodes(cmd, STATUS_CODES, RequestCode.SEND_MESSAGE_V2, context);
  const h = fastResponseHeader(cmd.extFields) ?? fromExtFields(cmd, RESPONSE_SCHEMA, 'SendMessageResponseHeader');
  const result: SendMessageResult = {
    status: CODE_STATUS.get(cmd.code) as SendStatus,
    offsetMsgId: h.msgId,
    queueId: h.queueId,
    queueOffset: h.queueOffset,
  };
  if (h.transactionId !== undefined) result.transactionId = h.transactionId;
  if (h.batchUniqId !== undefined) result.batchUniqId = h.batchUniqId;
  if (h.msgRegion !== undefined) result.msgRegion = h.msgRegion;
  if (h.traceOn !== undefined) result.traceOn = h.traceOn;
  return result;
}
