/**
 * Finds the message with key m600000 in every broker group of topic_dw_test_by_order_01 (what `mqadmin
 * queryMsgByKey` does). Against the embedded mock it first sends the producer example's 100 messages.
 *
 *   npx tsx examples/query-by-key.ts
 *   NAMESRV_ADDR=127.0.0.1:9876 npx tsx examples/query-by-key.ts    # after examples/producer.ts
 */
import { Admin } from '../src/admin/index.js';
import { Producer } from '../src/producer/index.js';
import { exampleEnv, keyOf, PRODUCER_GROUP, TOPIC } from './support.js';

const key = process.argv[2] ?? keyOf(0);
const env = await exampleEnv({ topics: [TOPIC] });
if (env.cluster) {
  const producer = new Producer({ namesrvAddr: env.namesrvAddr, producerGroup: PRODUCER_GROUP });
  await producer.start();
  for (let i = 0; i < 100; i++) await producer.send({ topic: TOPIC, tags: 'TagA', keys: keyOf(i), body: `Hello RocketMQ${i}` });
  await producer.shutdown();
  console.log('sent 100 messages (m600000 … m600099)');
}
const admin = new Admin({ namesrvAddr: env.namesrvAddr });
await admin.start();
const found = await admin.queryMessageByKey(TOPIC, key);
for (const m of found) {
  console.log(`found key=${m.keys.join(' ')} msgId=${m.msgId} offsetMsgId=${m.offsetMsgId} queue=${m.queueId}@${m.queueOffset} storeHost=${m.storeHost} stored=${new Date(m.storeTimestamp).toISOString()} body="${m.body.toString()}"`);
}
if (found.length > 0) {
  // The offsetMsgId leads straight to the broker that stored it.
  const again = await admin.viewMessage(found[0].offsetMsgId, { topic: TOPIC });
  console.log(`viewMessage(${again.offsetMsgId}) → "${again.body.toString()}"`);
} else {
  console.log(`no message with key ${key}`);
}
await admin.shutdown();
await env.close();
process.exitCode = found.length > 0 ? 0 : 1;
