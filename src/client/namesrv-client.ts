/**
 * Talks to the nameservers. Keeps one connection (to one nameserver) and reuses it while it works; when a call
 * fails at the transport level (refused, closed, timed out) it moves on to the next address, trying each address at
 * most once per call. A nameserver that *answers* (even with an error code) ends the call: the answer is the answer.
 *
 * This follows the Java client (one channel, replaced only when broken, start at a random index) with ali-ons'
 * "try each once per call" on failure. Routes are requested with version 401 and `acceptStandardJsonOnly=true`, and
 * both JSON forms are accepted (protocol.md §4).
 * @module
 */

import {
  AbortError,
  ConnectionClosedError,
  ConnectionError,
  NoNameServerError,
  RequestTimeoutError,
  ValidationError,
  type RocketMQError,
} from '../errors.js';
import { decodeClusterInfoResponse, encodeClusterInfoRequest } from '../protocol/cluster-info.js';
import { decodeGetKvConfigResponse, encodeGetKvConfigRequest } from '../protocol/kv-config.js';
import { decodeRouteInfoResponse, encodeRouteInfoRequest, STANDARD_JSON_MIN_VERSION } from '../protocol/route-info.js';
import type { ClusterInfo, TopicRouteData } from '../protocol/route.js';
import type { RemotingCommand } from '../remoting/command.js';
import type { RemotingConnection } from '../remoting/connection.js';
import type { RouteSource } from './route-manager.js';
import { connectFnFor, type ConnectFn, type TransportOptions } from './transport.js';

/** Options of {@link NamesrvClient}. */
export interface NamesrvClientOptions extends TransportOptions {
  /** Nameserver `host:port` addresses (a function is re-read on every call, e.g. a watcher's `current`). */
  addrs: readonly string[] | (() => readonly string[]);
  /** Response budget of one request to one nameserver, in ms (Java mqClientApiTimeout). @default 3000 */
  timeoutMs?: number;
  /** Picks the first address to try. @default Math.random */
  random?: () => number;
}

/** Options of one {@link NamesrvClient.invoke}. */
export interface NamesrvInvokeOptions {
  /** Response budget per nameserver tried, in ms. @default the client's timeoutMs */
  timeoutMs?: number;
  /** Cancels the call. */
  signal?: AbortSignal;
}

/** Result of {@link NamesrvClient.invoke}. */
export interface NamesrvResponse {
  /** The response, whatever its code. */
  response: RemotingCommand;
  /** The nameserver that gave it. */
  addr: string;
}

/** The nameserver client. Implements {@link RouteSource} for the route manager. */
export class NamesrvClient implements RouteSource {
  private readonly addrSource: () => readonly string[];
  private readonly connectFn: ConnectFn;
  private readonly timeoutMs: number;
  private index: number;
  private conn: RemotingConnection | undefined;
  private connAddr: string | undefined;
  private connecting: Promise<RemotingConnection> | undefined;
  private closed = false;

  /** @param options - addresses, timeout, transport */
  constructor(options: NamesrvClientOptions) {
    const addrs = options.addrs;
    this.addrSource = typeof addrs === 'function' ? addrs : () => addrs;
    this.connectFn = connectFnFor(options);
    this.timeoutMs = options.timeoutMs ?? 3000;
    this.index = Math.floor((options.random ?? Math.random)() * 1000);
  }

  /** The address of the connection in use, if any. */
  get currentAddr(): string | undefined {
    return this.conn && !this.conn.closed ? this.connAddr : undefined;
  }

  /**
   * Sends `cmd` to a nameserver: the current one, else the next ones in turn, each at most once.
   * @param cmd - the request
   * @param options - per-nameserver timeout, abort signal
   * @throws NoNameServerError when no address is configured or every one failed (the last failure is the cause);
   *   AbortError when the signal fired
   */
  async invoke(cmd: RemotingCommand, options: NamesrvInvokeOptions = {}): Promise<NamesrvResponse> {
    if (this.closed) throw new NoNameServerError('the nameserver client is closed');
    const addrs = [...this.addrSource()];
    if (addrs.length === 0) throw new NoNameServerError('no nameserver address is configured');
    if (this.connAddr !== undefined && !addrs.includes(this.connAddr)) this.dropConnection();
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    const currentAt = this.connAddr !== undefined && this.conn && !this.conn.closed ? addrs.indexOf(this.connAddr) : -1;
    const start = currentAt >= 0 ? currentAt : Math.abs(this.index) % addrs.length;
    const failures: string[] = [];
    let lastError: RocketMQError | undefined;
    for (let i = 0; i < addrs.length; i++) {
      if (options.signal?.aborted) throw new AbortError(undefined, { cause: options.signal.reason });
      const at = (start + i) % addrs.length;
      const addr = addrs[at];
      try {
        let conn: RemotingConnection;
        try {
          conn = await this.connectionTo(addr);
        } catch (err) {
          // A malformed address is skipped like a dead one (only when connecting: a bad command is not).
          if (err instanceof ValidationError) throw new ConnectionError(err.message, { cause: err, context: err.context });
          throw err;
        }
        const response = await conn.invoke(cmd, { timeoutMs, signal: options.signal });
        this.index = at;
        return { response, addr };
      } catch (err) {
        if (!isTransportFailure(err)) throw err;
        // This nameserver is down or stuck: forget its connection so the next call does not start there.
        if (this.connAddr === addr) this.dropConnection();
        this.index = at + 1;
        lastError = err;
        failures.push(`${addr}: ${err.message}`);
      }
    }
    throw new NoNameServerError(`no nameserver answered (${failures.join('; ')})`, { cause: lastError });
  }

  /**
   * GET_ROUTEINFO_BY_TOPIC.
   * @param topic - topic name
   * @throws BrokerResponseError TOPIC_NOT_EXIST when the nameserver knows no route; ProtocolError for a bad body
   */
  async getRouteInfo(topic: string): Promise<TopicRouteData> {
    const cmd = encodeRouteInfoRequest({ topic, acceptStandardJsonOnly: true });
    cmd.version = Math.max(cmd.version, STANDARD_JSON_MIN_VERSION);
    const { response, addr } = await this.invoke(cmd);
    return decodeRouteInfoResponse(response, { brokerAddr: addr, topic });
  }

  /** GET_BROKER_CLUSTER_INFO. */
  async getClusterInfo(): Promise<ClusterInfo> {
    const { response, addr } = await this.invoke(encodeClusterInfoRequest());
    return decodeClusterInfoResponse(response, { brokerAddr: addr });
  }

  /**
   * GET_KV_CONFIG.
   * @param namespace - config namespace (e.g. `ORDER_TOPIC_CONFIG`)
   * @param key - config key
   * @returns the value, or undefined when the nameserver has no such item
   */
  async getKvConfig(namespace: string, key: string): Promise<string | undefined> {
    const { response, addr } = await this.invoke(encodeGetKvConfigRequest({ namespace, key }));
    return decodeGetKvConfigResponse(response, { brokerAddr: addr });
  }

  /** Closes the connection; later calls fail with NoNameServerError. */
  async close(): Promise<void> {
    this.closed = true;
    const pending = this.connecting;
    const conn = this.conn;
    this.conn = undefined;
    this.connAddr = undefined;
    await Promise.all([conn?.close(), pending?.then((c) => c.close(), () => undefined)]);
  }

  private async connectionTo(addr: string): Promise<RemotingConnection> {
    if (this.conn && !this.conn.closed && this.connAddr === addr) return this.conn;
    if (this.connAddr === addr && this.connecting) return this.connecting;
    this.dropConnection();
    this.connAddr = addr;
    const p = this.connectFn(addr);
    this.connecting = p;
    try {
      const conn = await p;
      if (this.closed || this.connAddr !== addr) {
        // Closed, or another call moved on while we connected: do not leak this socket.
        void conn.close();
        if (this.closed) throw new NoNameServerError('the nameserver client is closed');
        return conn;
      }
      this.conn = conn;
      conn.once('close', () => {
        if (this.conn === conn) this.conn = undefined;
      });
      return conn;
    } finally {
      if (this.connecting === p) this.connecting = undefined;
    }
  }

  private dropConnection(): void {
    const conn = this.conn;
    this.conn = undefined;
    this.connAddr = undefined;
    this.connecting = undefined;
    void conn?.close();
  }
}

/** Failures after which another nameserver may do better. */
function isTransportFailure(err: unknown): err is RocketMQError {
  return err instanceof ConnectionError || err instanceof ConnectionClosedError || err instanceof RequestTimeoutError;
}
