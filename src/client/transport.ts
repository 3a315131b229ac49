/**
 * How the client layer opens remoting connections: one factory shared by the nameserver client and the broker pool,
 * so TLS, timeouts and the announced language/version are configured once. Tests inject their own factory.
 * @module
 */

import type { ConnectionOptions as TlsConnectionOptions } from 'node:tls';
import { parseHostPort } from '../message/hosts.js';
import { RemotingConnection } from '../remoting/connection.js';
import { composeRequestHooks, signingConnection, type AclCredentials, type RpcHook } from './acl.js';

/** Opens a connection to `host:port`. Rejects with `ConnectionError` (or `ValidationError` for a bad address). */
export type ConnectFn = (addr: string) => Promise<RemotingConnection>;

/** Connection settings shared by nameserver and broker connections. */
export interface TransportOptions {
  /** Give up connecting after this long, in ms. @default 3000 */
  connectTimeoutMs?: number;
  /** TLS: `true` for Node's defaults, or options for `tls.connect`. @default plain TCP */
  tls?: boolean | TlsConnectionOptions;
  /** Close a connection idle this long, in ms; 0 disables. @default 120000 */
  idleTimeoutMs?: number;
  /** Language stamped on requests. @default what each request was built with ('JAVA') */
  language?: string;
  /** Version stamped on requests. @default what each request was built with (401) */
  version?: number;
  /** Replace the connection factory (tests, proxies). @default RemotingConnection.connect with the options above */
  connect?: ConnectFn;
  /**
   * ACL 1.0 credentials: every request on every connection is signed (`AccessKey`, `SecurityToken`, `Signature`).
   * @default undefined (requests are not signed)
   */
  credentials?: AclCredentials;
  /** Hooks run on every outgoing request, in order, before ACL signing (Java `RPCHook`). @default [] */
  rpcHooks?: readonly RpcHook[];
}

/**
 * The connection factory for `options`: the injected one, or `RemotingConnection.connect` on the parsed address;
 * with `credentials` or `rpcHooks`, every request on the connections it opens is hooked and signed.
 * @param options - transport settings
 * @throws ValidationError for malformed credentials
 */
export function connectFnFor(options: TransportOptions = {}): ConnectFn {
  // Validates the credentials now, so a bad key fails at construction rather than on the first request.
  const hook = composeRequestHooks(options.rpcHooks, options.credentials);
  const base = baseConnectFn(options);
  if (!hook) return base;
  return async (addr: string) => signingConnection(await base(addr), hook);
}

function baseConnectFn(options: TransportOptions): ConnectFn {
  if (options.connect) return options.connect;
  return async (addr: string) => {
    // parseHostPort throws ValidationError on junk, which the async function turns into a rejection.
    const { host, port } = parseHostPort(addr);
    return RemotingConnection.connect({
      host,
      port,
      addr,
      tls: options.tls,
      connectTimeoutMs: options.connectTimeoutMs ?? 3000,
      idleTimeoutMs: options.idleTimeoutMs,
      language: options.language,
      version: options.version,
    });
  };
}
