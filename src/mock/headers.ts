/**
 * Small readers for request header fields (`extFields`) used by the mock's processors, plus the guard that turns a
 * malformed request into a SYSTEM_ERROR answer instead of an exception escaping into the server: the real broker does
 * the same when `decodeCommandCustomHeader` throws (RemotingCommandException → SYSTEM_ERROR with the message).
 * @module
 */
import { ProtocolError, RocketMQError } from '../errors.js';
import { createResponse, isOneway, type RemotingCommand } from '../remoting/command.js';
import { parseJavaInteger } from '../protocol/header-fields.js';
import { ResponseCode } from '../protocol/response-codes.js';

/** Reads a header field as a string, or `undefined` when absent. */
export function optStr(cmd: RemotingCommand, name: string): string | undefined {
  const ext = cmd.extFields;
  if (!ext || !Object.prototype.hasOwnProperty.call(ext, name)) return undefined;
  const v = ext[name];
  return v === undefined || v === null ? undefined : String(v);
}

/** Reads a required string field; throws {@link ProtocolError} when it is missing. */
export function reqStr(cmd: RemotingCommand, name: string): string {
  const v = optStr(cmd, name);
  if (v === undefined) throw new ProtocolError(`the custom field <${name}> is null`, { context: { requestCode: cmd.code } });
  return v;
}

/** Reads an optional integer field (Java `Long.parseLong`); throws {@link ProtocolError} when malformed. */
export function optNum(cmd: RemotingCommand, name: string): number | undefined {
  const v = optStr(cmd, name);
  if (v === undefined) return undefined;
  const n = parseJavaInteger(v.trim(), 'long');
  if (typeof n === 'string') throw new ProtocolError(`field ${name} ${n}`, { context: { requestCode: cmd.code } });
  return n;
}

/** Reads a required integer field. */
export function reqNum(cmd: RemotingCommand, name: string): number {
  const v = optNum(cmd, name);
  if (v === undefined) throw new ProtocolError(`the custom field <${name}> is null`, { context: { requestCode: cmd.code } });
  return v;
}

/** Reads a boolean field the way Java's `Boolean.parseBoolean` does (only "true" is true). */
export function optBool(cmd: RemotingCommand, name: string): boolean | undefined {
  const v = optStr(cmd, name);
  return v === undefined ? undefined : v.toLowerCase() === 'true';
}

/** A request handler of the mock servers. */
export type MockHandler = (req: RemotingCommand, conn: MockConnectionLike) => Promise<RemotingCommand | undefined> | RemotingCommand | undefined;

/** The part of a server-side connection the mock handlers use. */
export interface MockConnectionLike {
  /** `host:port` of the peer. */
  readonly addr: string;
}

/**
 * Wraps a handler: typed errors (bad headers, bad bodies) become a SYSTEM_ERROR response carrying the message; a
 * oneway request never gets a response.
 */
export function guarded<C extends MockConnectionLike>(
  fn: (req: RemotingCommand, conn: C) => Promise<RemotingCommand | undefined> | RemotingCommand | undefined,
): (req: RemotingCommand, conn: C) => Promise<RemotingCommand | undefined> {
  return async (req, conn) => {
    let res: RemotingCommand | undefined;
    try {
      res = await fn(req, conn);
    } catch (err) {
      const message = err instanceof RocketMQError || err instanceof Error ? err.message : String(err);
      res = createResponse(req, ResponseCode.SYSTEM_ERROR, message);
    }
    return isOneway(req) ? undefined : res;
  };
}
