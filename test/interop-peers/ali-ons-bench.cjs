'use strict';
/*
 * ali-ons@3.12.0 send throughput, run in a child process by test/bench/mock.ts (aliOnsSendThroughput): sends
 * RMQ_COUNT messages of RMQ_SIZE bytes to RMQ_TOPIC with RMQ_CONCURRENCY sends in flight, after RMQ_WARMUP warm-up
 * sends. Prints one JSON line {event:'done', count, ms, failed} or {event:'fatal', message}; exits 0 only on 'done'.
 */
const { Producer, Message } = require('ali-ons');

const env = process.env;
const count = Number(env.RMQ_COUNT || 20000);
const size = Number(env.RMQ_SIZE || 1024);
const concurrency = Number(env.RMQ_CONCURRENCY || 64);
const warmup = Number(env.RMQ_WARMUP || 500);
const topic = env.RMQ_TOPIC || 'BenchTopic';

function out(obj) {
  process.stdout.write(JSON.stringify(obj) + '\n');
}

(async () => {
  const quiet = { info() {}, warn() {}, debug() {}, error() {} };
  const producer = new Producer({ nameSrv: env.RMQ_NAMESRV, httpclient: {}, logger: quiet, producerGroup: 'ali_ons_bench', sendMsgTimeout: 10000 });
  producer.on('error', () => {});
  await producer.ready();
  const body = Buffer.alloc(size, 0x62);
  let failed = 0;
  async function run(total) {
    let next = 0;
    async function worker() {
      while (next < total) {
        next++;
        try {
          const r = await producer.send(new Message(topic, 'TagA', body));
          if (r.sendStatus !== 'SEND_OK') failed++;
        } catch (err) {
          failed++;
        }
      }
    }
    await Promise.all(Array.from({ length: concurrency }, worker));
  }
  await run(warmup);
  failed = 0;
  const start = process.hrtime.bigint();
  await run(count);
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  out({ event: 'done', count, ms, failed });
  process.exit(0);
})().catch((err) => {
  out({ event: 'fatal', message: String((err && err.message) || err) });
  process.exit(1);
});
