'use strict';
/*
 * ali-ons@3.12.0 as an interop peer of the mock cluster, run in a child process by
 * test/integration/ali-ons-roundtrip.test.ts (ali-ons keeps timers alive after close(), so it must not share the
 * test runner's process). It sends COUNT keyed messages with ali-ons's Producer, then consumes them with its push
 * Consumer (clustering mode, offsets kept on the broker) and closes it, which commits the offsets.
 *
 * Input (environment): RMQ_NAMESRV (host:port, required), RMQ_TOPIC, RMQ_GROUP, RMQ_COUNT, RMQ_TIMEOUT_MS.
 * Output: one JSON object per line on stdout: {event:'sent',…} per message, {event:'received',…} per delivery,
 * then {event:'done',…} or {event:'fatal',…}. The exit code is 0 only after 'done'.
 */
const { Producer, Consumer, Message } = require('ali-ons');

const namesrv = process.env.RMQ_NAMESRV;
const topic = process.env.RMQ_TOPIC || 'AliOnsTopic';
const group = process.env.RMQ_GROUP || 'ali_ons_group';
const count = Number(process.env.RMQ_COUNT || 100);
const timeoutMs = Number(process.env.RMQ_TIMEOUT_MS || 60000);

function out(obj) {
  process.stdout.write(JSON.stringify(obj) + '\n');
}

function fatal(stage, err) {
  out({ event: 'fatal', stage, message: String((err && err.message) || err), code: err && err.code });
  process.exit(1);
}

if (!namesrv) fatal('config', new Error('RMQ_NAMESRV is not set'));
const timer = setTimeout(() => fatal('timeout', new Error(`no result within ${timeoutMs} ms`)), timeoutMs);

// ali-ons asserts an httpclient exists even though nameSrv makes it unused (peers-and-style.md §A1); a logger
// that stays silent keeps stdout pure JSON lines.
const quiet = { info() {}, warn() {}, debug() {}, error() {} };
const common = { nameSrv: namesrv, httpclient: {}, logger: quiet };

async function produce() {
  const producer = new Producer({ ...common, producerGroup: `${group}_producer`, sendMsgTimeout: 5000 });
  producer.on('error', (err) => out({ event: 'warn', stage: 'producer', message: String(err.message) }));
  await producer.ready();
  for (let i = 0; i < count; i++) {
    const key = `k${String(i).padStart(4, '0')}`;
    const msg = new Message(topic, 'TagA', Buffer.from(`hello ali-ons ${i}`));
    msg.keys = [key];
    const r = await producer.send(msg);
    if (r.sendStatus !== 'SEND_OK') throw new Error(`send ${key}: ${r.sendStatus}`);
    const mq = r.messageQueue;
    out({ event: 'sent', key, msgId: r.msgId, brokerName: mq.brokerName, queueId: Number(mq.queueId), queueOffset: Number(r.queueOffset) });
  }
  await producer.close();
}

async function consume() {
  const seen = new Set();
  let allSeen;
  const done = new Promise((resolve) => (allSeen = resolve));
  const consumer = new Consumer({
    ...common,
    consumerGroup: group,
    consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
    // Short long-poll so close() does not wait on a held pull for long.
    brokerSuspendMaxTimeMillis: 2000,
    consumerTimeoutMillisWhenSuspend: 5000,
    persistent: false,
  });
  consumer.on('error', (err) => out({ event: 'warn', stage: 'consumer', message: String(err.message) }));
  consumer.subscribe(topic, '*', async (msg) => {
    // ali-ons sets keys from an array but reads them back as the raw KEYS property (space-joined).
    const key = String(msg.keys || '').split(' ')[0];
    out({ event: 'received', key, msgId: msg.msgId, queueId: msg.queueId, queueOffset: msg.queueOffset, body: msg.body.toString() });
    seen.add(key);
    // ali-ons marks a message consumed (process queue + offset store) in the microtasks after this handler
    // returns; setImmediate runs after them, so close() then commits the offset past the last message too.
    if (seen.size >= count) setImmediate(allSeen);
  });
  await consumer.ready();
  await done;
  // close() persists the consume offsets to the broker (UPDATE_CONSUMER_OFFSET) and unregisters the client.
  await consumer.close();
  return seen.size;
}

(async () => {
  let stage = 'produce';
  try {
    await produce();
    stage = 'consume';
    const received = await consume();
    clearTimeout(timer);
    out({ event: 'done', sent: count, received });
    process.exit(0);
  } catch (err) {
    fatal(stage, err);
  }
})();
