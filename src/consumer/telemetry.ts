/**
 * Consumer telemetry: a CONSUMER `process` span per message (parented on and linked to the producer's context found
 * in the message properties, via `src/telemetry`), and two metrics — process duration and processed messages by
 * outcome. No-ops unless the application registers an OpenTelemetry SDK.
 * @module
 */

import { context as otelContext, SpanStatusCode, trace, type Attributes, type Span } from '@opentelemetry/api';
import { isNoop, outcomeInstruments } from '../telemetry/metrics.js';
import { startConsumerSpan, tracingEnabled } from '../telemetry/tracing.js';
import type { MessageExt, MessageQueue } from './types.js';

/** Histogram of listener wall time, seconds. */
export const PROCESS_DURATION_METRIC = 'messaging.process.duration';
/** Counter of processed messages by outcome. */
export const CONSUMED_MESSAGES_METRIC = 'messaging.client.consumed.messages';

/** How a listener call ended. */
export type ConsumeOutcome = 'success' | 'retry' | 'failure';

const instruments = outcomeInstruments({
  durationName: PROCESS_DURATION_METRIC,
  durationDescription: 'Duration of a message listener call',
  countName: CONSUMED_MESSAGES_METRIC,
  countDescription: 'Messages processed, by outcome',
});

/**
 * Whether a listener call has anything to record: an OpenTelemetry tracer or meter provider is registered. Without
 * either, the consume services skip spans, attribute objects and timing altogether.
 */
export function telemetryActive(): boolean {
  return tracingEnabled() || !isNoop(instruments());
}

/**
 * Records one listener call.
 * @param outcome - success, retry (RECONSUME_LATER/suspend) or failure (threw)
 * @param durationMs - wall time of the call
 * @param attributes - topic, group
 * @param count - messages in the batch
 */
export function recordConsume(outcome: ConsumeOutcome, durationMs: number, attributes: Attributes, count: number): void {
  const i = instruments();
  const attrs: Attributes = { ...attributes, 'messaging.rocketmq.consume.outcome': outcome };
  i.duration.record(Math.max(0, durationMs) / 1000, attrs);
  i.count.add(count, attrs);
}

/**
 * Runs `fn` (the listener) inside process spans: one span per message; with a single message its span is active
 * while `fn` runs, so spans the handler starts are its children. Spans end with the outcome; metrics are recorded.
 * @param msgs - the batch
 * @param group - consumer group
 * @param mq - source queue
 * @param brokerAddr - where the batch was pulled from, if known
 * @param fn - the call; resolves to whether it succeeded (false = retry), rejects when it threw
 */
export async function traced<T extends boolean>(
  msgs: readonly MessageExt[],
  group: string,
  mq: MessageQueue,
  brokerAddr: string | undefined,
  fn: () => Promise<T>,
): Promise<T> {
  const spans: Span[] = [];
  for (const m of msgs) {
    const s = startConsumerSpan({
      topic: m.topic,
      group,
      properties: m.properties,
      messageId: m.msgId,
      queueId: mq.queueId,
      brokerAddr,
      tag: m.tags,
      keys: m.keys,
      deliveryCount: m.reconsumeTimes + 1,
    });
    if (s) spans.push(s);
  }
  const attrs: Attributes = { 'messaging.system': 'rocketmq', 'messaging.destination.name': mq.topic, 'messaging.rocketmq.client_group': group };
  const t0 = performance.now();
  const end = (outcome: ConsumeOutcome, err?: unknown): void => {
    recordConsume(outcome, performance.now() - t0, attrs, msgs.length);
    for (const s of spans) {
      s.setAttribute('messaging.rocketmq.consume.outcome', outcome);
      if (outcome === 'success') s.setStatus({ code: SpanStatusCode.OK });
      else s.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : outcome });
      if (err instanceof Error) s.recordException(err);
      s.end();
    }
  };
  try {
    const run = spans.length === 1 ? () => otelContext.with(trace.setSpan(otelContext.active(), spans[0]), fn) : fn;
    const ok = await run();
    end(ok ? 'success' : 'retry');
    return ok;
  } catch (err) {
    end('failure', err);
    throw err;
  }
}
