/**
 * OpenTelemetry glue built only on `@opentelemetry/api`: producer and consumer spans following the messaging
 * semantic conventions, W3C trace context carried in message properties, and producer metrics. Everything is a
 * no-op (and nearly free) unless the application registers an SDK.
 * @module
 */
export { Attr, INSTRUMENTATION_NAME, INSTRUMENTATION_VERSION } from './names.js';
export { outcomeInstruments, recordSend, SEND_DURATION_METRIC, SENT_MESSAGES_METRIC, type OutcomeInstruments, type OutcomeInstrumentSpec, type SendOutcome } from './metrics.js';
export {
  contextWithSpan,
  endSendSpan,
  extractTraceContext,
  injectTraceContext,
  startConsumerSpan,
  startSendSpan,
  tracingEnabled,
  type ConsumerSpanInfo,
  type SendSpanEnd,
  type SendSpanInfo,
} from './tracing.js';
export { formatTraceparent, parseTraceparent, TRACEPARENT, TRACESTATE } from './w3c.js';
