/**
 * The trace continues from the producer's span to the consumer's: a PushConsumer makes one CONSUMER `process` span
 * per message, in the producer's trace, parented on and linked to the PRODUCER span; spans the handler starts are its
 * children; consume metrics are recorded with the outcome.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { context, metrics, propagation, SpanKind, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { AggregationTemporality, InMemoryMetricExporter, MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { MockCluster } from '../../src/mock/index.js';
import { CONSUMED_MESSAGES_METRIC, PushConsumer, type MessageExt } from '../../src/consumer/index.js';
import type { Producer } from '../../src/producer/index.js';
import { startProducer, waitFor } from './consumer-helpers.js';

describe('consumer spans continue the producer trace', () => {
  let cluster: MockCluster;
  let producer: Producer;
  let consumer: PushConsumer;
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const reader = new PeriodicExportingMetricReader({ exporter: metricExporter, exportIntervalMillis: 60_000 });
  const meterProvider = new MeterProvider({ readers: [reader] });
  const contextManager = new AsyncLocalStorageContextManager();

  beforeAll(async () => {
    context.setGlobalContextManager(contextManager.enable());
    trace.setGlobalTracerProvider(provider);
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    metrics.setGlobalMeterProvider(meterProvider);
    cluster = await MockCluster.start({ groups: [{ brokerName: 'broker-a', mode: 'single' }], timeScale: 0.05 });
    await cluster.createTopic('TT', { queues: 1 });
    producer = await startProducer(cluster.namesrvAddr);
  });
  afterAll(async () => {
    await consumer?.shutdown();
    await producer?.shutdown();
    await cluster?.stop();
    await provider.shutdown();
    await meterProvider.shutdown();
    trace.disable();
    propagation.disable();
    metrics.disable();
    context.disable();
  });

  it('parents and links the process span to the send span; handler spans are children', async () => {
    consumer = new PushConsumer({ namesrvAddr: cluster.namesrvAddr, consumerGroup: 'GT', consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET', suspendTimeoutMillis: 200 });
    consumer.subscribe('TT', '*');
    let handled = 0;
    consumer.registerMessageListener((msgs: MessageExt[]) => {
      trace.getTracer('app').startSpan('handler work').end();
      handled += msgs.length;
      return handled === 1 ? 'CONSUME_SUCCESS' : undefined;
    });
    await consumer.start();
    await producer.send({ topic: 'TT', body: 'traced', tags: 'TagT' });
    await waitFor(() => handled >= 1, 10_000, 'the message');
    await waitFor(() => exporter.getFinishedSpans().some((s) => s.name === 'handler work'), 5000, 'spans');

    const spans = exporter.getFinishedSpans();
    const send = spans.find((s) => s.kind === SpanKind.PRODUCER);
    const proc = spans.find((s) => s.kind === SpanKind.CONSUMER && s.name === 'process TT');
    const work = spans.find((s) => s.name === 'handler work');
    expect(send && proc && work).toBeTruthy();
    if (!send || !proc || !work) return;
    expect(proc.spanContext().traceId).toBe(send.spanContext().traceId);
    expect(proc.parentSpanContext?.spanId).toBe(send.spanContext().spanId);
    expect(proc.links.map((l) => l.context.spanId)).toContain(send.spanContext().spanId);
    expect(proc.attributes['messaging.consumer.group.name'] ?? proc.attributes['messaging.rocketmq.client_group']).toBe('GT');
    expect(proc.attributes['messaging.rocketmq.consume.outcome']).toBe('success');
    expect(work.parentSpanContext?.spanId).toBe(proc.spanContext().spanId);

    await reader.forceFlush();
    const names = metricExporter.getMetrics().flatMap((r) => r.scopeMetrics.flatMap((s) => s.metrics.map((m) => m.descriptor.name)));
    expect(names).toContain(CONSUMED_MESSAGES_METRIC);
  });
});
