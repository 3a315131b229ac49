/**
 * A push consumer (Java `DefaultMQPushConsumer` style) on topic_dw_test_by_order_01, group consumer_dw_test, from the
 * first offset. Against the embedded mock it first sends the producer example's 100 messages and stops once it has
 * seen all of them; against NAMESRV_ADDR it consumes for CONSUME_SECONDS (default 20) or until Ctrl-C.
 *
 *   npx tsx examples/consumer.ts
 *   NAMESRV_ADDR=127.0.0.1:9876 npx tsx examples/consumer.ts
 */
import { PushConsumer } from '../src/consumer/push-consumer.js';
import { Producer } from '../src/producer/index.js';
import { exampleEnv, keyOf, PRODUCER_GROUP, sleep, TOPIC } from './support.js';

const env = await exampleEnv({ topics: [TOPIC] });
const expected = new Set<string>();
if (env.cluster) {
  const producer = new Producer({ namesrvAddr: env.namesrvAddr, producerGroup: PRODUCER_GROUP });
  await producer.start();
  for (let i = 0; i < 100; i++) {
    await producer.send({ topic: TOPIC, tags: 'TagA', keys: keyOf(i), body: `Hello RocketMQ${i}` });
    expected.add(keyOf(i));
  }
  await producer.shutdown();
  console.log('sent 100 messages (m600000 … m600099)');
}

const seen = new Set<string>();
const consumer = new PushConsumer({ consumerGroup: 'consumer_dw_test', namesrvAddr: env.namesrvAddr, consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET' });
consumer.subscribe(TOPIC, '*');
consumer.registerMessageListener((msgs) => {
  for (const m of msgs) {
    // Delivery is at least once: a redelivered message (same msgId) is printed again but counted once.
    seen.add(m.keys[0] ?? m.msgId);
    console.log(`consumed msgId=${m.msgId} keys=${m.keys.join(' ')} tags=${m.tags ?? ''} queue=${m.queueId}@${m.queueOffset} body="${m.body.toString()}"`);
  }
  return 'CONSUME_SUCCESS';
});
await consumer.start();

const stop = new AbortController();
process.once('SIGINT', () => stop.abort());
const deadline = Date.now() + Number(process.env.CONSUME_SECONDS ?? 20) * 1000;
while (!stop.signal.aborted && Date.now() < deadline) {
  if (expected.size > 0 && [...expected].every((k) => seen.has(k))) break;
  await sleep(50);
}
await consumer.shutdown();
await env.close();
const missing = [...expected].filter((k) => !seen.has(k));
console.log(`consumed ${seen.size} distinct message(s)${expected.size > 0 ? `, missing ${missing.length}` : ''}`);
process.exitCode = missing.length === 0 ? 0 : 1;
