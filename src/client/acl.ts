/**
 * RocketMQ ACL 1.0 request signing (Java `AclClientRPCHook` + `AclUtils`/`AclSigner`; 5.x brokers check the same
 * bytes in `DefaultAuthenticationContextBuilder`, so this also works against ACL 2.0 on remoting).
 *
 * The signed content is: the values of every extField except `Signature`, sorted by key in UTF-16 code-unit order
 * (Java `TreeMap<String,String>`), concatenated without separators, UTF-8 encoded, followed by the raw body bytes.
 * `AccessKey` (and `SecurityToken` when set) are in the map *before* signing, so they are signed too.
 * `Signature` = standard Base64 of HMAC-SHA1 keyed with the UTF-8 secret key.
 *
 * Signing must be the last change to a request's extFields: the broker rebuilds the content from what arrives,
 * so any field added afterwards breaks the check (rocketmq#1216). {@link signingConnection} therefore signs inside
 * `invoke`, after every other hook.
 * @module
 */

import { createHmac } from 'node:crypto';
import { ValidationError } from '../errors.js';
import type { RemotingCommand } from '../remoting/command.js';
import type { RemotingConnection } from '../remoting/connection.js';

/** extField carrying the access key. */
export const ACCESS_KEY = 'AccessKey';
/** extField carrying the (optional) security token of temporary credentials. */
export const SECURITY_TOKEN = 'SecurityToken';
/** extField carrying the signature; never part of the signed content. */
export const SIGNATURE = 'Signature';

/** ACL credentials (Java `SessionCredentials`). */
export interface AclCredentials {
  /** Access key (account name on the broker). */
  accessKey: string;
  /** Secret key; never sent, only used to sign. */
  secretKey: string;
  /** Security token of temporary (STS) credentials; sent and signed when set. @default undefined */
  securityToken?: string;
}

/**
 * A request hook run on every outgoing request (Java `RPCHook.doBeforeRequest`). Returns the request to send
 * (return a copy rather than mutating: the caller may reuse its command for a retry).
 */
export type RpcHook = (cmd: RemotingCommand, addr: string) => RemotingCommand;

/**
 * Checks credentials supplied by the caller.
 * @throws ValidationError when a key is missing or not a non-empty string
 */
export function validateCredentials(credentials: AclCredentials): void {
  const c = credentials as Partial<AclCredentials> | null | undefined;
  if (!c || typeof c !== 'object') throw new ValidationError('ACL credentials must be an object');
  if (typeof c.accessKey !== 'string' || c.accessKey.length === 0) throw new ValidationError('accessKey must be a non-empty string');
  if (typeof c.secretKey !== 'string' || c.secretKey.length === 0) throw new ValidationError('secretKey must be a non-empty string');
  if (c.securityToken !== undefined && typeof c.securityToken !== 'string') {
    throw new ValidationError('securityToken must be a string when given');
  }
}

/** Code-unit comparison, like Java `String.compareTo` (localeCompare would reorder e.g. `_` and upper case). */
function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The bytes that get signed for these extFields and body (Java `AclUtils.combineRequestContent`).
 * @param extFields - every header field that goes on the wire (a `Signature` entry is ignored)
 * @param body - the frame body, if any
 */
export function aclSignedContent(extFields: Readonly<Record<string, string>>, body?: Buffer): Buffer {
  const keys = Object.keys(extFields)
    .filter((k) => k !== SIGNATURE)
    .sort(compareKeys);
  let text = '';
  for (const k of keys) text += extFields[k];
  const head = Buffer.from(text, 'utf8');
  return body && body.length > 0 ? Buffer.concat([head, body]) : head;
}

/**
 * Base64(HMAC-SHA1(secretKey, content)) (Java `AclSigner.calSignature`).
 * @param content - the signed bytes ({@link aclSignedContent})
 * @param secretKey - the secret key (UTF-8)
 */
export function aclSignature(content: Buffer, secretKey: string): string {
  return createHmac('sha1', Buffer.from(secretKey, 'utf8')).update(content).digest('base64');
}

/**
 * Returns a signed copy of `cmd`: extFields plus `AccessKey`, `SecurityToken` (when set) and `Signature`.
 * A stale `Signature` from an earlier attempt is replaced. The input command is not modified.
 * @param cmd - the request, with every other field already in place
 * @param credentials - keys to sign with
 * @throws ValidationError for bad credentials
 */
export function signRequest(cmd: RemotingCommand, credentials: AclCredentials): RemotingCommand {
  validateCredentials(credentials);
  const fields: Record<string, string> = { ...(cmd.extFields ?? {}) };
  delete fields[SIGNATURE];
  fields[ACCESS_KEY] = credentials.accessKey;
  if (credentials.securityToken !== undefined) fields[SECURITY_TOKEN] = credentials.securityToken;
  fields[SIGNATURE] = aclSignature(aclSignedContent(fields, cmd.body), credentials.secretKey);
  return { ...cmd, extFields: fields };
}

/**
 * Builds the hook chain of a transport: the caller's hooks in order, then ACL signing (always last).
 * @param hooks - extra hooks
 * @param credentials - ACL credentials, if any
 * @returns undefined when there is nothing to do
 */
export function composeRequestHooks(hooks: readonly RpcHook[] | undefined, credentials: AclCredentials | undefined): RpcHook | undefined {
  if (credentials) validateCredentials(credentials);
  const list = [...(hooks ?? [])];
  if (list.length === 0 && !credentials) return undefined;
  return (cmd, addr) => {
    let out = cmd;
    for (const h of list) out = h(out, addr);
    return credentials ? signRequest(out, credentials) : out;
  };
}

/**
 * Makes every request sent on `conn` (`invoke` and `invokeOneway`) pass through `hook` first. Responses the
 * connection sends (answers to broker-initiated requests) are not signed, like Java.
 * @param conn - an open connection
 * @param hook - the hook (see {@link composeRequestHooks})
 * @returns the same connection
 */
export function signingConnection(conn: RemotingConnection, hook: RpcHook): RemotingConnection {
  const invoke = conn.invoke.bind(conn);
  const invokeOneway = conn.invokeOneway.bind(conn);
  // Instance properties shadow the prototype methods, so every holder of this connection sends hooked requests.
  conn.invoke = (cmd, options) => {
    let out: RemotingCommand;
    try {
      out = hook(cmd, conn.addr);
    } catch (err) {
      return Promise.reject(err);
    }
    return invoke(out, options);
  };
  conn.invokeOneway = (cmd) => {
    let out: RemotingCommand;
    try {
      out = hook(cmd, conn.addr);
    } catch (err) {
      return Promise.reject(err);
    }
    return invokeOneway(out);
  };
  return conn;
}
