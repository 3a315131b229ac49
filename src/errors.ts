/**
 * Typed errors shared by every layer. Each error has a stable string `code` that callers can switch on,
 * an optional `cause`, and a context object naming where it happened (broker address, request code, opaque).
 *
 * The mapping from broker response codes to errors lives in one table: see `src/protocol/response-codes.ts`
 * and its `errorFromResponse()`.
 * @module
 */

/** Where an error happened. Every field is optional: a layer fills in what it knows. */
export interface ErrorContext {
  /** `host:port` of the peer (broker or nameserver). */
  brokerAddr?: string;
  /** Broker group name, when known. */
  brokerName?: string;
  /** Remoting request code of the request that failed. */
  requestCode?: number;
  /** Opaque (request id) of the request that failed. */
  opaque?: number;
  /** Response code the peer answered with. */
  responseCode?: number;
  /** Remark the peer answered with. */
  remark?: string;
  /** Topic involved, when known. */
  topic?: string;
}

/** Stable error codes. */
export type RocketMQErrorCode =
  | 'ERR_PROTOCOL'
  | 'ERR_CONNECTION'
  | 'ERR_CONNECTION_CLOSED'
  | 'ERR_TIMEOUT'
  | 'ERR_ABORTED'
  | 'ERR_BROKER_RESPONSE'
  | 'ERR_VALIDATION'
  | 'ERR_CLIENT_STATE'
  | 'ERR_NO_ROUTE'
  | 'ERR_NO_NAMESRV'
  | 'ERR_SEND_FAILED'
  | 'ERR_COMPRESSION'
  | 'ERR_NOT_FOUND';

/** Options accepted by every error constructor. */
export interface RocketMQErrorOptions {
  /** The underlying error, if any. */
  cause?: unknown;
  /** Where it happened. */
  context?: ErrorContext;
}

/** Base class of every error this library throws. */
export class RocketMQError extends Error {
  /** Stable machine-readable code. */
  readonly code: RocketMQErrorCode;
  /** Where it happened. */
  readonly context: ErrorContext;

  constructor(code: RocketMQErrorCode, message: string, options: RocketMQErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.context = options.context ?? {};
  }
}

/** Malformed, truncated, oversized or otherwise undecodable bytes. Closes the connection that produced them. */
export class ProtocolError extends RocketMQError {
  constructor(message: string, options?: RocketMQErrorOptions) {
    super('ERR_PROTOCOL', message, options);
  }
}

/** A connection could not be established (refused, DNS, TLS handshake, connect timeout). */
export class ConnectionError extends RocketMQError {
  constructor(message: string, options?: RocketMQErrorOptions) {
    super('ERR_CONNECTION', message, options);
  }
}

/** The connection closed or failed while a request was in flight. */
export class ConnectionClosedError extends RocketMQError {
  constructor(message: string, options?: RocketMQErrorOptions) {
    super('ERR_CONNECTION_CLOSED', message, options);
  }
}

/** No answer within the time budget. */
export class RequestTimeoutError extends RocketMQError {
  /** The budget that ran out, in milliseconds. */
  readonly timeoutMs: number;
  constructor(message: string, timeoutMs: number, options?: RocketMQErrorOptions) {
    super('ERR_TIMEOUT', message, options);
    this.timeoutMs = timeoutMs;
  }
}

/** The caller's `AbortSignal` fired. */
export class AbortError extends RocketMQError {
  constructor(message = 'the operation was aborted', options?: RocketMQErrorOptions) {
    super('ERR_ABORTED', message, options);
  }
}

/** A broker or nameserver answered with a non-success response code. Built by `errorFromResponse()`. */
export class BrokerResponseError extends RocketMQError {
  /** The numeric response code. */
  readonly responseCode: number;
  /** The response code's name, e.g. `SERVICE_NOT_AVAILABLE`. */
  readonly responseName: string;
  /** Whether a retry (on another broker) may succeed. */
  readonly retriable: boolean;
  /** Whether the route should be refreshed from the nameserver before the retry. */
  readonly refreshRoute: boolean;
  constructor(
    message: string,
    info: { responseCode: number; responseName: string; retriable: boolean; refreshRoute: boolean },
    options?: RocketMQErrorOptions,
  ) {
    super('ERR_BROKER_RESPONSE', message, options);
    this.responseCode = info.responseCode;
    this.responseName = info.responseName;
    this.retriable = info.retriable;
    this.refreshRoute = info.refreshRoute;
  }
}

/** Bad input from the caller, rejected before anything goes on the wire. */
export class ValidationError extends RocketMQError {
  constructor(message: string, options?: RocketMQErrorOptions) {
    super('ERR_VALIDATION', message, options);
  }
}

/** The client is not started, or already shut down. */
export class ClientStateError extends RocketMQError {
  constructor(message: string, options?: RocketMQErrorOptions) {
    super('ERR_CLIENT_STATE', message, options);
  }
}

/** No route (or no writable broker group) is known for a topic. */
export class NoRouteError extends RocketMQError {
  constructor(message: string, options?: RocketMQErrorOptions) {
    super('ERR_NO_ROUTE', message, options);
  }
}

/** No nameserver address is configured or reachable. */
export class NoNameServerError extends RocketMQError {
  constructor(message: string, options?: RocketMQErrorOptions) {
    super('ERR_NO_NAMESRV', message, options);
  }
}

/** A compressed body could not be (de)compressed, or uses a codec this runtime lacks. */
export class CompressionError extends RocketMQError {
  constructor(message: string, options?: RocketMQErrorOptions) {
    super('ERR_COMPRESSION', message, options);
  }
}

/** A lookup (message by key or id, offset, config item) found nothing. */
export class NotFoundError extends RocketMQError {
  constructor(message: string, options?: RocketMQErrorOptions) {
    super('ERR_NOT_FOUND', message, options);
  }
}

/** One attempt of a send that failed, as listed in {@link SendFailedError}. */
export interface SendAttempt {
  /** Broker group tried. */
  brokerName: string;
  /** Address tried, if one was resolved. */
  brokerAddr?: string;
  /** Why it failed. */
  error: RocketMQError;
  /** Milliseconds the attempt took. */
  elapsedMs: number;
}

/** Every attempt of a send failed, or its budget ran out. Lists each attempt and why it failed. */
export class SendFailedError extends RocketMQError {
  /** The attempts made, in order. */
  readonly attempts: readonly SendAttempt[];
  constructor(message: string, attempts: readonly SendAttempt[], options?: RocketMQErrorOptions) {
    super('ERR_SEND_FAILED', message, options);
    this.attempts = attempts;
  }
}

/** Wraps anything thrown into a {@link RocketMQError} without losing it. */
export function toRocketMQError(err: unknown, context?: ErrorContext): RocketMQError {
  if (err instanceof RocketMQError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new ConnectionError(message, { cause: err, context });
}
