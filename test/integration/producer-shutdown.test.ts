/**
 * Shutdown with sends in flight: each one completes or fails with a typed error, the broker sees UNREGISTER_CLIENT,
 * and the producer leaves no socket or timer behind.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MockCluster } from '../../src/mock/index.js';
import { Producer } from '../../src/producer/index.js';
import { ClientStateError, RocketMQError } from '../../src/errors.js';

function resources(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of process.getActiveResourcesInfo()) out[r] = (out[r] ?? 0) + 1;
  return out;
}

describe('shutdown with sends in flight', () => {
  let cluster: MockCluster;

  beforeAll(async () => {
    cluster = await MockCluster.start({ groups: [{ brokerName: 'broker-a', mode: 'single' }], timeScale: 0.05 });
    await cluster.createTopic('shutdown_topic');
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('settles every send typed, unregisters and releases every handle', async () => {
    const before = resources();
    const producer = new Producer({
      namesrvAddr: cluster.namesrvAddr,
      producerGroup: 'producer_shutdown',
      maxInflight: 4,
      shutdownTimeoutMs: 150,
      heartbeatBrokerInterval: 50,
    });
    await producer.start();
    await producer.send({ topic: 'shutdown_topic', body: 'warm up' });
    // Let a heartbeat register the group on the broker.
    for (let i = 0; i < 100 && producer.diagnostics().heartbeats === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(producer.diagnostics().heartbeats).toBeGreaterThan(0);
    const clients = cluster.broker('broker-a', 'n0').clients;
    expect(clients.producers.get('producer_shutdown')?.has(producer.clientId)).toBe(true);
    expect(producer.clientId).toMatch(/^[0-9.]+@\d+#\d+$/);

    cluster.setLatency('broker-a', 'n0', 100);
    const sends = Array.from({ length: 20 }, (_, i) => producer.send({ topic: 'shutdown_topic', body: `in flight ${i}` }));
    const settled = Promise.allSettled(sends);
    await new Promise((r) => setTimeout(r, 20));
    expect(producer.diagnostics().inflight).toBe(4);
    await producer.shutdown();
    cluster.setLatency('broker-a', 'n0', 0);
    const outcomes = await settled;
    const ok = outcomes.filter((o) => o.status === 'fulfilled').length;
    const failed = outcomes.filter((o) => o.status === 'rejected').map((o) => (o as PromiseRejectedResult).reason as unknown);
    expect(ok).toBeGreaterThan(0);
    expect(failed.length).toBeGreaterThan(0);
    for (const e of failed) expect(e).toBeInstanceOf(RocketMQError);
    expect(failed.some((e) => e instanceof ClientStateError)).toBe(true);
    expect(producer.state).toBe('STOPPED');
    expect(clients.producers.get('producer_shutdown')?.has(producer.clientId) ?? false).toBe(false);
    await expect(producer.send({ topic: 'shutdown_topic', body: 'late' })).rejects.toBeInstanceOf(ClientStateError);

    // No socket or timer of ours remains (the mock's server side closes its end asynchronously).
    let after = resources();
    for (let i = 0; i < 100 && (after.TCPSocketWrap ?? 0) > (before.TCPSocketWrap ?? 0); i++) {
      await new Promise((r) => setTimeout(r, 10));
      after = resources();
    }
    expect(after.TCPSocketWrap ?? 0).toBeLessThanOrEqual(before.TCPSocketWrap ?? 0);
    expect(after.Timeout ?? 0).toBeLessThanOrEqual((before.Timeout ?? 0) + 1);
  });
});
