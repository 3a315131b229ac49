/**
 * Tracing: with an in-memory exporter registered, every send makes one PRODUCER span with the messaging attributes,
 * and the stored message carries its W3C trace context (so a consumer span continues the trace). Metrics: the
 * duration histogram and the sends-by-outcome counter are recorded.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { context, metrics, propagation, SpanKind, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { AggregationTemporality, InMemoryMetricExporter, MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { MockCluster } from '../../src/mock/index.js';
import { Producer } from '../../src/producer/index.js';
import { BrokerPool } from '../../src/client/broker-pool.js';
import { decodeQueryMessageResponse, encodeQueryMessageRequest } from '../../src/protocol/query-message.js';
import { decodeStoredMessages } from '../../src/message/stored.js';
import { startConsumerSpan, tracingEnabled } from '../../src/telemetry/index.js';
import { ValidationError } from '../../src/errors.js';

const TOPIC = 'producer_tracing_topic';

describe('OpenTelemetry spans, metrics and context propagation', () => {
  let cluster: MockCluster;
  let producer: Producer;
  const pool = new BrokerPool();
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const reader = new PeriodicExportingMetricReader({ exporter: metricExporter, exportIntervalMillis: 60_000 });
  const meterProvider = new MeterProvider({ readers: [reader] });
  const contextManager = new AsyncLocalStorageContextManager();

  beforeAll(async () => {
    expect(tracingEnabled()).toBe(false);
    context.setGlobalContextManager(contextManager.enable());
    trace.setGlobalTracerProvider(provider);
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    metrics.setGlobalMeterProvider(meterProvider);
    cluster = await MockCluster.start({ groups: [{ brokerName: 'broker-a', mode: 'single' }], timeScale: 0.05 });
    await cluster.createTopic(TOPIC);
    producer = new Producer({ namesrvAddr: cluster.namesrvAddr, producerGroup: 'producer_tracing' });
    await producer.start();
  });

  afterAll(async () => {
    await producer?.shutdown();
    await pool.close();
    await cluster?.stop();
    await provider.shutdown();
    await meterProvider.shutdown();
    trace.disable();
    propagation.disable();
    metrics.disable();
    context.disable();
  });

  it('makes one span per send and stores the trace context in the message', async () => {
    expect(tracingEnabled()).toBe(true);
    const parent = trace.getTracer('test').startSpan('app operation');
    const results = await context.with(trace.setSpan(context.active(), parent), async () => {
      const out = [];
      for (let i = 0; i < 3; i++) out.push(await producer.send({ topic: TOPIC, keys: [`trace-${i}`, 'second'], tags: 'TagT', body: `traced ${i}` }));
      return out;
    });
    parent.end();
    await expect(producer.send({ topic: TOPIC, body: '' })).rejects.toBeInstanceOf(ValidationError);

    const spans = exporter.getFinishedSpans().filter((s) => s.kind === SpanKind.PRODUCER);
    expect(spans).toHaveLength(3);
    for (let i = 0; i < 3; i++) {
      const s = spans[i];
      expect(s.name).toBe(`send ${TOPIC}`);
      expect(s.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
      expect(s.attributes['messaging.system']).toBe('rocketmq');
      expect(s.attributes['messaging.destination.name']).toBe(TOPIC);
      expect(s.attributes['messaging.message.id']).toBe(results[i].msgId);
      expect(s.attributes['messaging.rocketmq.message.keys']).toEqual([`trace-${i}`, 'second']);
      expect(s.attributes['messaging.rocketmq.message.tag']).toBe('TagT');
      expect(s.attributes['server.address']).toBe('127.0.0.1');
      expect(s.attributes['server.port']).toBe(Number(results[i].brokerAddr.split(':')[1]));
      expect(s.attributes['messaging.rocketmq.send.retry_count']).toBe(0);
      expect(s.attributes['messaging.rocketmq.send.outcome']).toBe('success');
      expect(s.attributes['messaging.rocketmq.send.status']).toBe('SEND_OK');
    }

    // The stored message carries traceparent for the producer span; a consumer span continues that trace.
    const res = await pool.invoke(
      results[1].brokerAddr,
      encodeQueryMessageRequest({ topic: TOPIC, key: 'trace-1', maxNum: 32, beginTimestamp: 0, endTimestamp: Number.MAX_SAFE_INTEGER }),
      { timeoutMs: 3000 },
    );
    const [stored] = decodeStoredMessages(decodeQueryMessageResponse(res).body);
    const sc = spans[1].spanContext();
    expect(stored.properties.traceparent).toBe(`00-${sc.traceId}-${sc.spanId}-01`);
    const consumer = startConsumerSpan({ topic: TOPIC, group: 'cg', properties: stored.properties, messageId: stored.msgId });
    consumer?.end();
    const cs = exporter.getFinishedSpans().find((s) => s.kind === SpanKind.CONSUMER);
    expect(cs?.spanContext().traceId).toBe(sc.traceId);
    expect(cs?.parentSpanContext?.spanId).toBe(sc.spanId);

    // Metrics: three successes and their durations; a validation error is not a send and is not counted.
    await reader.forceFlush();
    const all = metricExporter.getMetrics().flatMap((rm) => rm.scopeMetrics.flatMap((sm) => sm.metrics));
    const counter = all.filter((m) => m.descriptor.name === 'messaging.client.sent.messages').at(-1);
    const byOutcome = new Map(counter?.dataPoints.map((d) => [d.attributes['messaging.rocketmq.send.outcome'], d.value]));
    expect(byOutcome.get('success')).toBe(3);
    expect(byOutcome.get('failure')).toBeUndefined();
    expect(all.some((m) => m.descriptor.name === 'messaging.client.operation.duration')).toBe(true);
  });
});
