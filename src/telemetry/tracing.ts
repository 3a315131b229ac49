/**
 * Spans and trace-context propagation for producers and consumers, using only `@opentelemetry/api`.
 *
 * Cost when the application registered no tracer provider: {@link tracingEnabled} is two property reads and an
 * identity check, and the producer then skips span creation and context injection entirely.
 * @module
 */

import {
  context as otelContext,
  propagation,
  ProxyTracerProvider,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span,
  type TextMapGetter,
  type TextMapSetter,
} from '@opentelemetry/api';
import { Attr, INSTRUMENTATION_NAME, INSTRUMENTATION_VERSION } from './names.js';
import { formatTraceparent, parseTraceparent, TRACEPARENT, TRACESTATE } from './w3c.js';

/** The API's no-op provider: what a fresh proxy delegates to when nothing is registered. */
const NOOP_PROVIDER = new ProxyTracerProvider().getDelegate();

/** Whether a real tracer provider is registered (the global one is not the API's no-op). */
export function tracingEnabled(): boolean {
  const provider = trace.getTracerProvider();
  if (provider instanceof ProxyTracerProvider) return provider.getDelegate() !== NOOP_PROVIDER;
  return true;
}

const setter: TextMapSetter<Record<string, string>> = {
  set(carrier, key, value) {
    carrier[key] = value;
  },
};

const getter: TextMapGetter<Readonly<Record<string, string>>> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => (Object.prototype.hasOwnProperty.call(carrier, key) ? carrier[key] : undefined),
};

/**
 * Writes the trace context of `ctx` into message properties: through the registered propagator, and, when none wrote
 * a `traceparent`, as W3C `traceparent`/`tracestate` ourselves so a consumer can always continue the trace.
 * @param properties - the message properties (mutated)
 * @param ctx - the context whose span is propagated
 */
export function injectTraceContext(properties: Record<string, string>, ctx: Context): void {
  propagation.inject(ctx, properties, setter);
  if (properties[TRACEPARENT] !== undefined) return;
  const sc = trace.getSpanContext(ctx);
  const parent = sc ? formatTraceparent(sc) : undefined;
  if (!parent) return;
  properties[TRACEPARENT] = parent;
  const state = sc?.traceState?.serialize();
  if (state) properties[TRACESTATE] = state;
}

/**
 * Reads the trace context a producer wrote into message properties (for consumers).
 * @param properties - the message properties
 * @param base - context to extend @default the active context
 * @returns `base` with the remote span context set, or `base` unchanged when the message carries none
 */
export function extractTraceContext(properties: Readonly<Record<string, string>>, base: Context = otelContext.active()): Context {
  const extracted = propagation.extract(base, properties, getter);
  if (trace.getSpanContext(extracted) !== trace.getSpanContext(base)) return extracted;
  const raw = properties[TRACEPARENT];
  if (raw === undefined) return base;
  const sc = parseTraceparent(raw, properties[TRACESTATE]);
  return sc ? trace.setSpanContext(base, sc) : base;
}

/** What the producer knows about a send when its span starts. */
export interface SendSpanInfo {
  /** Topic. */
  topic: string;
  /** Producer group. */
  group: string;
  /** UNIQ_KEY (batches: the first message's). */
  messageId?: string;
  /** Business keys. */
  keys?: readonly string[];
  /** Tag. */
  tag?: string;
  /** normal, fifo (ordered), delay. */
  messageType?: 'normal' | 'fifo' | 'delay';
  /** Delivery time of a timer message. */
  deliveryTimestamp?: number;
  /** Delay level. */
  delayTimeLevel?: number;
  /** Sharding key of an ordered send. */
  shardingKey?: string;
  /** Messages in a batch (undefined for a single message). */
  batchCount?: number;
}

/**
 * Starts the PRODUCER span of one send, as a child of the active context. Returns undefined when tracing is off.
 * @param info - what the send carries
 */
export function startSendSpan(info: SendSpanInfo): Span | undefined {
  if (!tracingEnabled()) return undefined;
  const tracer = trace.getTracer(INSTRUMENTATION_NAME, INSTRUMENTATION_VERSION);
  const attributes: Attributes = {
    [Attr.SYSTEM]: 'rocketmq',
    [Attr.DESTINATION]: info.topic,
    [Attr.OPERATION_NAME]: 'send',
    [Attr.OPERATION_TYPE]: 'send',
    [Attr.CLIENT_GROUP]: info.group,
    [Attr.MESSAGE_TYPE]: info.messageType ?? 'normal',
  };
  if (info.messageId !== undefined) attributes[Attr.MESSAGE_ID] = info.messageId;
  if (info.keys && info.keys.length > 0) attributes[Attr.KEYS] = [...info.keys];
  if (info.tag !== undefined) attributes[Attr.TAG] = info.tag;
  if (info.deliveryTimestamp !== undefined) attributes[Attr.DELIVERY_TIMESTAMP] = info.deliveryTimestamp;
  if (info.delayTimeLevel !== undefined) attributes[Attr.DELAY_LEVEL] = info.delayTimeLevel;
  if (info.shardingKey !== undefined) attributes[Attr.MESSAGE_GROUP] = info.shardingKey;
  if (info.batchCount !== undefined) attributes[Attr.BATCH_COUNT] = info.batchCount;
  return tracer.startSpan(`send ${info.topic}`, { kind: SpanKind.PRODUCER, attributes }, otelContext.active());
}

/**
 * The context to inject for a span (the active context with the span set).
 * @param span - the producer span
 */
export function contextWithSpan(span: Span): Context {
  return trace.setSpan(otelContext.active(), span);
}

/** Outcome details written onto a send span when it ends. */
export interface SendSpanEnd {
  /** Retries made (attempts − 1). */
  retries: number;
  /** `host:port` of the broker of the last attempt. */
  brokerAddr?: string;
  /** Broker group of the last attempt. */
  brokerName?: string;
  /** Queue id of a stored message. */
  queueId?: number;
  /** Send status of a stored message. */
  status?: string;
  /** The error of a failed send (its `code`, when it has one, becomes `error.type`). */
  error?: Error;
}

/**
 * Ends a send span with its outcome.
 * @param span - the span from {@link startSendSpan}
 * @param end - outcome
 */
export function endSendSpan(span: Span, end: SendSpanEnd): void {
  span.setAttribute(Attr.RETRY_COUNT, end.retries);
  if (end.brokerAddr !== undefined) {
    const i = end.brokerAddr.lastIndexOf(':');
    span.setAttribute(Attr.SERVER_ADDRESS, i > 0 ? end.brokerAddr.slice(0, i).replace(/^\[|\]$/g, '') : end.brokerAddr);
    const port = i > 0 ? Number(end.brokerAddr.slice(i + 1)) : NaN;
    if (Number.isInteger(port)) span.setAttribute(Attr.SERVER_PORT, port);
  }
  if (end.brokerName !== undefined) span.setAttribute(Attr.BROKER_NAME, end.brokerName);
  if (end.queueId !== undefined) span.setAttribute(Attr.PARTITION, String(end.queueId));
  if (end.error) {
    const code = (end.error as { code?: unknown }).code;
    const type = typeof code === 'string' ? code : end.error.name;
    span.setAttribute(Attr.OUTCOME, 'failure');
    span.setAttribute(Attr.ERROR_TYPE, type);
    span.setAttribute(Attr.SEND_STATUS, type);
    span.recordException(end.error);
    span.setStatus({ code: SpanStatusCode.ERROR, message: end.error.message });
  } else {
    span.setAttribute(Attr.OUTCOME, 'success');
    if (end.status !== undefined) span.setAttribute(Attr.SEND_STATUS, end.status);
    span.setStatus({ code: SpanStatusCode.OK });
  }
  span.end();
}

/** What a consumer knows about a message it is about to process. */
export interface ConsumerSpanInfo {
  /** Topic. */
  topic: string;
  /** Consumer group. */
  group: string;
  /** The message properties (trace context is read from them). */
  properties: Readonly<Record<string, string>>;
  /** msgId (UNIQ_KEY). */
  messageId?: string;
  /** Queue id. */
  queueId?: number;
  /** Broker address the message came from. */
  brokerAddr?: string;
  /** Tag. */
  tag?: string;
  /** Keys. */
  keys?: readonly string[];
  /** Delivery attempt (reconsumeTimes + 1). */
  deliveryCount?: number;
  /** `process` (default) or `receive`. */
  operation?: 'process' | 'receive';
}

/**
 * Starts a CONSUMER span continuing the producer's trace: its parent is the context carried in the message, and it
 * also links to it (so a batch span made by the caller can link many). Undefined when tracing is off.
 * @param info - the message and the consumer
 */
export function startConsumerSpan(info: ConsumerSpanInfo): Span | undefined {
  if (!tracingEnabled()) return undefined;
  const tracer = trace.getTracer(INSTRUMENTATION_NAME, INSTRUMENTATION_VERSION);
  const op = info.operation ?? 'process';
  const parent = extractTraceContext(info.properties);
  const remote = trace.getSpanContext(parent);
  const attributes: Attributes = {
    [Attr.SYSTEM]: 'rocketmq',
    [Attr.DESTINATION]: info.topic,
    [Attr.OPERATION_NAME]: op,
    [Attr.OPERATION_TYPE]: op,
    [Attr.CLIENT_GROUP]: info.group,
  };
  if (info.messageId !== undefined) attributes[Attr.MESSAGE_ID] = info.messageId;
  if (info.queueId !== undefined) attributes[Attr.PARTITION] = String(info.queueId);
  if (info.tag !== undefined) attributes[Attr.TAG] = info.tag;
  if (info.keys && info.keys.length > 0) attributes[Attr.KEYS] = [...info.keys];
  if (info.deliveryCount !== undefined) attributes['messaging.rocketmq.message.delivery_count'] = info.deliveryCount;
  if (info.brokerAddr !== undefined) {
    const i = info.brokerAddr.lastIndexOf(':');
    attributes[Attr.SERVER_ADDRESS] = i > 0 ? info.brokerAddr.slice(0, i) : info.brokerAddr;
  }
  return tracer.startSpan(
    `${op} ${info.topic}`,
    { kind: SpanKind.CONSUMER, attributes, links: remote ? [{ context: remote }] : [] },
    parent,
  );
}
