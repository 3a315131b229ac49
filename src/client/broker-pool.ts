/**
 * One remoting connection per broker address, shared by every producer and consumer of a client instance
 * (Java `NettyRemotingClient`'s channelTables). Connections are opened lazily on first use, concurrent first uses
 * share one connect attempt, and a closed connection is replaced on the next use.
 *
 * Brokers also send requests *to* clients (check transaction state, consumer ids changed, reset offset, running
 * info, consume directly). Hooks registered with {@link BrokerPool.addRequestHook} are installed on every
 * connection, present and future.
 * @module
 */

import { ClientStateError, ConnectionClosedError } from '../errors.js';
import { createResponse, isOneway, type RemotingCommand } from '../remoting/command.js';
import { CODE_NOT_SUPPORTED, type RemotingConnection } from '../remoting/connection.js';
import { connectFnFor, type ConnectFn, type TransportOptions } from './transport.js';

/**
 * Request codes brokers send to clients: CHECK_TRANSACTION_STATE 39, NOTIFY_CONSUMER_IDS_CHANGED 40,
 * RESET_CONSUMER_CLIENT_OFFSET 220, GET_CONSUMER_RUNNING_INFO 307, CONSUME_MESSAGE_DIRECTLY 309,
 * PUSH_REPLY_MESSAGE_TO_CLIENT 326.
 */
export const BROKER_INITIATED_CODES: readonly number[] = Object.freeze([39, 40, 220, 307, 309, 326]);

/**
 * Handles a broker-initiated request. Return a response to answer it, or `undefined` to let the next hook try
 * (e.g. a consumer ignoring a request for another group). For oneway requests every hook runs.
 */
export type BrokerRequestHook = (
  req: RemotingCommand,
  conn: RemotingConnection,
) => RemotingCommand | undefined | Promise<RemotingCommand | undefined>;

/** Options of {@link BrokerPool}. */
export type BrokerPoolOptions = TransportOptions;

/** Options of {@link BrokerPool.invoke}. */
export interface PoolInvokeOptions {
  /** Time budget for the response, in ms (connecting counts against it only via the connect timeout). */
  timeoutMs: number;
  /** Cancels the wait. */
  signal?: AbortSignal;
}

/** The broker connection pool. */
export class BrokerPool {
  private readonly connectFn: ConnectFn;
  private readonly conns = new Map<string, RemotingConnection>();
  private readonly connecting = new Map<string, Promise<RemotingConnection>>();
  private readonly hooks = new Map<number, BrokerRequestHook[]>();
  private closed = false;

  /** @param options - transport settings (TLS, timeouts, factory) */
  constructor(options: BrokerPoolOptions = {}) {
    this.connectFn = connectFnFor(options);
  }

  /**
   * Adds a hook for broker-initiated requests with `code`, on every connection. Hooks run in the order added.
   * @param code - request code (normally one of {@link BROKER_INITIATED_CODES})
   * @param hook - the handler
   * @returns a function removing the hook
   */
  addRequestHook(code: number, hook: BrokerRequestHook): () => void {
    let list = this.hooks.get(code);
    if (!list) {
      list = [];
      this.hooks.set(code, list);
      for (const conn of this.conns.values()) this.install(conn, code);
    }
    list.push(hook);
    return () => {
      const l = this.hooks.get(code);
      const i = l ? l.indexOf(hook) : -1;
      if (l && i >= 0) l.splice(i, 1);
    };
  }

  /**
   * The open connection to `addr`, connecting if there is none. Concurrent callers share one attempt.
   * @param addr - broker `host:port`
   * @throws ConnectionError, ValidationError (bad address), ClientStateError (pool closed)
   */
  getConnection(addr: string): Promise<RemotingConnection> {
    if (this.closed) return Promise.reject(new ClientStateError('the broker connection pool is closed', { context: { brokerAddr: addr } }));
    const open = this.conns.get(addr);
    if (open && !open.closed) return Promise.resolve(open);
    let p = this.connecting.get(addr);
    if (!p) {
      p = this.open(addr).finally(() => this.connecting.delete(addr));
      this.connecting.set(addr, p);
    }
    return p;
  }

  /**
   * Sends a request to `addr` and waits for the response (whatever its code).
   * @param addr - broker `host:port`
   * @param cmd - the request
   * @param options - timeout and abort signal
   */
  async invoke(addr: string, cmd: RemotingCommand, options: PoolInvokeOptions): Promise<RemotingCommand> {
    const conn = await this.getConnection(addr);
    return conn.invoke(cmd, options);
  }

  /**
   * Sends a oneway request to `addr`; resolves once written.
   * @param addr - broker `host:port`
   * @param cmd - the request
   */
  async invokeOneway(addr: string, cmd: RemotingCommand): Promise<void> {
    const conn = await this.getConnection(addr);
    return conn.invokeOneway(cmd);
  }

  /** Addresses with an open connection. */
  addrs(): string[] {
    return [...this.conns.keys()];
  }

  /**
   * Closes the connection to `addr`, if any (e.g. a broker that left every route).
   * @param addr - broker `host:port`
   */
  async closeConnection(addr: string): Promise<void> {
    const conn = this.conns.get(addr);
    this.conns.delete(addr);
    await conn?.close();
  }

  /** Closes every connection (pending connects are closed when they complete). Idempotent. */
  async close(): Promise<void> {
    this.closed = true;
    const pending = [...this.connecting.values()].map((p) => p.then((c) => c.close(), () => undefined));
    const open = [...this.conns.values()].map((c) => c.close());
    this.conns.clear();
    await Promise.all([...open, ...pending]);
  }

  private async open(addr: string): Promise<RemotingConnection> {
    const conn = await this.connectFn(addr);
    if (this.closed) {
      await conn.close();
      throw new ConnectionClosedError('the broker connection pool was closed while connecting', { context: { brokerAddr: addr } });
    }
    for (const code of this.hooks.keys()) this.install(conn, code);
    this.conns.set(addr, conn);
    conn.once('close', () => {
      // Only forget it if it is still the current one (a replacement may already be in place).
      if (this.conns.get(addr) === conn) this.conns.delete(addr);
    });
    return conn;
  }

  private install(conn: RemotingConnection, code: number): void {
    conn.onRequest(code, async (req, c) => {
      const hooks = [...(this.hooks.get(code) ?? [])];
      if (isOneway(req)) {
        // Nobody waits for an answer, so one failing hook must not keep the others from seeing the notice.
        await Promise.allSettled(hooks.map(async (hook) => hook(req, c)));
        return undefined;
      }
      for (const hook of hooks) {
        const res = await hook(req, c);
        if (res !== undefined) return res;
      }
      return createResponse(req, CODE_NOT_SUPPORTED, ` request type ${req.code} not supported`);
    });
  }
}
