/**
 * Send processors (Java `SendMessageProcessor`, `EndTransactionProcessor`): SEND_MESSAGE / SEND_MESSAGE_V2 /
 * SEND_BATCH_MESSAGE, CONSUMER_SEND_MSG_BACK and END_TRANSACTION. Topic checks and auto-creation, random queue for
 * queueId < 0, UNIQ_KEY when missing, retry topics past their max → DLQ, delay/timer parking in SCHEDULE_TOPIC_XXXX,
 * transaction half messages parked in RMQ_SYS_TRANS_HALF_TOPIC.
 * @module
 */
import { createResponse, type RemotingCommand } from '../../remoting/command.js';
import type { RemotingConnection } from '../../remoting/connection.js';
import { decodeBatchBodyRaw } from '../../message/batch.js';
import { PropsText } from '../store/record.js';
import { BatchPropertiesSuffix } from './batch-props.js';
import { createUniqId } from '../../message/ids.js';
import { decodeProperties } from '../../message/properties.js';
import { decodeStoredMessage } from '../../message/stored.js';
import { PermName } from '../../protocol/route.js';
import { ResponseCode } from '../../protocol/response-codes.js';
import { decodeSendMessageRequest, encodeSendMessageResponse } from '../../protocol/send-message.js';
import { optNum, optStr, reqNum, reqStr } from '../headers.js';
import type { PutMessageInput } from '../store/types.js';
import { scaled } from '../timing.js';
import type { MockBroker, PutOutcome } from './broker.js';
import { TIMER_OUT_MS, TIMER_QUEUE_ID } from './schedule.js';
import {
  AUTO_CREATE_TOPIC,
  checkTopicName,
  dlqTopic,
  ensureTopic,
  isSystemTopic,
  PERM_RW,
  retryTopic,
  SCHEDULE_TOPIC,
  TRANS_HALF_TOPIC,
} from './topics.js';

const FAQ = '\nSee http://rocketmq.apache.org/docs/faq/ for further details.';
const TRAN_TYPE_MASK = 0xc;
const TRAN_PREPARED = 0x4;
const TRAN_COMMIT = 0x8;
const TRAN_ROLLBACK = 0xc;

const fail = (req: RemotingCommand, code: number, remark: string): RemotingCommand => createResponse(req, code, remark);

/** Resolves the topic config for a send, auto-creating it when allowed; returns an error response otherwise. */
function topicForSend(broker: MockBroker, req: RemotingCommand, topic: string, defaultQueueNums: number) {
  const config = broker.store.config;
  const bad = checkTopicName(topic);
  if (bad !== undefined) return fail(req, ResponseCode.INVALID_PARAMETER, bad);
  if (isSystemTopic(topic)) return fail(req, ResponseCode.NO_PERMISSION, `the topic[${topic}] is conflict with system topic.`);
  let tc = config.topics.get(topic);
  if (!tc && topic.startsWith('%RETRY%')) tc = ensureTopic(config, topic, 1, PERM_RW).topic;
  if (!tc && (broker.options.autoCreateTopicEnable ?? false) && config.topics.has(AUTO_CREATE_TOPIC)) {
    const n = Math.max(1, Math.min(defaultQueueNums, config.topics.get(AUTO_CREATE_TOPIC)?.writeQueueNums ?? 4));
    tc = ensureTopic(config, topic, n, PERM_RW).topic;
    void broker.registerAll();
  }
  if (!tc) return fail(req, ResponseCode.TOPIC_NOT_EXIST, `topic[${topic}] not exist, apply first please!${FAQ}`);
  if ((tc.perm & PermName.WRITE) === 0) return fail(req, ResponseCode.NO_PERMISSION, `the topic[${topic}] sending message is forbidden`);
  return tc;
}

/** Rewrites a message for delayed or timed delivery, or a half message for transactions. */
export function parkIfNeeded(broker: MockBroker, input: PutMessageInput, props: Record<string, string>, now: number): void {
  const tran = (input.sysFlag ?? 0) & TRAN_TYPE_MASK;
  if (tran === TRAN_PREPARED) {
    props.REAL_TOPIC = input.topic;
    props.REAL_QID = String(input.queueId);
    input.topic = TRANS_HALF_TOPIC;
    input.queueId = 0;
    // The half topic is a normal queue in 5.x (the half record itself is consumable by the check service).
    input.sysFlag = (input.sysFlag ?? 0) & ~TRAN_TYPE_MASK;
    return;
  }
  if (tran !== 0 && tran !== TRAN_COMMIT) return;
  // The common message has none of the four: skip the number parsing below.
  if (props.DELAY === undefined && props.TIMER_DELIVER_MS === undefined && props.TIMER_DELAY_SEC === undefined && props.TIMER_DELAY_MS === undefined) return;
  const level = Number(props.DELAY ?? 0);
  let timerDue: number | undefined;
  const deliverMs = Number(props.TIMER_DELIVER_MS ?? NaN);
  const delaySec = Number(props.TIMER_DELAY_SEC ?? NaN);
  const delayMs = Number(props.TIMER_DELAY_MS ?? NaN);
  if (Number.isFinite(deliverMs)) timerDue = now + scaled(Math.max(0, deliverMs - now), broker.timeScale);
  else if (Number.isFinite(delaySec)) timerDue = now + scaled(Math.max(0, delaySec * 1000), broker.timeScale);
  else if (Number.isFinite(delayMs)) timerDue = now + scaled(Math.max(0, delayMs), broker.timeScale);
  if (timerDue !== undefined) {
    props.REAL_TOPIC = input.topic;
    props.REAL_QID = String(input.queueId);
    props[TIMER_OUT_MS] = String(timerDue);
    delete props.TIMER_DELIVER_MS;
    delete props.TIMER_DELAY_SEC;
    delete props.TIMER_DELAY_MS;
    input.topic = SCHEDULE_TOPIC;
    input.queueId = TIMER_QUEUE_ID;
  } else if (Number.isInteger(level) && level > 0) {
    const l = Math.min(level, 18);
    props.DELAY = String(l);
    props.REAL_TOPIC = input.topic;
    props.REAL_QID = String(input.queueId);
    input.topic = SCHEDULE_TOPIC;
    input.queueId = l - 1;
  }
}

/** SEND_MESSAGE (10), SEND_MESSAGE_V2 (310), SEND_BATCH_MESSAGE (320). */
export async function processSend(broker: MockBroker, req: RemotingCommand, conn: RemotingConnection): Promise<RemotingCommand> {
  const { header, body } = decodeSendMessageRequest(req);
  const tc = topicForSend(broker, req, header.topic, header.defaultTopicQueueNums);
  if ('code' in tc) return tc;
  let queueId = header.queueId;
  if (queueId < 0) queueId = Math.floor(Math.random() * tc.writeQueueNums);
  if (queueId >= Math.max(tc.writeQueueNums, tc.readQueueNums)) {
    return fail(req, ResponseCode.SYSTEM_ERROR, `request queueId[${queueId}] is illegal, ${JSON.stringify(tc)} Producer: ${conn.addr}`);
  }
  const now = Date.now();
  const items = header.batch === true ? decodeBatchBodyRaw(body) : [{ body, flag: header.flag, propertiesText: header.properties ?? '' }];
  if (items.length === 0) return fail(req, ResponseCode.MESSAGE_ILLEGAL, 'the batch is empty');
  // Real 4.9.x / 5.x (≤ 5.3.3) brokers on the plain CommitLog append the batch request's own properties to every inner
  // message (MessageExtEncoder#encode(MessageExtBatch)); readers keep the last value of a repeated name, so a batch
  // UNIQ_KEY replaces each message's own. DLedger's serializer does not append (apache/rocketmq#9416).
  const batchText = header.batch === true && broker.dledger === undefined ? (header.properties ?? '') : '';
  const suffix = header.batch === true ? new BatchPropertiesSuffix(batchText, broker.clusterName) : undefined;
  const msgIds: string[] = [];
  let firstOffset = -1;
  let transactionId: string | undefined;
  let status: 'SEND_OK' | 'FLUSH_DISK_TIMEOUT' | 'FLUSH_SLAVE_TIMEOUT' | 'SLAVE_NOT_AVAILABLE' = 'SEND_OK';
  for (const item of items) {
    // A batch message keeps the text it came with (the broker copies the bytes); a single message, or a batch
    // message to be parked, is split into a map that parkIfNeeded rewrites.
    const text = suffix?.textFor(item.propertiesText);
    let props: Record<string, string> | undefined;
    if (text === undefined) {
      props = decodeProperties(item.propertiesText);
      if (batchText !== '') Object.assign(props, decodeProperties(batchText));
      if (props.UNIQ_KEY === undefined) props.UNIQ_KEY = createUniqId();
      props.CLUSTER = broker.clusterName;
    }
    let topic = header.topic;
    let qid = queueId;
    const reconsumeTimes = header.reconsumeTimes ?? 0;
    // handleRetryAndDLQ: a retry-topic message past its max goes straight to the DLQ.
    if (topic.startsWith('%RETRY%')) {
      const max = header.maxReconsumeTimes ?? broker.options.maxReconsumeTimes ?? 16;
      if (reconsumeTimes >= max) {
        topic = dlqTopic(topic.slice('%RETRY%'.length));
        qid = 0;
        ensureTopic(broker.store.config, topic, 1, PERM_RW);
        void broker.registerAll();
      }
    }
    const input: PutMessageInput = {
      topic,
      queueId: qid,
      body: item.body,
      flag: item.flag,
      properties: props ?? text,
      sysFlag: header.batch === true ? 0 : header.sysFlag,
      bornTimestamp: header.bornTimestamp,
      bornHost: conn.addr,
      reconsumeTimes,
    };
    if (props !== undefined) parkIfNeeded(broker, input, props, now);
    // Stored at once when nothing needs waiting for: no promise and microtask per message of a batch.
    const out = broker.putMessageNow(input) ?? (await broker.putMessage(input));
    if (!out.ok) return fail(req, out.code, out.remark);
    if (firstOffset < 0) firstOffset = out.result.queueOffset;
    msgIds.push(out.result.offsetMsgId);
    if (out.status !== 'SEND_OK') status = out.status;
    if (((header.sysFlag ?? 0) & TRAN_TYPE_MASK) === TRAN_PREPARED) transactionId = props?.UNIQ_KEY ?? new PropsText(text ?? '').get('UNIQ_KEY');
  }
  return encodeSendMessageResponse(req, {
    status,
    msgId: msgIds.join(','),
    queueId,
    queueOffset: firstOffset,
    transactionId,
  });
}

/** CONSUMER_SEND_MSG_BACK (36): re-store a consumed message in the group's retry topic, or its DLQ. */
export async function processSendBack(broker: MockBroker, req: RemotingCommand): Promise<RemotingCommand> {
  const group = reqStr(req, 'group');
  const offset = reqNum(req, 'offset');
  let delayLevel = optNum(req, 'delayLevel') ?? 0;
  const maxTimes = optNum(req, 'maxReconsumeTimes') ?? broker.options.maxReconsumeTimes ?? 16;
  if (broker.role === 'SLAVE') return fail(req, ResponseCode.SLAVE_NOT_AVAILABLE, 'broker is slave, can not send message back');
  const config = broker.store.config;
  const bytes = broker.store.viewByOffset(offset);
  if (!bytes) return fail(req, ResponseCode.SYSTEM_ERROR, `look message by offset failed, ${offset}`);
  const msg = decodeStoredMessage(bytes, 0, { decompress: false }).message;
  const props: Record<string, string> = { ...msg.properties };
  if (props.RETRY_TOPIC === undefined) props.RETRY_TOPIC = msg.topic;
  props.WAIT = 'false';
  let topic = retryTopic(group);
  let created = ensureTopic(config, topic, 1, PERM_RW).created;
  const originMsgId = props.ORIGIN_MESSAGE_ID ?? optStr(req, 'originMsgId') ?? msg.msgId;
  if (msg.reconsumeTimes >= maxTimes || delayLevel < 0) {
    topic = dlqTopic(group);
    created = ensureTopic(config, topic, 1, PERM_RW).created || created;
    props.DLQ_ORIGIN_TOPIC = optStr(req, 'originTopic') ?? props.RETRY_TOPIC;
    props.DLQ_ORIGIN_MESSAGE_ID = originMsgId;
    delete props.DELAY;
  } else {
    if (delayLevel === 0) delayLevel = 3 + msg.reconsumeTimes;
    props.DELAY = String(delayLevel);
  }
  props.ORIGIN_MESSAGE_ID = originMsgId;
  if (created) void broker.registerAll();
  const input: PutMessageInput = {
    topic,
    queueId: 0,
    body: msg.body,
    flag: msg.flag,
    properties: props,
    sysFlag: msg.sysFlag,
    bornTimestamp: msg.bornTimestamp,
    bornHost: msg.bornHost,
    reconsumeTimes: msg.reconsumeTimes + 1,
  };
  parkIfNeeded(broker, input, props, Date.now());
  const out: PutOutcome = await broker.putMessage(input);
  if (!out.ok) return fail(req, out.code, out.remark);
  return createResponse(req, ResponseCode.SUCCESS);
}

/** END_TRANSACTION (37): commit re-stores the half message under its real topic; rollback drops it. */
export async function processEndTransaction(broker: MockBroker, req: RemotingCommand): Promise<RemotingCommand | undefined> {
  if (broker.role === 'SLAVE') return fail(req, ResponseCode.SLAVE_NOT_AVAILABLE, 'Message store is slave mode, so end transaction is forbidden.');
  const commitOrRollback = reqNum(req, 'commitOrRollback');
  if (commitOrRollback !== TRAN_COMMIT) return commitOrRollback === TRAN_ROLLBACK || commitOrRollback === 0 ? undefined : fail(req, ResponseCode.SYSTEM_ERROR, 'bad commitOrRollback');
  const bytes = broker.store.viewByOffset(reqNum(req, 'commitLogOffset'));
  if (!bytes) return fail(req, ResponseCode.SYSTEM_ERROR, 'Find prepared transaction message failed');
  const msg = decodeStoredMessage(bytes, 0, { decompress: false }).message;
  const props = { ...msg.properties };
  const topic = props.REAL_TOPIC;
  const queueId = Number(props.REAL_QID);
  if (topic === undefined || !Number.isInteger(queueId)) return fail(req, ResponseCode.SYSTEM_ERROR, 'not a half message');
  delete props.TRAN_MSG;
  const out = await broker.putMessage({
    topic,
    queueId,
    body: msg.body,
    flag: msg.flag,
    properties: props,
    sysFlag: (msg.sysFlag & ~TRAN_TYPE_MASK) | TRAN_COMMIT,
    bornTimestamp: msg.bornTimestamp,
    bornHost: msg.bornHost,
    reconsumeTimes: msg.reconsumeTimes,
    preparedTransactionOffset: msg.commitLogOffset,
  });
  if (!out.ok) return fail(req, out.code, out.remark);
  return undefined;
}
