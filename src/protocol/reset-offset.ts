/**
 * RESET_CONSUMER_CLIENT_OFFSET (220): broker → client (on behalf of an admin reset), tell a consumer to jump its
 * queues to new offsets. Java: `header/ResetOffsetRequestHeader`, `body/ResetOffsetBody`,
 * `ClientRemotingProcessor#resetOffset`.
 *
 * Request header: topic, group, timestamp (long), isForce (boolean) required; queueId (int, 5.x, −1 = all) and
 * offset (long, 5.x) optional. Body: `{"offsetTable":{{"brokerName":"b","queueId":0,"topic":"T"}:42,…}}`: fastjson
 * writes the `Map<MessageQueue, Long>` with object keys, so we read it with the complex-key reader.
 * Java clients send no response; {@link encodeResetOffsetResponse} exists for peers that do expect one.
 * @module
 */

import type { ErrorContext } from '../errors.js';
import { ProtocolError } from '../errors.js';
import { createRequest, createResponse, type RemotingCommand } from '../remoting/command.js';
import { parseComplexKeyJson } from './complex-key-json.js';
import { writeFastJson } from './fastjson.js';
import { expectCodes, expectRequestCode, fromExtFields, toExtFields, type HeaderSchema } from './header-fields.js';
import { messageQueueJson, type MessageQueueRef } from './message-queue.js';
import { RequestCode } from './request-codes.js';
import { ResponseCode } from './response-codes.js';

/** Header of RESET_CONSUMER_CLIENT_OFFSET. */
export interface ResetOffsetRequestHeader {
  /** Topic. */
  topic: string;
  /** Consumer group. */
  group: string;
  /** Target store time, ms (offsets were looked up from it). */
  timestamp: number;
  /** Reset even forwards. */
  isForce: boolean;
  /** 5.x: single queue (−1 = all). */
  queueId?: number;
  /** 5.x: explicit offset. */
  offset?: number;
}

const SCHEMA: HeaderSchema<ResetOffsetRequestHeader> = {
  topic: { kind: 'string' },
  group: { kind: 'string' },
  timestamp: { kind: 'long' },
  isForce: { kind: 'bool' },
  queueId: { kind: 'int', optional: true },
  offset: { kind: 'long', optional: true },
};

/** One entry of the reset table. */
export interface QueueOffset {
  /** The queue. */
  mq: MessageQueueRef;
  /** New offset. */
  offset: number;
}

/**
 * Writes the body as fastjson does (MessageQueue objects as keys).
 * @param table - queue → new offset
 */
export function encodeResetOffsetBody(table: readonly QueueOffset[]): Buffer {
  const entries = table.map((e) => `${writeFastJson(messageQueueJson(e.mq))}:${e.offset}`);
  return Buffer.from(`{"offsetTable":{${entries.join(',')}}}`, 'utf8');
}

/**
 * Reads the body.
 * @param body - the request body
 * @throws ProtocolError for malformed JSON or entries that are not MessageQueue → integer
 */
export function parseResetOffsetBody(body: Buffer): QueueOffset[] {
  const what = 'ResetOffsetBody';
  const root = parseComplexKeyJson(body.toString('utf8'));
  if (!(root instanceof Map)) throw new ProtocolError(`${what}: body is not a JSON object`);
  const table = root.get('offsetTable');
  if (table === undefined || table === null) return [];
  if (!(table instanceof Map)) throw new ProtocolError(`${what}: offsetTable must be an object`);
  const out: QueueOffset[] = [];
  for (const [key, value] of table) {
    if (!(key instanceof Map)) throw new ProtocolError(`${what}: offsetTable keys must be MessageQueue objects`);
    const topic = key.get('topic');
    const brokerName = key.get('brokerName');
    const queueId = key.get('queueId');
    if (typeof topic !== 'string' || typeof brokerName !== 'string' || !Number.isInteger(queueId)) {
      throw new ProtocolError(`${what}: malformed MessageQueue key`);
    }
    if (typeof value !== 'number' || !Number.isInteger(value)) throw new ProtocolError(`${what}: offset must be an integer`);
    out.push({ mq: { topic, brokerName, queueId: queueId as number }, offset: value });
  }
  return out;
}

/**
 * Builds RESET_CONSUMER_CLIENT_OFFSET (mock broker side).
 * @param header - topic, group, timestamp
 * @param table - queue → new offset
 */
export function encodeResetOffsetRequest(header: ResetOffsetRequestHeader, table: readonly QueueOffset[]): RemotingCommand {
  return createRequest(
    RequestCode.RESET_CONSUMER_CLIENT_OFFSET,
    toExtFields(header, SCHEMA, 'ResetOffsetRequestHeader'),
    encodeResetOffsetBody(table),
  );
}

/**
 * Decodes RESET_CONSUMER_CLIENT_OFFSET (client side).
 * @param cmd - the request
 */
export function decodeResetOffsetRequest(cmd: RemotingCommand): {
  /** The decoded request header. */
  header: ResetOffsetRequestHeader;
  /** The decoded request body. */
  body: QueueOffset[];
} {
  expectRequestCode(cmd, [RequestCode.RESET_CONSUMER_CLIENT_OFFSET]);
  const header = fromExtFields(cmd, SCHEMA, 'ResetOffsetRequestHeader');
  const body = cmd.body && cmd.body.length > 0 ? parseResetOffsetBody(cmd.body) : [];
  return { header, body };
}

/**
 * Builds a SUCCESS answer (Java clients send none).
 * @param request - the request
 */
export function encodeResetOffsetResponse(request: RemotingCommand): RemotingCommand {
  return createResponse(request, ResponseCode.SUCCESS);
}

/**
 * Checks an answer (mock side).
 * @param cmd - the response
 * @param context - where the request went
 */
export function decodeResetOffsetResponse(cmd: RemotingCommand, context?: ErrorContext): void {
  expectCodes(cmd, [ResponseCode.SUCCESS], RequestCode.RESET_CONSUMER_CLIENT_OFFSET, context);
}
