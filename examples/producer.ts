/**
 * The Java quick-start Producer, in TypeScript: group producer_dw_test, topic topic_dw_test_by_order_01, 100 messages
 * with keys m600000…m600099 and body "Hello RocketMQ" + i; prints each SendResult; on an error it logs it and waits
 * one second before the next message, as the Java one does.
 *
 *   npx tsx examples/producer.ts                          # embedded mock cluster
 *   NAMESRV_ADDR=127.0.0.1:9876 npx tsx examples/producer.ts
 */
import { Producer } from '../src/producer/index.js';
import { exampleEnv, formatSendResult, keyOf, PRODUCER_GROUP, sleep, TOPIC } from './support.js';

const env = await exampleEnv({ topics: [TOPIC] });
const producer = new Producer({ namesrvAddr: env.namesrvAddr, producerGroup: PRODUCER_GROUP });
await producer.start();
let failed = 0;
for (let i = 0; i < 100; i++) {
  try {
    const result = await producer.send({ topic: TOPIC, tags: 'TagA', keys: keyOf(i), body: `Hello RocketMQ${i}` });
    console.log(formatSendResult(result));
  } catch (err) {
    failed++;
    console.error(err);
    await sleep(1000);
  }
}
await producer.shutdown();
await env.close();
console.log(`sent ${100 - failed}/100`);
process.exitCode = failed === 0 ? 0 : 1;
