/**
 * Batch sends (SEND_BATCH_MESSAGE): Java's `DefaultMQProducer.batch` rules — one topic, no delay, no retry topic,
 * never compressed — and the batch body encoding. Every inner message gets its own UNIQ_KEY; the result's msgId
 * joins them with ','.
 *
 * The batch request itself carries NO UNIQ_KEY (Java's `DefaultMQProducer.batch` sets one; we deliberately do not).
 * A broker on the plain CommitLog (4.9.x, 5.x up to 5.3.3, MessageExtEncoder#encode(MessageExtBatch)) appends the
 * request's properties to every inner message's properties, and decoders keep the last value of a repeated name, so
 * a batch UNIQ_KEY would replace each message's own id in the store: queries by unique key, consumers' msgId and the
 * UNIQ_KEY index would all show the batch id instead of the ids in SendResult.msgId. DLedger brokers do not append
 * (DLedgerCommitLog's serializer), and upstream stopped appending after 5.3.3 (apache/rocketmq#9416).
 * @module
 */

import { ValidationError } from '../errors.js';
import { encodeBatchBody } from '../message/batch.js';
import { MessageConst } from '../message/constants.js';
import type { MessageInput } from './options.js';
import { checkPropertiesLength, prepareMessage, type PrepareLimits, type PreparedMessage } from './validate.js';

/** A batch checked and encoded. */
export interface PreparedBatch {
  /** Topic on the wire. */
  topic: string;
  /** The inner messages. */
  items: PreparedMessage[];
  /** The encoded batch body (inner properties included, so trace context must be added before {@link encodeBatch}). */
  body?: Buffer;
  /** Properties of the batch request itself: WAIT only (no UNIQ_KEY, see the module comment). */
  properties: Record<string, string>;
  /** UNIQ_KEYs joined by ','. */
  msgId: string;
}

/**
 * Validates a batch. Throws before anything is encoded when a rule is broken.
 * @param inputs - the messages
 * @param limits - size and namespace (compression is never applied to batches)
 * @throws ValidationError
 */
export function prepareBatch(inputs: readonly MessageInput[], limits: PrepareLimits): PreparedBatch {
  if (!Array.isArray(inputs) || inputs.length === 0) throw new ValidationError('a batch needs at least one message');
  const items = inputs.map((m) => prepareMessage(m, { ...limits, compressOver: Infinity }));
  const topic = items[0].topic;
  for (const it of items) {
    if (it.topic !== topic) throw new ValidationError(`every message of a batch must have the same topic (${topic} vs ${it.topic})`);
    if (it.delayTimeLevel !== undefined || it.deliverTimeMs !== undefined) {
      throw new ValidationError('delayed or timer messages cannot be sent in a batch');
    }
  }
  if (topic.startsWith('%RETRY%')) throw new ValidationError('retry topics cannot be sent to in a batch');
  const properties: Record<string, string> = { [MessageConst.WAIT]: 'true' };
  return { topic, items, properties, msgId: items.map((i) => i.msgId).join(',') };
}

/**
 * Encodes the batch body and checks its size.
 * @param batch - the prepared batch (inner properties final)
 * @param maxMessageSize - limit of the whole encoded batch
 * @throws ValidationError
 */
export function encodeBatch(batch: PreparedBatch, maxMessageSize: number): Buffer {
  for (const it of batch.items) checkPropertiesLength(it.properties);
  const body = encodeBatchBody(batch.items.map((it) => ({ body: it.body, flag: it.flag, properties: it.properties })));
  if (body.length > maxMessageSize) {
    throw new ValidationError(`the encoded batch is ${body.length} bytes, more than maxMessageSize ${maxMessageSize}`, {
      context: { topic: batch.topic },
    });
  }
  batch.body = body;
  return body;
}
