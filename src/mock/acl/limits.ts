/**
 * Message size limits of the real broker's store, as an interceptor the mock can put in front of its send
 * processors: a body over `maxMessageSize` (4 MiB by default) or an encoded properties string over 32767 bytes is
 * answered MESSAGE_ILLEGAL (13) with the 5.x remark, before anything reaches the store.
 * (Topic names are already checked by the mock broker; group names are not checked by real brokers on send/pull.)
 * @module
 */
import { createResponse, type RemotingCommand } from '../../remoting/command.js';
import type { RequestInterceptor } from '../../remoting/server.js';

/** MESSAGE_ILLEGAL. */
export const MESSAGE_ILLEGAL = 13;
/** The stored layout keeps the properties length in an int16. */
export const MAX_PROPERTIES_BYTES = 32767;
/** Default `maxMessageSize` of a broker. */
export const DEFAULT_MAX_MESSAGE_SIZE = 4 * 1024 * 1024;

/** Options of {@link createLimitsInterceptor}. */
export interface MessageLimitsOptions {
  /** Largest accepted body (a batch: the whole encoded batch). @default 4194304 */
  maxMessageSize?: number;
}

/** Send codes and the extField holding the properties: SEND_MESSAGE 10 / SEND_REPLY_MESSAGE 324 (`properties`), V2 forms (`i`). */
const PROPERTIES_FIELD = new Map<number, string>([
  [10, 'properties'],
  [324, 'properties'],
  [310, 'i'],
  [320, 'i'],
  [325, 'i'],
]);

/**
 * Why the send `req` breaks the limits, or undefined.
 * @param req - a request
 * @param maxMessageSize - largest body
 */
export function checkMessageLimits(req: RemotingCommand, maxMessageSize = DEFAULT_MAX_MESSAGE_SIZE): string | undefined {
  const field = PROPERTIES_FIELD.get(req.code);
  if (field === undefined) return undefined;
  const props = req.extFields?.[field] ?? '';
  if ((req.body?.length ?? 0) > maxMessageSize || Buffer.byteLength(props, 'utf8') > MAX_PROPERTIES_BYTES) {
    return `the message is illegal, maybe msg body or properties length not matched. msg body length limit ${maxMessageSize}B, msg properties length limit 32KB.`;
  }
  return undefined;
}

/**
 * An interceptor answering oversized sends with MESSAGE_ILLEGAL and passing everything else on.
 * @param options - the size limit
 * @param inner - the interceptor to chain after the check
 */
export function createLimitsInterceptor(options: MessageLimitsOptions = {}, inner?: RequestInterceptor): RequestInterceptor {
  const max = options.maxMessageSize ?? DEFAULT_MAX_MESSAGE_SIZE;
  return (req, conn, next) => {
    const remark = checkMessageLimits(req, max);
    if (remark !== undefined) return createResponse(req, MESSAGE_ILLEGAL, remark);
    return inner ? inner(req, conn, next) : next();
  };
}
