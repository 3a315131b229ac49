/**
 * A small remoting server: accepts TCP (or TLS) connections and dispatches requests to handlers by request code.
 * The mock nameserver and brokers are built on it; tests use it as a loopback peer.
 * @module
 */
import { EventEmitter } from 'node:events';
import net from 'node:net';
import tls from 'node:tls';
import { ConnectionError } from '../errors.js';
import { SerializeType, createResponse, type RemotingCommand } from './command.js';
import { CODE_NOT_SUPPORTED, RemotingConnection, type RequestHandler } from './connection.js';

/** Options for {@link RemotingServer}. */
export interface RemotingServerOptions {
  /** Address to bind. @default '127.0.0.1' */
  host?: string;
  /** Port to bind; 0 picks a free one (see {@link RemotingServer.listen}). @default 0 */
  port?: number;
  /** Serve TLS with these options (key and cert at least). @default undefined (plain TCP) */
  tls?: tls.TlsOptions;
  /** Largest accepted incoming frame, length prefix included. @default 16777216 */
  maxFrameSize?: number;
  /** Header serialization of responses, whatever the request used (Java behaves the same). @default SerializeType.JSON */
  serializeType?: SerializeType;
  /** Close accepted connections idle for this long; 0 disables. @default 120000 */
  idleTimeoutMs?: number;
  /** Language stamped on responses. @default undefined (createResponse's 'JAVA') */
  language?: string;
  /** Version stamped on responses (a broker announces its own version). @default undefined (createResponse's 401) */
  version?: number;
}

/**
 * Wraps the dispatch of one request. Call `next()` to run the normal handler and get its response; delay before
 * it to inject latency, or skip it (returning `undefined`) to play a paused or dead node.
 */
export type RequestInterceptor = (
  req: RemotingCommand,
  conn: RemotingConnection,
  next: () => Promise<RemotingCommand | undefined>,
) => RemotingCommand | undefined | Promise<RemotingCommand | undefined>;

/** Events of a {@link RemotingServer}. */
export interface RemotingServerEvents {
  /** A client connected (after the TLS handshake, with TLS). */
  connection: [conn: RemotingConnection];
  /** The listening socket failed after `listen()` resolved. Emitted only when someone listens. */
  error: [error: Error];
}

/** A remoting server; see the module description. */
export class RemotingServer extends EventEmitter<RemotingServerEvents> {
  /** Every accepted connection that is still open. */
  readonly connections = new Set<RemotingConnection>();
  private readonly options: RemotingServerOptions;
  private readonly handlers = new Map<number | '*', RequestHandler>();
  private readonly rawSockets = new Set<net.Socket>();
  private interceptor: RequestInterceptor | undefined;
  private server: net.Server | undefined;
  private listening: Promise<number> | undefined;
  private boundPort = 0;
  private closing = false;

  /** Creates the server; nothing is bound until {@link listen}. */
  constructor(options: RemotingServerOptions = {}) {
    super();
    this.options = options;
  }

  /** The bound port (0 before {@link listen} resolves). */
  get port(): number {
    return this.boundPort;
  }

  /**
   * Registers (or, with `undefined`, removes) the handler of request `code`; `'*'` catches every code without its
   * own handler. Unknown codes are answered with code 3 ` request type N not supported`.
   */
  handle(code: number | '*', handler: RequestHandler | undefined): this {
    if (handler) this.handlers.set(code, handler);
    else this.handlers.delete(code);
    return this;
  }

  /** Installs (or, with `undefined`, removes) the interceptor that wraps every dispatch. */
  setInterceptor(interceptor: RequestInterceptor | undefined): this {
    this.interceptor = interceptor;
    return this;
  }

  /**
   * Binds and starts accepting connections.
   * @returns the bound port.
   * @throws ConnectionError when the address cannot be bound (e.g. in use).
   */
  listen(): Promise<number> {
    this.listening ??= this.bind();
    return this.listening;
  }

  private bind(): Promise<number> {
    const host = this.options.host ?? '127.0.0.1';
    const port = this.options.port ?? 0;
    const server = this.options.tls ? tls.createServer(this.options.tls) : net.createServer();
    this.server = server;
    // With TLS, 'connection' carries the raw TCP socket: tracking it lets close() end stalled handshakes too.
    server.on('connection', (raw: net.Socket) => {
      if (this.closing) {
        raw.destroy();
        return;
      }
      this.rawSockets.add(raw);
      raw.once('close', () => this.rawSockets.delete(raw));
      if (!this.options.tls) this.accept(raw);
    });
    if (this.options.tls) server.on('secureConnection', (sock: tls.TLSSocket) => this.accept(sock));
    return new Promise((resolve, reject) => {
      const onListenError = (err: Error): void => {
        this.server = undefined;
        this.listening = undefined;
        reject(new ConnectionError(`cannot listen on ${host}:${port}: ${err.message}`, { cause: err }));
      };
      server.once('error', onListenError);
      server.listen(port, host, () => {
        server.off('error', onListenError);
        server.on('error', (err) => {
          if (this.listenerCount('error') > 0) this.emit('error', err);
        });
        const address = server.address();
        this.boundPort = typeof address === 'object' && address ? address.port : port;
        resolve(this.boundPort);
      });
    });
  }

  /** Stops listening and closes every accepted connection; resolves when all handles are released. */
  async close(): Promise<void> {
    this.closing = true;
    const server = this.server;
    this.server = undefined;
    const closed = server ? new Promise<void>((resolve) => server.close(() => resolve())) : Promise.resolve();
    const conns = [...this.connections].map((c) => c.close());
    for (const raw of this.rawSockets) raw.destroy();
    await Promise.all([closed, ...conns]);
  }

  private accept(socket: net.Socket): void {
    if (this.closing) {
      socket.destroy();
      return;
    }
    const conn = new RemotingConnection(socket, {
      maxFrameSize: this.options.maxFrameSize,
      serializeType: this.options.serializeType ?? SerializeType.JSON,
      idleTimeoutMs: this.options.idleTimeoutMs,
      language: this.options.language,
      version: this.options.version,
    });
    if (conn.closed) return;
    this.connections.add(conn);
    conn.on('close', () => this.connections.delete(conn));
    conn.onRequest('*', (req, c) => this.dispatch(req, c));
    this.emit('connection', conn);
  }

  private dispatch(
    req: RemotingCommand,
    conn: RemotingConnection,
  ): RemotingCommand | undefined | Promise<RemotingCommand | undefined> {
    const run = (): RemotingCommand | undefined | Promise<RemotingCommand | undefined> => {
      const handler = this.handlers.get(req.code) ?? this.handlers.get('*');
      if (!handler) return createResponse(req, CODE_NOT_SUPPORTED, ` request type ${req.code} not supported`);
      return handler(req, conn);
    };
    const interceptor = this.interceptor;
    if (!interceptor) return run();
    return interceptor(req, conn, async () => run());
  }
}
