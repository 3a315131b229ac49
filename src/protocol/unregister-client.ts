/**
 * UNREGISTER_CLIENT (35): client → broker on shutdown, once per producer or consumer group.
 * Java: `header/UnregisterClientRequestHeader`, broker `ClientManageProcessor#unregisterClient`.
 *
 * Request header: clientID (required), producerGroup?, consumerGroup?. Response: SUCCESS, no header.
 * @module
 */

import type { ErrorContext } from '../errors.js';
import { createRequest, createResponse, type RemotingCommand } from '../remoting/command.js';
import { expectCodes, expectRequestCode, fromExtFields, toExtFields, type HeaderSchema } from './header-fields.js';
import { RequestCode } from './request-codes.js';
import { ResponseCode } from './response-codes.js';

/** Header of UNREGISTER_CLIENT. */
export interface UnregisterClientRequestHeader {
  /** Client id (`ip@instance`). */
  clientID: string;
  /** Producer group being closed. */
  producerGroup?: string;
  /** Consumer group being closed. */
  consumerGroup?: string;
}

const SCHEMA: HeaderSchema<UnregisterClientRequestHeader> = {
  clientID: { kind: 'string' },
  producerGroup: { kind: 'string', optional: true },
  consumerGroup: { kind: 'string', optional: true },
};

/**
 * Builds UNREGISTER_CLIENT.
 * @param header - client and group
 */
export function encodeUnregisterClientRequest(header: UnregisterClientRequestHeader): RemotingCommand {
  return createRequest(RequestCode.UNREGISTER_CLIENT, toExtFields(header, SCHEMA, 'UnregisterClientRequestHeader'));
}

/**
 * Decodes UNREGISTER_CLIENT (mock side).
 * @param cmd - the request
 */
export function decodeUnregisterClientRequest(cmd: RemotingCommand): {
  /** The decoded request header. */
  header: UnregisterClientRequestHeader;
} {
  expectRequestCode(cmd, [RequestCode.UNREGISTER_CLIENT]);
  return { header: fromExtFields(cmd, SCHEMA, 'UnregisterClientRequestHeader') };
}

/**
 * Builds the SUCCESS answer.
 * @param request - the request
 */
export function encodeUnregisterClientResponse(request: RemotingCommand): RemotingCommand {
  return createResponse(request, ResponseCode.SUCCESS);
}

/**
 * Checks the answer.
 * @param cmd - the response
 * @param context - where the request went
 */
export function decodeUnregisterClientResponse(cmd: RemotingCommand, context?: ErrorContext): void {
  expectCodes(cmd, [ResponseCode.SUCCESS], RequestCode.UNREGISTER_CLIENT, context);
}
