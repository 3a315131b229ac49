import { describe, expect, it } from 'vitest';
import { ROOT_CONTEXT, trace, TraceFlags } from '@opentelemetry/api';
import { extractTraceContext, formatTraceparent, injectTraceContext, parseTraceparent, tracingEnabled } from '../../../src/telemetry/index.js';

const sc = { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: TraceFlags.SAMPLED };

describe('telemetry helpers (no SDK registered)', () => {
  it('reports tracing off when no provider is registered', () => {
    expect(tracingEnabled()).toBe(false);
  });

  it('formats and parses traceparent', () => {
    expect(formatTraceparent(sc)).toBe('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01');
    const back = parseTraceparent('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', 'a=1,b=2');
    expect(back).toMatchObject({ ...sc, isRemote: true });
    expect(back?.traceState?.get('b')).toBe('2');
    expect(back?.traceState?.serialize()).toBe('a=1,b=2');
    for (const bad of ['', 'garbage', '00-00000000000000000000000000000000-b7ad6b7169203331-01', 'ff-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01-extra']) {
      expect(parseTraceparent(bad), bad).toBeUndefined();
    }
    expect(formatTraceparent({ ...sc, traceId: '0'.repeat(32) })).toBeUndefined();
  });

  it('injects W3C context into properties without a propagator, and extracts it back', () => {
    const props: Record<string, string> = {};
    injectTraceContext(props, trace.setSpanContext(ROOT_CONTEXT, sc));
    expect(props.traceparent).toBe('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01');
    const ctx = extractTraceContext(props, ROOT_CONTEXT);
    expect(trace.getSpanContext(ctx)).toMatchObject({ traceId: sc.traceId, spanId: sc.spanId, isRemote: true });
    expect(extractTraceContext({}, ROOT_CONTEXT)).toBe(ROOT_CONTEXT);
    expect(extractTraceContext({ traceparent: 'junk' }, ROOT_CONTEXT)).toBe(ROOT_CONTEXT);
    const none: Record<string, string> = {};
    injectTraceContext(none, ROOT_CONTEXT);
    expect(none).toEqual({});
  });
});
