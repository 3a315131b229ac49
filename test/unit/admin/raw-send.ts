/**
 * Test helper: one SEND_MESSAGE_V2 straight to a broker address over a real connection, with no producer in between,
 * so admin tests do not depend on the producer's routing. Not a test file itself.
 */
import { BrokerPool } from '../../../src/client/broker-pool.js';
import { createUniqId } from '../../../src/message/ids.js';
import { encodeProperties } from '../../../src/message/properties.js';
import { decodeSendMessageResponse, encodeSendMessageRequest, type SendMessageResult } from '../../../src/protocol/send-message.js';

/** What one raw send needs. */
export interface RawMessage {
  topic: string;
  queueId?: number;
  keys?: string;
  tags?: string;
  body: string;
}

/** A raw send's result, with the UNIQ_KEY we stamped. */
export interface RawSendResult extends SendMessageResult {
  msgId: string;
}

/** Sends one message to `addr` and returns the broker's answer. */
export async function rawSend(pool: BrokerPool, addr: string, m: RawMessage): Promise<RawSendResult> {
  const msgId = createUniqId();
  const props: Record<string, string> = { UNIQ_KEY: msgId, WAIT: 'true' };
  if (m.keys !== undefined) props.KEYS = m.keys;
  if (m.tags !== undefined) props.TAGS = m.tags;
  const cmd = encodeSendMessageRequest(
    {
      producerGroup: 'admin_test_pg',
      topic: m.topic,
      defaultTopic: 'TBW102',
      defaultTopicQueueNums: 4,
      queueId: m.queueId ?? 0,
      sysFlag: 0,
      bornTimestamp: Date.now(),
      flag: 0,
      properties: encodeProperties(props),
    },
    Buffer.from(m.body),
    { form: 'v2' },
  );
  const res = await pool.invoke(addr, cmd, { timeoutMs: 5000 });
  return { ...decodeSendMessageResponse(res, { brokerAddr: addr }), msgId };
}
