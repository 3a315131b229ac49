/**
 * UNREGISTER_BROKER (104): broker → nameserver on shutdown. Java: `header/namesrv/UnRegisterBrokerRequestHeader`.
 *
 * Request header: brokerName, brokerAddr, clusterName (strings), brokerId (long); all required.
 * Response: SUCCESS, no header.
 * @module
 */

import type { ErrorContext } from '../errors.js';
import { createRequest, createResponse, type RemotingCommand } from '../remoting/command.js';
import { expectCodes, expectRequestCode, fromExtFields, toExtFields, type HeaderSchema } from './header-fields.js';
import { RequestCode } from './request-codes.js';
import { ResponseCode } from './response-codes.js';

/** Header of UNREGISTER_BROKER. */
export interface UnregisterBrokerRequestHeader {
  /** Broker group name. */
  brokerName: string;
  /** Broker address. */
  brokerAddr: string;
  /** Cluster name. */
  clusterName: string;
  /** Broker id. */
  brokerId: number;
}

const SCHEMA: HeaderSchema<UnregisterBrokerRequestHeader> = {
  brokerName: { kind: 'string' },
  brokerAddr: { kind: 'string' },
  clusterName: { kind: 'string' },
  brokerId: { kind: 'long' },
};

/**
 * Builds UNREGISTER_BROKER.
 * @param header - which broker
 */
export function encodeUnregisterBrokerRequest(header: UnregisterBrokerRequestHeader): RemotingCommand {
  return createRequest(RequestCode.UNREGISTER_BROKER, toExtFields(header, SCHEMA, 'UnRegisterBrokerRequestHeader'));
}

/**
 * Decodes UNREGISTER_BROKER (mock side).
 * @param cmd - the request
 */
export function decodeUnregisterBrokerRequest(cmd: RemotingCommand): {
  /** The decoded request header. */
  header: UnregisterBrokerRequestHeader;
} {
  expectRequestCode(cmd, [RequestCode.UNREGISTER_BROKER]);
  return { header: fromExtFields(cmd, SCHEMA, 'UnRegisterBrokerRequestHeader') };
}

/**
 * Builds the SUCCESS answer.
 * @param request - the request
 */
export function encodeUnregisterBrokerResponse(request: RemotingCommand): RemotingCommand {
  return createResponse(request, ResponseCode.SUCCESS);
}

/**
 * Checks the answer.
 * @param cmd - the response
 * @param context - where the request went
 */
export function decodeUnregisterBrokerResponse(cmd: RemotingCommand, context?: ErrorContext): void {
  expectCodes(cmd, [ResponseCode.SUCCESS], RequestCode.UNREGISTER_BROKER, context);
}
