/**
 * NOTIFY_CONSUMER_IDS_CHANGED (40): broker → every consumer of a group, oneway, when a member joins or leaves; the
 * client rebalances at once. Java: `header/NotifyConsumerIdsChangedRequestHeader`, broker `Broker2Client`.
 *
 * Request header: consumerGroup (required). No body, no response.
 * @module
 */

import { createRequest, type RemotingCommand } from '../remoting/command.js';
import { expectRequestCode, fromExtFields, toExtFields, type HeaderSchema } from './header-fields.js';
import { RequestCode } from './request-codes.js';

/** Header of NOTIFY_CONSUMER_IDS_CHANGED. */
export interface NotifyConsumerIdsChangedRequestHeader {
  /** Consumer group whose membership changed. */
  consumerGroup: string;
}

const SCHEMA: HeaderSchema<NotifyConsumerIdsChangedRequestHeader> = { consumerGroup: { kind: 'string' } };

/**
 * Builds NOTIFY_CONSUMER_IDS_CHANGED (mock broker side), oneway.
 * @param header - the group
 */
export function encodeNotifyConsumerIdsChangedRequest(header: NotifyConsumerIdsChangedRequestHeader): RemotingCommand {
  return createRequest(
    RequestCode.NOTIFY_CONSUMER_IDS_CHANGED,
    toExtFields(header, SCHEMA, 'NotifyConsumerIdsChangedRequestHeader'),
    undefined,
    { oneway: true },
  );
}

/**
 * Decodes NOTIFY_CONSUMER_IDS_CHANGED (client side).
 * @param cmd - the request
 */
export function decodeNotifyConsumerIdsChangedRequest(cmd: RemotingCommand): {
  /** The decoded request header. */
  header: NotifyConsumerIdsChangedRequestHeader;
} {
  expectRequestCode(cmd, [RequestCode.NOTIFY_CONSUMER_IDS_CHANGED]);
  return { header: fromExtFields(cmd, SCHEMA, 'NotifyConsumerIdsChangedRequestHeader') };
}
