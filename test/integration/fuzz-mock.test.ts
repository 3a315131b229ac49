/**
 * Server-side fuzzing of one MockCluster (nameserver + broker) at npm-test volume: slow-loris connections, hostile
 * frames each followed by a canary request, and a request flood, while a well-behaved client routes, sends and
 * pulls throughout. The high-volume run (100,000 frames, 1,000 junk connections) is `npm run chaos -- fuzz`.
 */
import { describe, expect, it } from 'vitest';
import { runFuzz } from '../chaos/fuzz.js';
import { classify, hostileFrame } from '../chaos/hostile.js';
import { seededRandom } from '../chaos/faults.js';

describe('fuzzing the mock nameserver and broker', () => {
  it('the generator covers every reaction class', () => {
    const random = seededRandom(1);
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) seen.add(classify(hostileFrame(random).bytes));
    for (const cls of ['bad', 'request', 'partial']) expect(seen).toContain(cls);
  });

  it('survives hostile frames, junk connections and a flood while serving a well-behaved client', async () => {
    const lines: string[] = [];
    const r = await runFuzz({ frames: 3000, junkConnections: 300, floodRequests: 1000, seed: 20_251_125, workers: 16, log: (l) => lines.push(l) });
    expect(r.failures, lines.join('\n')).toEqual([]);
    expect(r.reactions.hang).toBe(0);
    expect(r.reactions.answered).toBeGreaterThan(300); // decodable requests were answered and the connection lived on
    expect(r.reactions.closed).toBeGreaterThan(800); // undecodable ones closed it
    expect(r.junkConnections).toBe(300);
    expect(r.floodAnswered).toBe(1000);
    expect(r.good.failures).toBe(0);
    expect(r.good.rounds).toBeGreaterThan(20);
    expect(r.heapGrowthMiB).toBeLessThan(256);
  }, 60_000);
});
