/**
 * The security options every public client takes at top level (`accessKey`, `secretKey`, `securityToken`, `tls`),
 * and how they map onto {@link TransportOptions} (`credentials`, `tls`), which every nameserver and broker connection
 * of the client is opened with. Keeping the mapping here means producer, consumers and admin agree on it.
 * @module
 */

import type { ConnectionOptions as TlsConnectionOptions } from 'node:tls';
import { ValidationError } from '../errors.js';
import type { AclCredentials } from './acl.js';
import type { TransportOptions } from './transport.js';

/** ACL 1.0 keys (Java `SessionCredentials` / `AclClientRPCHook`), given at top level of a client's options. */
export interface AclKeyOptions {
  /**
   * ACL access key: with `secretKey`, every request to nameservers and brokers carries `AccessKey` and a
   * `Signature` (HMAC-SHA1 over the sorted header values and the body). Needs `secretKey`.
   * @default undefined (requests are not signed)
   */
  accessKey?: string;
  /**
   * ACL secret key, used only to sign (never sent). Needs `accessKey`.
   * @default undefined
   */
  secretKey?: string;
  /**
   * Security token of temporary (STS) credentials, sent and signed as `SecurityToken`. Needs `accessKey`.
   * @default undefined
   */
  securityToken?: string;
}

/** Top-level security options of the producer and consumers: ACL keys plus TLS. */
export interface ClientSecurityOptions extends AclKeyOptions {
  /**
   * TLS on every nameserver and broker connection: `true` for Node's defaults (system CAs), or options for
   * `tls.connect` (`ca`, client `cert`/`key`, `servername`, …). Overrides `transport.tls` when set.
   * @default undefined (plain TCP, unless `transport.tls` says otherwise)
   */
  tls?: true | TlsConnectionOptions;
}

function optionalString(name: string, v: unknown): void {
  if (v !== undefined && (typeof v !== 'string' || v.length === 0)) throw new ValidationError(`${name} must be a non-empty string when given`);
}

/**
 * Checks the top-level security options.
 * @param o - the client's options
 * @throws ValidationError for an accessKey without a secretKey (or the reverse), a token without keys, non-string
 *   keys, or a `tls` that is neither a boolean nor an object
 */
export function validateSecurityOptions(o: AclKeyOptions & { tls?: unknown }): void {
  optionalString('accessKey', o.accessKey);
  optionalString('secretKey', o.secretKey);
  if (o.securityToken !== undefined && typeof o.securityToken !== 'string') throw new ValidationError('securityToken must be a string when given');
  if (o.accessKey !== undefined && o.secretKey === undefined) throw new ValidationError('accessKey is set but secretKey is missing');
  if (o.secretKey !== undefined && o.accessKey === undefined) throw new ValidationError('secretKey is set but accessKey is missing');
  if (o.securityToken !== undefined && o.accessKey === undefined) throw new ValidationError('securityToken needs accessKey and secretKey');
  const tls = o.tls;
  if (tls !== undefined && typeof tls !== 'boolean' && (tls === null || typeof tls !== 'object')) {
    throw new ValidationError('tls must be true or a tls.ConnectionOptions object');
  }
}

/**
 * The transport settings of a client: `transport` with the top-level keys as `credentials` and the top-level
 * `tls`, both taking precedence over what `transport` holds.
 * @param transport - the client's `transport` option (or, for the admin client, its own options)
 * @param o - the top-level security options
 * @throws ValidationError as {@link validateSecurityOptions}
 */
export function securedTransport(transport: TransportOptions | undefined, o: AclKeyOptions & { tls?: boolean | TlsConnectionOptions }): TransportOptions {
  validateSecurityOptions(o);
  const out: TransportOptions = { ...(transport ?? {}) };
  if (o.accessKey !== undefined && o.secretKey !== undefined) {
    const credentials: AclCredentials = { accessKey: o.accessKey, secretKey: o.secretKey };
    if (o.securityToken !== undefined) credentials.securityToken = o.securityToken;
    out.credentials = credentials;
  }
  if (o.tls !== undefined) out.tls = o.tls;
  return out;
}
