/** The first nameserver address is dead (connection refused): sends still succeed through the second one. */
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MockCluster } from '../../src/mock/index.js';
import { Producer } from '../../src/producer/index.js';

/** A loopback port nobody listens on (bound, then released). */
async function deadPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

describe('dead first nameserver', () => {
  let cluster: MockCluster;
  const producers: Producer[] = [];

  beforeAll(async () => {
    cluster = await MockCluster.start({ groups: [{ brokerName: 'broker-a', mode: 'single' }], timeScale: 0.05 });
    await cluster.createTopic('dead_namesrv_topic');
  });
  afterAll(async () => {
    await Promise.all(producers.map((p) => p.shutdown()));
    await cluster?.stop();
  });

  it('skips the dead address, whatever the start index', async () => {
    const dead = `127.0.0.1:${await deadPort()}`;
    // Several producers: the start index is random, so some begin with the dead address.
    for (let i = 0; i < 6; i++) {
      const p = new Producer({ namesrvAddr: `${dead};${cluster.namesrvAddr}`, producerGroup: `dead_ns_${i}` });
      producers.push(p);
      await p.start();
      const r = await p.send({ topic: 'dead_namesrv_topic', body: `via second nameserver ${i}` });
      expect(r.status).toBe('SEND_OK');
    }
  });
});
