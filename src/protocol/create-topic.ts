/**
 * UPDATE_AND_CREATE_TOPIC (17): admin → broker. Java: `header/CreateTopicRequestHeader`,
 * `MQClientAPIImpl#createTopic`.
 *
 * Request header:
 * | field | type | required |
 * |---|---|---|
 * | topic | string | yes |
 * | defaultTopic | string | yes (`TBW102`) |
 * | readQueueNums | int | yes |
 * | writeQueueNums | int | yes |
 * | perm | int | yes (`PermName` bits, 6 = read+write) |
 * | topicFilterType | string | yes (`SINGLE_TAG`) |
 * | topicSysFlag | int | no |
 * | order | boolean | yes |
 * | attributes | string | no (5.x, `+key=value,…`) |
 * | force | boolean | no (5.x) |
 *
 * Response: SUCCESS, no header.
 * @module
 */

import type { ErrorContext } from '../errors.js';
import { createRequest, createResponse, type RemotingCommand } from '../remoting/command.js';
import { expectCodes, expectRequestCode, fromExtFields, toExtFields, type HeaderSchema } from './header-fields.js';
import { RequestCode } from './request-codes.js';
import { ResponseCode } from './response-codes.js';

/** Header of UPDATE_AND_CREATE_TOPIC. */
export interface CreateTopicRequestHeader {
  /** Topic to create or update. */
  topic: string;
  /** Template topic (normally `TBW102`). */
  defaultTopic: string;
  /** Readable queues. */
  readQueueNums: number;
  /** Writable queues. */
  writeQueueNums: number;
  /** `PermName` bits. */
  perm: number;
  /** `SINGLE_TAG` or `MULTI_TAG`. */
  topicFilterType: string;
  /** `TopicSysFlag` bits. */
  topicSysFlag?: number;
  /** Ordered topic. */
  order: boolean;
  /** 5.x attributes, `+key=value,…`. */
  attributes?: string;
  /** 5.x: overwrite attributes. */
  force?: boolean;
}

const SCHEMA: HeaderSchema<CreateTopicRequestHeader> = {
  topic: { kind: 'string' },
  defaultTopic: { kind: 'string' },
  readQueueNums: { kind: 'int' },
  writeQueueNums: { kind: 'int' },
  perm: { kind: 'int' },
  topicFilterType: { kind: 'string' },
  topicSysFlag: { kind: 'int', optional: true },
  order: { kind: 'bool' },
  attributes: { kind: 'string', optional: true },
  force: { kind: 'bool', optional: true },
};

/**
 * Builds UPDATE_AND_CREATE_TOPIC.
 * @param header - topic config
 */
export function encodeCreateTopicRequest(header: CreateTopicRequestHeader): RemotingCommand {
  return createRequest(RequestCode.UPDATE_AND_CREATE_TOPIC, toExtFields(header, SCHEMA, 'CreateTopicRequestHeader'));
}

/**
 * Decodes UPDATE_AND_CREATE_TOPIC (mock side).
 * @param cmd - the request
 */
export function decodeCreateTopicRequest(cmd: RemotingCommand): {
  /** The decoded request header. */
  header: CreateTopicRequestHeader;
} {
  expectRequestCode(cmd, [RequestCode.UPDATE_AND_CREATE_TOPIC]);
  return { header: fromExtFields(cmd, SCHEMA, 'CreateTopicRequestHeader') };
}

/**
 * Builds the SUCCESS answer.
 * @param request - the request
 */
export function encodeCreateTopicResponse(request: RemotingCommand): RemotingCommand {
  return createResponse(request, ResponseCode.SUCCESS);
}

/**
 * Checks the answer.
 * @param cmd - the response
 * @param context - where the request went
 */
export function decodeCreateTopicResponse(cmd: RemotingCommand, context?: ErrorContext): void {
  expectCodes(cmd, [ResponseCode.SUCCESS], RequestCode.UPDATE_AND_CREATE_TOPIC, context);
}
