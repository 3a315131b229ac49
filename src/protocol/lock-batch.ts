/**
 * LOCK_BATCH_MQ (41) and UNLOCK_BATCH_MQ (42): orderly consumers lock their queues on the master (locks live 60 s,
 * clients renew every 20 s). Java: `body/LockBatchRequestBody`, `LockBatchResponseBody`, `UnlockBatchRequestBody`,
 * `MQClientAPIImpl#lockBatchMQ`.
 *
 * Both requests: empty header; body
 * `{"clientId":…,"consumerGroup":…,"mqSet":[{"brokerName":…,"queueId":0,"topic":…}],"onlyThisBroker":false}`.
 * LOCK response: SUCCESS with body `{"lockOKMQSet":[…]}` (the queues actually locked). UNLOCK response: SUCCESS.
 * @module
 */

import type { ErrorContext } from '../errors.js';
import { createRequest, createResponse, type RemotingCommand } from '../remoting/command.js';
import { objectArray, optBool, reqString } from './body-fields.js';
import { writeFastJson } from './fastjson.js';
import { expectCodes, expectRequestCode, parseJsonObject } from './header-fields.js';
import { messageQueueJson, parseMessageQueue, type MessageQueueRef } from './message-queue.js';
import { RequestCode } from './request-codes.js';
import { ResponseCode } from './response-codes.js';

/** Body of LOCK_BATCH_MQ and UNLOCK_BATCH_MQ. */
export interface LockBatchRequestBody {
  /** Consumer group. */
  consumerGroup: string;
  /** Client id. */
  clientId: string;
  /** Queues to lock or unlock. */
  mqSet: MessageQueueRef[];
  /** Only this broker's queues (5.x). */
  onlyThisBroker?: boolean;
}

function encodeBody(body: LockBatchRequestBody): Buffer {
  return Buffer.from(
    writeFastJson({
      clientId: body.clientId,
      consumerGroup: body.consumerGroup,
      mqSet: body.mqSet.map(messageQueueJson),
      onlyThisBroker: body.onlyThisBroker ?? false,
    }),
    'utf8',
  );
}

function parseBody(cmd: RemotingCommand, what: string): LockBatchRequestBody {
  const o = parseJsonObject(cmd.body, what);
  return {
    consumerGroup: reqString(o, 'consumerGroup', what),
    clientId: reqString(o, 'clientId', what),
    mqSet: objectArray(o, 'mqSet', what).map((m) => parseMessageQueue(m, `${what}.mqSet`)),
    onlyThisBroker: optBool(o, 'onlyThisBroker', what) ?? false,
  };
}

/**
 * Builds LOCK_BATCH_MQ.
 * @param body - group, client, queues
 */
export function encodeLockBatchRequest(body: LockBatchRequestBody): RemotingCommand {
  return createRequest(RequestCode.LOCK_BATCH_MQ, undefined, encodeBody(body));
}

/**
 * Decodes LOCK_BATCH_MQ (mock side).
 * @param cmd - the request
 */
export function decodeLockBatchRequest(cmd: RemotingCommand): {
  /** The decoded request body. */
  body: LockBatchRequestBody;
} {
  expectRequestCode(cmd, [RequestCode.LOCK_BATCH_MQ]);
  return { body: parseBody(cmd, 'LockBatchRequestBody') };
}

/**
 * Builds the LOCK answer.
 * @param request - the request
 * @param lockOKMQSet - queues now locked by the requester
 */
export function encodeLockBatchResponse(request: RemotingCommand, lockOKMQSet: readonly MessageQueueRef[]): RemotingCommand {
  const body = Buffer.from(writeFastJson({ lockOKMQSet: lockOKMQSet.map(messageQueueJson) }), 'utf8');
  return createResponse(request, ResponseCode.SUCCESS, undefined, undefined, body);
}

/**
 * Decodes the LOCK answer.
 * @param cmd - the response
 * @param context - where the request went
 * @returns the queues locked
 */
export function decodeLockBatchResponse(cmd: RemotingCommand, context?: ErrorContext): MessageQueueRef[] {
  expectCodes(cmd, [ResponseCode.SUCCESS], RequestCode.LOCK_BATCH_MQ, context);
  const what = 'LockBatchResponseBody';
  if (!cmd.body || cmd.body.length === 0) return [];
  return objectArray(parseJsonObject(cmd.body, what), 'lockOKMQSet', what).map((m) => parseMessageQueue(m, what));
}

/**
 * Builds UNLOCK_BATCH_MQ.
 * @param body - group, client, queues
 * @param options - oneway (Java unlocks oneway on shutdown)
 */
export function encodeUnlockBatchRequest(
  body: LockBatchRequestBody,
  options: { /** Oneway request. @default false */ oneway?: boolean } = {},
): RemotingCommand {
  return createRequest(RequestCode.UNLOCK_BATCH_MQ, undefined, encodeBody(body), { oneway: options.oneway ?? false });
}

/**
 * Decodes UNLOCK_BATCH_MQ (mock side).
 * @param cmd - the request
 */
export function decodeUnlockBatchRequest(cmd: RemotingCommand): {
  /** The decoded request body. */
  body: LockBatchRequestBody;
} {
  expectRequestCode(cmd, [RequestCode.UNLOCK_BATCH_MQ]);
  return { body: parseBody(cmd, 'UnlockBatchRequestBody') };
}

/**
 * Builds the UNLOCK answer.
 * @param request - the request
 */
export function encodeUnlockBatchResponse(request: RemotingCommand): RemotingCommand {
  return createResponse(request, ResponseCode.SUCCESS);
}

/**
 * Checks the UNLOCK answer.
 * @param cmd - the response
 * @param context - where the request went
 */
export function decodeUnlockBatchResponse(cmd: RemotingCommand, context?: ErrorContext): void {
  expectCodes(cmd, [ResponseCode.SUCCESS], RequestCode.UNLOCK_BATCH_MQ, context);
}
