/**
 * A minimal W3C Trace Context (`traceparent` / `tracestate`) codec. It is the fallback used when the application
 * registered a tracer provider but no propagator: the message must still carry the context so a consumer can continue
 * the trace. When a propagator is registered, `propagation.inject/extract` do the work and this is not used.
 * @module
 */

import { TraceFlags, isSpanContextValid, type SpanContext } from '@opentelemetry/api';

/** Message property names carrying the W3C trace context. */
export const TRACEPARENT = 'traceparent';
/** See {@link TRACEPARENT}. */
export const TRACESTATE = 'tracestate';

const TRACEPARENT_RE = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(?:-.*)?$/;

/**
 * Formats a span context as a version-00 `traceparent` value. Undefined for an invalid context.
 * @param ctx - the span context
 */
export function formatTraceparent(ctx: SpanContext): string | undefined {
  if (!isSpanContextValid(ctx)) return undefined;
  const flags = (ctx.traceFlags & 0xff).toString(16).padStart(2, '0');
  return `00-${ctx.traceId}-${ctx.spanId}-${flags}`;
}

/**
 * Parses a `traceparent` value (any version except `ff`; extra fields of future versions ignored). Undefined when it
 * is malformed or carries the all-zero ids W3C declares invalid.
 * @param value - the header value
 * @param tracestate - the optional `tracestate` value, kept verbatim
 */
export function parseTraceparent(value: string, tracestate?: string): SpanContext | undefined {
  const m = TRACEPARENT_RE.exec(value.trim());
  if (!m || m[1] === 'ff' || (m[1] === '00' && value.trim().length !== 55)) return undefined;
  const ctx: SpanContext = {
    traceId: m[2],
    spanId: m[3],
    traceFlags: parseInt(m[4], 16) & TraceFlags.SAMPLED,
    isRemote: true,
  };
  if (!isSpanContextValid(ctx)) return undefined;
  if (tracestate) ctx.traceState = new SimpleTraceState(tracestate);
  return ctx;
}

/** A read-mostly `TraceState` over the raw header value (enough to pass it on unchanged). */
class SimpleTraceState {
  private readonly entries: Map<string, string>;
  constructor(raw: string) {
    this.entries = new Map();
    for (const item of raw.split(',')) {
      const eq = item.indexOf('=');
      if (eq <= 0) continue;
      this.entries.set(item.slice(0, eq).trim(), item.slice(eq + 1).trim());
    }
  }
  set(key: string, value: string): SimpleTraceState {
    const next = new SimpleTraceState(this.serialize());
    next.entries.delete(key);
    const rest = [...next.entries];
    next.entries.clear();
    next.entries.set(key, value);
    for (const [k, v] of rest) next.entries.set(k, v);
    return next;
  }
  unset(key: string): SimpleTraceState {
    const next = new SimpleTraceState(this.serialize());
    next.entries.delete(key);
    return next;
  }
  get(key: string): string | undefined {
    return this.entries.get(key);
  }
  serialize(): string {
    return [...this.entries].map(([k, v]) => `${k}=${v}`).join(',');
  }
}
