/**
 * PULL_MESSAGE (11): client → broker. Java: `header/PullMessageRequestHeader`, `PullMessageResponseHeader`,
 * `sysflag/PullSysFlag`, `MQClientAPIImpl#processPullResponse`, broker `PullMessageProcessor`.
 *
 * Request header:
 * | field | type | required | notes |
 * |---|---|---|---|
 * | consumerGroup | string | yes | |
 * | topic | string | yes | |
 * | queueId | int | yes | |
 * | queueOffset | long | yes | first offset wanted |
 * | maxMsgNums | int | yes | 32 by default |
 * | sysFlag | int | yes | {@link PullSysFlag} bits |
 * | commitOffset | long | yes | piggybacked offset commit (with COMMIT_OFFSET) |
 * | suspendTimeoutMillis | long | yes | long-polling hold (15000) |
 * | subscription | string | no | only with the SUBSCRIPTION flag |
 * | subVersion | long | yes | ms timestamp of the subscription |
 * | expressionType | string | no | `TAG` or `SQL92` |
 * | maxMsgBytes | int | no | |
 *
 * Response header: suggestWhichBrokerId, nextBeginOffset, minOffset, maxOffset (all long); remark = the store's
 * GetMessageStatus name. Code → client status: SUCCESS → FOUND, PULL_NOT_FOUND → NO_NEW_MSG, PULL_RETRY_IMMEDIATELY
 * → NO_MATCHED_MSG, PULL_OFFSET_MOVED → OFFSET_ILLEGAL; these four are normal outcomes, anything else is an error.
 * Body (FOUND): stored message records back to back, kept as a Buffer view here.
 * @module
 */

import type { ErrorContext } from '../errors.js';
import { createRequest, createResponse, type RemotingCommand } from '../remoting/command.js';
import { expectCodes, expectRequestCode, fromExtFields, toExtFields, type HeaderSchema } from './header-fields.js';
import { RequestCode } from './request-codes.js';
import { ResponseCode } from './response-codes.js';

/** Pull request flag bits (Java `PullSysFlag`). */
export const PullSysFlag = {
  /** The request carries a consumer offset to commit. */
  COMMIT_OFFSET: 1,
  /** The broker may hold the request (long polling). */
  SUSPEND: 2,
  /** The request carries its subscription expression. */
  SUBSCRIPTION: 4,
  /** Class filter mode (legacy). */
  CLASS_FILTER: 8,
  /** Lite pull consumer. */
  LITE_PULL: 16,
} as const;

/** Header of PULL_MESSAGE. */
export interface PullMessageRequestHeader {
  /** Consumer group. */
  consumerGroup: string;
  /** Topic. */
  topic: string;
  /** Queue id. */
  queueId: number;
  /** First offset wanted. */
  queueOffset: number;
  /** Maximum messages to return. */
  maxMsgNums: number;
  /** {@link PullSysFlag} bits. */
  sysFlag: number;
  /** Offset to commit when COMMIT_OFFSET is set. */
  commitOffset: number;
  /** How long the broker may hold the request, ms. */
  suspendTimeoutMillis: number;
  /** Subscription expression (with the SUBSCRIPTION flag). */
  subscription?: string;
  /** Version (ms timestamp) of the subscription. */
  subVersion: number;
  /** `TAG` or `SQL92`. */
  expressionType?: string;
  /** Maximum bytes to return. */
  maxMsgBytes?: number;
}

const REQUEST_SCHEMA: HeaderSchema<PullMessageRequestHeader> = {
  consumerGroup: { kind: 'string' },
  topic: { kind: 'string' },
  queueId: { kind: 'int' },
  queueOffset: { kind: 'long' },
  maxMsgNums: { kind: 'int' },
  sysFlag: { kind: 'int' },
  commitOffset: { kind: 'long' },
  suspendTimeoutMillis: { kind: 'long' },
  subscription: { kind: 'string', optional: true },
  subVersion: { kind: 'long' },
  expressionType: { kind: 'string', optional: true },
  maxMsgBytes: { kind: 'int', optional: true },
};

/**
 * Builds PULL_MESSAGE.
 * @param header - pull header
 */
export function encodePullMessageRequest(header: PullMessageRequestHeader): RemotingCommand {
  return createRequest(RequestCode.PULL_MESSAGE, toExtFields(header, REQUEST_SCHEMA, 'PullMessageRequestHeader'));
}

/**
 * Decodes PULL_MESSAGE (mock side).
 * @param cmd - the request
 * @throws ProtocolError on a wrong code or a missing/malformed field
 */
export function decodePullMessageRequest(cmd: RemotingCommand): {
  /** The decoded request header. */
  header: PullMessageRequestHeader;
} {
  expectRequestCode(cmd, [RequestCode.PULL_MESSAGE]);
  return { header: fromExtFields(cmd, REQUEST_SCHEMA, 'PullMessageRequestHeader') };
}

/** Client-side pull status. */
export type PullStatus = 'FOUND' | 'NO_NEW_MSG' | 'NO_MATCHED_MSG' | 'OFFSET_ILLEGAL';

const STATUS_CODE: Readonly<Record<PullStatus, number>> = {
  FOUND: ResponseCode.SUCCESS,
  NO_NEW_MSG: ResponseCode.PULL_NOT_FOUND,
  NO_MATCHED_MSG: ResponseCode.PULL_RETRY_IMMEDIATELY,
  OFFSET_ILLEGAL: ResponseCode.PULL_OFFSET_MOVED,
};
const CODE_STATUS = new Map<number, PullStatus>(
  (Object.entries(STATUS_CODE) as [PullStatus, number][]).map(([s, c]) => [c, s]),
);

/** Response header of PULL_MESSAGE. */
export interface PullMessageResponseHeader {
  /** Broker id the client should pull from next (0 = master). */
  suggestWhichBrokerId: number;
  /** Offset to pull from next. */
  nextBeginOffset: number;
  /** Queue's minimum offset. */
  minOffset: number;
  /** Queue's maximum offset. */
  maxOffset: number;
}

const RESPONSE_SCHEMA: HeaderSchema<PullMessageResponseHeader> = {
  suggestWhichBrokerId: { kind: 'long' },
  nextBeginOffset: { kind: 'long' },
  minOffset: { kind: 'long' },
  maxOffset: { kind: 'long' },
};

/** Mock-side input of {@link encodePullMessageResponse}. */
export interface PullMessageResponseFields extends PullMessageResponseHeader {
  /** Outcome, mapped onto the response code. */
  status: PullStatus;
  /** GetMessageStatus name sent as the remark, e.g. `FOUND`, `OFFSET_OVERFLOW_ONE`. */
  remark?: string;
}

/**
 * Builds the broker's answer to a pull.
 * @param request - the pull request
 * @param fields - status and offsets
 * @param body - stored message records (FOUND only)
 */
export function encodePullMessageResponse(
  request: RemotingCommand,
  fields: PullMessageResponseFields,
  body?: Buffer,
): RemotingCommand {
  const ext = toExtFields(
    {
      suggestWhichBrokerId: fields.suggestWhichBrokerId,
      nextBeginOffset: fields.nextBeginOffset,
      minOffset: fields.minOffset,
      maxOffset: fields.maxOffset,
    },
    RESPONSE_SCHEMA,
    'PullMessageResponseHeader',
  );
  return createResponse(request, STATUS_CODE[fields.status], fields.remark, ext, body);
}

/** A decoded pull response (client side). */
export interface PullMessageResult extends PullMessageResponseHeader {
  /** Client-side status. */
  status: PullStatus;
  /** Stored message records (empty unless FOUND). A view of the frame, not a copy. */
  body: Buffer;
}

/**
 * Decodes a pull response.
 * @param cmd - the response
 * @param context - where the request went (for the error)
 * @throws BrokerResponseError for codes other than the four pull outcomes
 */
export function decodePullMessageResponse(cmd: RemotingCommand, context?: ErrorContext): PullMessageResult {
  expectCodes(cmd, [...CODE_STATUS.keys()], RequestCode.PULL_MESSAGE, context);
  const h = fromExtFields(cmd, RESPONSE_SCHEMA, 'PullMessageResponseHeader');
  return { status: CODE_STATUS.get(cmd.code) as PullStatus, ...h, body: cmd.body ?? Buffer.alloc(0) };
}
