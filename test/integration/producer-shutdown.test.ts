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
      shutdownTimeoutMs: 1500,
      heartbeatBrokerInterval: 50,
    });
    await producer.start();
    await producer.send({ topic: 'shutdown_topic', body: 'warm up' });
    // Let a heartbeat register the group on the broker.
    await until(() => producer.diagnostics().heartbeats > 0, 'a heartbeat');
    const clients = cluster.broker('broker-a', 'n0').clients;
    expect(clients.producers.get('producer_shutdown')?.has(producer.clientId)).toBe(true);
    expect(producer.clientId).toMatch(/^[0-9.]+@\d+#\d+$/);

    // The broker holds every request (SIGSTOP-like) so the outcome depends on events, not on timer races:
    // four sends are in flight and sixteen queued when shutdown starts; the broker then answers until the first send
    // completes inside the grace period and freezes again, so the rest are still running or queued when the grace
    // period ends and the producer aborts them. The first abort thaws the broker so UNREGISTER_CLIENT gets through.
    cluster.pause('broker-a', 'n0');
    let completedDuringShutdown = 0;
    let thawed = false;
    const sends = Array.from({ length: 20 }, (_, i) =>
      producer.send({ topic: 'shutdown_topic', body: `in flight ${i}` }).then(
        (r) => {
          if (producer.state === 'STOPPING') completedDuringShutdown++;
          if (!thawed) cluster.pause('broker-a', 'n0');
          return r;
        },
        (e: unknown) => {
          if (!thawed) {
            thawed = true;
            cluster.resume('broker-a', 'n0');
          }
          throw e;
        },
      ),
    );
    const settled = Promise.allSettled(sends);
    await until(() => producer.diagnostics().inflight === 4, 'four sends in flight');
    expect(producer.diagnostics().pending).toBe(16);
    const stopped = producer.shutdown();
    expect(producer.state).toBe('STOPPING');
    cluster.resume('broker-a', 'n0');
    await stopped;
    const outcomes = await settled;
    const ok = outcomes.filter((o) => o.status === 'fulfilled').length;
    const failed = outcomes.filter((o) => o.status === 'rejected').map((o) => (o as PromiseRejectedResult).reason as unknown);
    expect(ok).toBeGreaterThan(0);
    expect(completedDuringShutdown).toBe(ok);
    expect(failed.length).toBeGreaterThan(0);
    for (const e of failed) expect(e).toBeInstanceOf(RocketMQError);
    expect(failed.some((e) => e instanceof ClientStateError)).toBe(true);
    expect(producer.state).toBe('STOPPED');
    expect(clients.producers.get('producer_shutdown')?.has(producer.clientId) ?? false).toBe(false);
    await expect(producer.send({ topic: 'shutdown_topic', body: 'late' })).rejects.toBeInstanceOf(ClientStateError);

    // No socket or timer of ours remains (the mock's server side closes its end asynchronously).
    await until(() => (resources().TCPSocketWrap ?? 0) <= (before.TCPSocketWrap ?? 0), 'our sockets to close').catch(() => undefined);
    const after = resources();
    expect(after.TCPSocketWrap ?? 0).toBeLessThanOrEqual(before.TCPSocketWrap ?? 0);
    expect(after.Timeout ?? 0).toBeLessThanOrEqual((before.Timeout ?? 0) + 1);
  });
});

/** Polls `cond` every 10 ms; rejects after a deadline generous enough for a loaded machine. */
async function until(cond: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
