/**
 * Shared helpers of the consumer-* integration tests (real TCP against MockCluster).
 */
import { Producer } from '../../src/producer/index.js';
import type { PushConsumer } from '../../src/consumer/index.js';

/** Polls `fn` until truthy or the deadline passes (then throws naming `what`). */
export async function waitFor<T>(fn: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Starts a producer on the cluster. */
export async function startProducer(namesrvAddr: string, group = 'PG'): Promise<Producer> {
  const p = new Producer({ namesrvAddr, producerGroup: group, sendMsgTimeout: 10_000 });
  await p.start();
  return p;
}

/** Sends `n` messages with bodies `${prefix}${i}`; returns the bodies acknowledged. */
export async function sendMany(p: Producer, topic: string, n: number, prefix = 'm', extra: { tags?: (i: number) => string | undefined } = {}): Promise<string[]> {
  const acked: string[] = [];
  const window = 64;
  for (let i = 0; i < n; i += window) {
    await Promise.all(
      Array.from({ length: Math.min(window, n - i) }, async (_, j) => {
        const body = `${prefix}${i + j}`;
        await p.send({ topic, body, tags: extra.tags?.(i + j) });
        acked.push(body);
      }),
    );
  }
  return acked;
}

/** Shuts consumers down, ignoring ones already stopped. */
export async function shutdownAll(consumers: readonly (PushConsumer | { shutdown(): Promise<void> })[]): Promise<void> {
  await Promise.all(consumers.map((c) => c.shutdown()));
}
