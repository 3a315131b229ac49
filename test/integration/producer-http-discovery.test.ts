/** No namesrvAddr and no NAMESRV_ADDR: the producer asks a local HTTP address server (undici) and sends. */
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MockCluster } from '../../src/mock/index.js';
import { Producer } from '../../src/producer/index.js';
import { NoNameServerError } from '../../src/errors.js';

describe('HTTP nameserver discovery', () => {
  let cluster: MockCluster;
  let http: Server;
  let port = 0;
  const hits: string[] = [];
  const savedEnv = process.env.NAMESRV_ADDR;

  beforeAll(async () => {
    delete process.env.NAMESRV_ADDR;
    cluster = await MockCluster.start({ groups: [{ brokerName: 'broker-a', mode: 'single' }], timeScale: 0.05 });
    await cluster.createTopic('http_discovery_topic');
    http = createServer((req, res) => {
      hits.push(req.url ?? '');
      if (req.url === '/rocketmq/nsaddr') {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end(`${cluster.namesrvAddr}\n`);
      } else {
        res.writeHead(404);
        res.end();
      }
    });
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    port = (http.address() as { port: number }).port;
  });
  afterAll(async () => {
    if (savedEnv !== undefined) process.env.NAMESRV_ADDR = savedEnv;
    http.closeAllConnections();
    await new Promise<void>((r) => http.close(() => r()));
    await cluster?.stop();
  });

  it('resolves the nameserver from the address server and sends', async () => {
    const p = new Producer({ producerGroup: 'http_discovery_group', namesrvDomain: `127.0.0.1:${port}` });
    try {
      await p.start();
      const r = await p.send({ topic: 'http_discovery_topic', body: 'found through HTTP' });
      expect(r.status).toBe('SEND_OK');
      expect(hits).toContain('/rocketmq/nsaddr');
    } finally {
      await p.shutdown();
    }
  });

  it('fails start() with NoNameServerError when the address server has nothing', async () => {
    const p = new Producer({ producerGroup: 'http_discovery_group2', wsAddr: `http://127.0.0.1:${port}/rocketmq/missing` });
    await expect(p.start()).rejects.toBeInstanceOf(NoNameServerError);
    await p.shutdown();
  });
});
