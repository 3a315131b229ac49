/**
 * Producer metrics through the OpenTelemetry metrics API: a send-duration histogram and a counter of sends by
 * outcome. Instruments are created on first use and re-created when the application swaps the global meter provider;
 * with no provider registered they are the API's no-op instruments, so recording costs a few property reads.
 * @module
 */

import { createNoopMeter, metrics, type Attributes, type Counter, type Histogram, type MeterProvider } from '@opentelemetry/api';
import { INSTRUMENTATION_NAME, INSTRUMENTATION_VERSION } from './names.js';

/** Name of the send-duration histogram (semantic conventions: seconds). */
export const SEND_DURATION_METRIC = 'messaging.client.operation.duration';
/** Name of the sends-by-outcome counter. */
export const SENT_MESSAGES_METRIC = 'messaging.client.sent.messages';

/** How a send ended, as recorded in metrics and spans. */
export type SendOutcome = 'success' | 'failure';

/** A duration histogram and a by-outcome counter, as producer and consumer record them. */
export interface OutcomeInstruments {
  /** Wall time, seconds. */
  duration: Histogram;
  /** Messages, by outcome. */
  count: Counter;
}

/** What {@link outcomeInstruments} creates. */
export interface OutcomeInstrumentSpec {
  /** Histogram name. */
  durationName: string;
  /** Histogram description. */
  durationDescription: string;
  /** Explicit bucket boundaries, seconds. */
  buckets?: number[];
  /** Counter name. */
  countName: string;
  /** Counter description. */
  countDescription: string;
}

/**
 * Returns a getter for a histogram + counter pair, created on first use and re-created when the application swaps
 * the global meter provider. With no provider registered they are the API's no-op instruments, so recording costs a
 * few property reads.
 * @param spec - names and descriptions
 */
export function outcomeInstruments(spec: OutcomeInstrumentSpec): () => OutcomeInstruments {
  let cached: (OutcomeInstruments & { provider: MeterProvider }) | undefined;
  return () => {
    const provider = metrics.getMeterProvider();
    if (cached && cached.provider === provider) return cached;
    const meter = provider.getMeter(INSTRUMENTATION_NAME, INSTRUMENTATION_VERSION);
    cached = {
      provider,
      duration: meter.createHistogram(spec.durationName, {
        description: spec.durationDescription,
        unit: 's',
        ...(spec.buckets ? { advice: { explicitBucketBoundaries: spec.buckets } } : {}),
      }),
      count: meter.createCounter(spec.countName, { description: spec.countDescription, unit: '{message}' }),
    };
    return cached;
  };
}

// The API's no-op meter hands out shared instrument singletons; seeing them means no SDK is registered, so a send
// skips building its attribute object for nothing.
const NOOP_METER = createNoopMeter();
const NOOP_HISTOGRAM = NOOP_METER.createHistogram('noop');
const NOOP_COUNTER = NOOP_METER.createCounter('noop');

/**
 * True when both instruments are the API's no-op ones (no meter provider registered): recording would do nothing.
 * @param i - instruments from an {@link outcomeInstruments} getter
 */
export function isNoop(i: OutcomeInstruments): boolean {
  return i.duration === NOOP_HISTOGRAM && i.count === NOOP_COUNTER;
}

const instruments = outcomeInstruments({
  durationName: SEND_DURATION_METRIC,
  durationDescription: 'Duration of a send, all attempts included',
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  countName: SENT_MESSAGES_METRIC,
  countDescription: 'Messages sent, by outcome',
});

/**
 * Records one finished send (a batch counts its messages).
 * @param outcome - success or failure
 * @param durationMs - wall time of the send, all attempts included
 * @param attributes - destination, error type, …
 * @param count - messages the send carried @default 1
 */
export function recordSend(outcome: SendOutcome, durationMs: number, attributes: Attributes, count = 1): void {
  const i = instruments();
  if (isNoop(i)) return;
  const attrs: Attributes = { ...attributes, 'messaging.rocketmq.send.outcome': outcome };
  i.duration.record(Math.max(0, durationMs) / 1000, attrs);
  i.count.add(count, attrs);
}
