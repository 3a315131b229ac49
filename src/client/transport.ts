/**
 * How the client layer opens remoting connections: one factory shared by the nameserver client and the broker pool,
 * so TLS, timeouts and the announced language/version are configured once. Tests inject their own factory.
 * @module
 */

import type { ConnectionOptions as TlsConnectionOptions } from 'node:tls';
import { parseHostPort } from '../message/hosts.js';
import { RemotingConnection } from '../remoting/connection.js';

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
}

/**
 * The connection factory for `options`: the injected one, or `RemotingConnection.connect` on the parsed address.
 * @param options - transport settings
 */
export function connectFnFor(options: TransportOptions = {}): ConnectFn {
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
