/**
 * The requests whose real answers become golden fixtures (see real-capture.ts), built with our own encoders the
 * way the Java client builds them, plus the Markdown that documents each fixture.
 * @module
 */
import path from 'node:path';
import { createUniqId } from '../../src/message/ids.js';
import { encodeProperties } from '../../src/message/properties.js';
import { PullSysFlag, encodePullMessageRequest } from '../../src/protocol/pull-message.js';
import { encodeQueryMessageRequest } from '../../src/protocol/query-message.js';
import { encodeRouteInfoRequest } from '../../src/protocol/route-info.js';
import { encodeSendMessageRequest } from '../../src/protocol/send-message.js';
import type { RemotingCommand } from '../../src/remoting/command.js';
import { captureExchange, saveFixture, type Exchange } from './real-capture.js';

/** GET_ROUTEINFO_BY_TOPIC with a chosen request version (< 401 asks for the legacy JSON form). */
export function routeRequest(topic: string, version: number): RemotingCommand {
  const cmd = encodeRouteInfoRequest({ topic });
  cmd.version = version;
  return cmd;
}

/** SEND_MESSAGE_V2 as DefaultMQProducer sends it (KEYS, UNIQ_KEY, WAIT), to an explicit queue. */
export function sendRequest(topic: string, key: string, queueId = 0, body = `Hello RocketMQ ${key}`): RemotingCommand {
  return encodeSendMessageRequest(
    {
      producerGroup: 'producer_dw_test', topic, defaultTopic: 'TBW102', defaultTopicQueueNums: 4, queueId, sysFlag: 0,
      bornTimestamp: Date.now(), flag: 0, properties: encodeProperties({ KEYS: key, UNIQ_KEY: createUniqId(), WAIT: 'true' }),
      reconsumeTimes: 0, unitMode: false, batch: false,
    },
    Buffer.from(body),
  );
}

/** PULL_MESSAGE with its subscription (`*`), no suspension, as a push consumer's first pull. */
export function pullRequest(topic: string, group: string, queueId: number, queueOffset: number, maxMsgNums = 4): RemotingCommand {
  return encodePullMessageRequest({
    consumerGroup: group, topic, queueId, queueOffset, maxMsgNums, sysFlag: PullSysFlag.SUBSCRIPTION, commitOffset: 0,
    suspendTimeoutMillis: 0, subscription: '*', subVersion: Date.now(), expressionType: 'TAG',
  });
}

/** QUERY_MESSAGE by key with Java's open end of the range (Long.MAX_VALUE). */
export function queryRequest(topic: string, key: string): RemotingCommand {
  const cmd = encodeQueryMessageRequest({ topic, key, maxNum: 32, beginTimestamp: 0, endTimestamp: 0 });
  if (cmd.extFields) cmd.extFields.endTimestamp = '9223372036854775807';
  return cmd;
}

/** One fixture to capture. */
export interface FixtureSpec {
  /** Fixture name without `real-`. */
  name: string;
  /** RocketMQ version of the server. */
  version: string;
  /** `ip:port` of the server. */
  target: string;
  /** What the server is (role, group). */
  server: string;
  /** The request. */
  request: RemotingCommand;
  /** One sentence: what the request was. */
  what: string;
  /** What the answer shows (added to the .md). */
  notes?: string[];
}

/**
 * Captures one spec through the proxy (capture file under `dir`) and saves the fixture when asked to.
 * @param spec - what to send where
 * @param dir - folder for the capture file
 */
export async function captureFixture(spec: FixtureSpec, dir: string): Promise<Exchange> {
  const ex = await captureExchange(spec.target, spec.request, path.join(dir, `${spec.name}.jsonl`));
  const r = ex.responseCmd;
  const md = [
    `# real-${spec.name}.hex`,
    '',
    `A response frame captured from a **real Apache RocketMQ ${spec.version}** ${spec.server}, started from the Maven`,
    'Central jars by `test/interop/harness.ts` on 127.0.0.1 (JDK 17), and recorded byte for byte by',
    '`test/interop/capture-proxy.ts` sitting between our remoting connection and the server',
    '(`RMQ_WRITE_FIXTURES=1 npm run test:interop`).',
    '',
    `Request: ${spec.what} (code ${spec.request.code}, version ${spec.request.version}, language ${spec.request.language}).`,
    `Answer: code ${r.code}${r.remark ? `, remark "${r.remark}"` : ''}, ${r.body ? `${r.body.length}-byte body` : 'no body'}, ` +
      `answered after ${ex.elapsedMs} ms.`,
    ...(spec.notes ?? []).map((n) => `\n${n}`),
    '',
    `Checked by \`test/unit/protocol/real-fixtures.test.ts\`. Captured ${new Date().toISOString().slice(0, 10)}.`,
  ].join('\n');
  saveFixture(spec.name, ex.response, md);
  return ex;
}
