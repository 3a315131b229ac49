/**
 * Input checks and message preparation. Everything here runs before a byte goes on the wire, and every rejection is
 * a `ValidationError` naming the field (Java's `Validators.checkTopic/checkGroup/checkMessage`, plus the 0x01/0x02
 * separators Java does not check, which would silently corrupt the properties string).
 * @module
 */

import { ValidationError } from '../errors.js';
import { compressBody } from '../message/compression.js';
import { KEY_SEPARATOR, MessageConst, NAME_VALUE_SEPARATOR, PROPERTY_SEPARATOR } from '../message/constants.js';
import { createUniqId } from '../message/ids.js';
import { encodeProperties, setOwn, validatePropertyText } from '../message/properties.js';
import { GROUP_MAX_LENGTH, PROPERTIES_MAX_LENGTH, TOPIC_MAX_LENGTH, validateGroupName, validateTopicName } from '../message/limits.js';
import type { MessageInput, ProducerOptions } from './options.js';

export { GROUP_MAX_LENGTH, PROPERTIES_MAX_LENGTH, TOPIC_MAX_LENGTH };

/** The topic auto-creation template, which cannot be sent to. */
export const AUTO_CREATE_TOPIC = 'TBW102';

const SYSTEM_TOPIC_PREFIXES = ['rmq_sys_', 'RMQ_SYS_'];
const SYSTEM_TOPICS = new Set([AUTO_CREATE_TOPIC, 'SCHEDULE_TOPIC_XXXX', 'BenchmarkTest', 'OFFSET_MOVED_EVENT', 'SELF_TEST_TOPIC', 'TRANS_CHECK_MAX_TIME_TOPIC', 'RMQ_SYS_TRACE_TOPIC']);
/** Property names the producer manages itself; users may not set them (Java `MessageConst.STRING_HASH_SET`). */
const RESERVED = new Set<string>(Object.values(MessageConst).filter((v) => v !== MessageConst.TRANSIENT_PREFIX));

/**
 * Checks a topic name, and that it is not a system topic.
 * @param topic - the topic as the user gave it
 * @throws ValidationError
 */
export function validateTopic(topic: unknown): asserts topic is string {
  validateTopicName(topic);
  if (SYSTEM_TOPICS.has(topic) || SYSTEM_TOPIC_PREFIXES.some((p) => topic.startsWith(p))) {
    throw new ValidationError(`topic ${topic} is a system topic and cannot be sent to`, { context: { topic } });
  }
}

/**
 * Checks a group name.
 * @param group - the producer group
 * @throws ValidationError
 */
export function validateGroup(group: unknown): asserts group is string {
  validateGroupName(group, 'producerGroup');
  if (group === 'DEFAULT_PRODUCER') throw new ValidationError('producerGroup DEFAULT_PRODUCER is reserved, choose another name');
}

function positiveInt(name: string, v: number | undefined, min = 1): void {
  if (v === undefined) return;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > 0x7fffffff) {
    throw new ValidationError(`${name} must be an integer >= ${min}, got ${String(v)}`);
  }
}

/**
 * Checks the producer options (types and ranges).
 * @param o - options as given
 * @throws ValidationError
 */
export function validateProducerOptions(o: ProducerOptions): void {
  if (o === null || typeof o !== 'object') throw new ValidationError('producer options must be an object');
  validateGroup(o.producerGroup);
  positiveInt('sendMsgTimeout', o.sendMsgTimeout);
  positiveInt('retryTimesWhenSendFailed', o.retryTimesWhenSendFailed, 0);
  positiveInt('retryTimesWhenSendAsyncFailed', o.retryTimesWhenSendAsyncFailed, 0);
  positiveInt('compressMsgBodyOverHowmuch', o.compressMsgBodyOverHowmuch, 0);
  positiveInt('maxMessageSize', o.maxMessageSize);
  positiveInt('pollNameServerInterval', o.pollNameServerInterval, 10);
  positiveInt('heartbeatBrokerInterval', o.heartbeatBrokerInterval, 10);
  positiveInt('maxInflight', o.maxInflight);
  positiveInt('shutdownTimeoutMs', o.shutdownTimeoutMs, 0);
  positiveInt('fastRoutePollIntervalMs', o.fastRoutePollIntervalMs, 10);
  positiveInt('fastRoutePollWindowMs', o.fastRoutePollWindowMs, 0);
  positiveInt('defaultTopicQueueNums', o.defaultTopicQueueNums);
  positiveInt('mqClientApiTimeout', o.mqClientApiTimeout);
  if (o.autoBatch !== undefined && typeof o.autoBatch !== 'boolean') throw new ValidationError('autoBatch must be a boolean');
  positiveInt('batchMaxDelayMs', o.batchMaxDelayMs);
  if (o.batchMaxDelayMs !== undefined && o.batchMaxDelayMs > 30_000) throw new ValidationError(`batchMaxDelayMs must be at most 30000, got ${o.batchMaxDelayMs}`);
  positiveInt('batchMaxBytes', o.batchMaxBytes);
  if (o.batchMaxBytes !== undefined && o.batchMaxBytes > 2 * 1024 * 1024) throw new ValidationError(`batchMaxBytes must be at most 2 MiB, got ${o.batchMaxBytes}`);
  if (o.totalBatchMaxBytes !== undefined && (!Number.isSafeInteger(o.totalBatchMaxBytes) || o.totalBatchMaxBytes < 1)) {
    throw new ValidationError(`totalBatchMaxBytes must be a positive integer, got ${String(o.totalBatchMaxBytes)}`);
  }
  if (o.compressLevel !== undefined && (!Number.isInteger(o.compressLevel) || o.compressLevel < 0 || o.compressLevel > 9)) {
    throw new ValidationError(`compressLevel must be an integer 0..9, got ${String(o.compressLevel)}`);
  }
  if (o.instanceName !== undefined) validatePropertyText(o.instanceName, 'instanceName');
  if (o.namespace !== undefined && (typeof o.namespace !== 'string' || !/^[a-zA-Z0-9_-]+$/.test(o.namespace))) {
    throw new ValidationError(`namespace ${JSON.stringify(o.namespace)} must match [a-zA-Z0-9_-]+`);
  }
}

/**
 * `namespace%name`, as Java's `NamespaceUtil.wrapNamespace` (names already wrapped are kept).
 * @param namespace - namespace, if any
 * @param name - topic or group
 */
export function withNamespace(namespace: string | undefined, name: string): string {
  if (!namespace || name.startsWith(`${namespace}%`)) return name;
  return `${namespace}%${name}`;
}

/** A message checked and turned into what goes on the wire. */
export interface PreparedMessage {
  /** Topic on the wire (namespace applied). */
  topic: string;
  /** Body bytes (compressed when `sysFlag` says so). */
  body: Buffer;
  /** Uncompressed body size. */
  rawSize: number;
  /** sysFlag bits (compression). */
  sysFlag: number;
  /** Application flag. */
  flag: number;
  /** Properties, UNIQ_KEY included; the producer adds the trace context before encoding. */
  properties: Record<string, string>;
  /** `properties` encoded as prepared (before any trace context was added). */
  propertiesText: string;
  /** UNIQ_KEY. */
  msgId: string;
  /** Keys. */
  keys: string[];
  /** Tag. */
  tags?: string;
  /** Delay level. */
  delayTimeLevel?: number;
  /** Timer delivery time. */
  deliverTimeMs?: number;
}

/** Limits used by {@link prepareMessage}. */
export interface PrepareLimits {
  /** Largest body. */
  maxMessageSize: number;
  /** Compress bodies at least this big; `Infinity` disables (batches). */
  compressOver: number;
  /** zlib level. */
  compressLevel: number;
  /** Namespace. */
  namespace?: string;
}

/** 1 when a delay field is given (not undefined, not 0). */
const given = (v: number | undefined): number => (v !== undefined && v !== 0 ? 1 : 0);

/** The keys of a message without keys (shared: PreparedMessage.keys is never modified). */
const NO_KEYS: string[] = [];

function toBody(body: unknown): Buffer {
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  if (Buffer.isBuffer(body)) return body;
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  throw new ValidationError('body must be a Buffer, Uint8Array or string');
}

function normalizeKeys(keys: unknown): string[] {
  if (keys === undefined) return NO_KEYS;
  const list = typeof keys === 'string' ? [keys] : Array.isArray(keys) ? (keys as unknown[]) : undefined;
  if (!list) throw new ValidationError('keys must be a string or an array of strings');
  return list.map((k) => {
    if (typeof k !== 'string') throw new ValidationError('every key must be a string');
    validatePropertyText(k, 'key');
    if (k.includes(KEY_SEPARATOR)) throw new ValidationError(`key ${JSON.stringify(k)} must not contain a space (the key separator)`);
    return k;
  });
}

/**
 * Validates a message and builds its wire form: body bytes (compressed above the threshold), KEYS, TAGS, WAIT=true,
 * DELAY / TIMER_* and a fresh UNIQ_KEY.
 * @param input - the message as given
 * @param limits - size limit, compression, namespace
 * @throws ValidationError (or CompressionError if zlib fails)
 */
export function prepareMessage(input: MessageInput, limits: PrepareLimits): PreparedMessage {
  if (input === null || typeof input !== 'object') throw new ValidationError('a message must be an object');
  validateTopic(input.topic);
  const raw = toBody(input.body);
  if (raw.length === 0) throw new ValidationError('the message body is empty', { context: { topic: input.topic } });
  if (raw.length > limits.maxMessageSize) {
    throw new ValidationError(`the message body is ${raw.length} bytes, more than maxMessageSize ${limits.maxMessageSize}`, {
      context: { topic: input.topic },
    });
  }
  const flag = input.flag ?? 0;
  if (!Number.isInteger(flag) || flag < -0x80000000 || flag > 0x7fffffff) throw new ValidationError(`flag must be a 32-bit integer, got ${String(flag)}`);

  const properties: Record<string, string> = {};
  if (input.properties !== undefined) {
    if (input.properties === null || typeof input.properties !== 'object') throw new ValidationError('properties must be an object');
    for (const [name, value] of Object.entries(input.properties)) {
      validatePropertyText(name, 'property name');
      if (typeof value !== 'string') throw new ValidationError(`value of property ${JSON.stringify(name)} must be a string`);
      validatePropertyText(value, `value of property ${JSON.stringify(name)}`);
      if (RESERVED.has(name)) throw new ValidationError(`property ${name} is reserved for the client; use the message field instead`);
      setOwn(properties, name, value);
    }
  }
  const keys = normalizeKeys(input.keys);
  if (keys.length > 0) properties[MessageConst.KEYS] = keys.join(KEY_SEPARATOR);
  if (input.tags !== undefined) {
    if (typeof input.tags !== 'string') throw new ValidationError('tags must be a string');
    validatePropertyText(input.tags, 'tags');
    properties[MessageConst.TAGS] = input.tags;
  }
  // Counted without building arrays: this runs for every message.
  const delays = given(input.delayTimeLevel) + given(input.deliverTimeMs) + given(input.delaySeconds);
  if (delays > 1) throw new ValidationError('give at most one of delayTimeLevel, deliverTimeMs and delaySeconds');
  positiveIntField('delayTimeLevel', input.delayTimeLevel, 0);
  if (input.delayTimeLevel) properties[MessageConst.DELAY] = String(input.delayTimeLevel);
  if (input.deliverTimeMs !== undefined) {
    if (!Number.isSafeInteger(input.deliverTimeMs) || input.deliverTimeMs <= 0) {
      throw new ValidationError(`deliverTimeMs must be a positive integer (ms since the epoch), got ${String(input.deliverTimeMs)}`);
    }
    properties[MessageConst.TIMER_DELIVER_MS] = String(input.deliverTimeMs);
  }
  positiveIntField('delaySeconds', input.delaySeconds, 1);
  if (input.delaySeconds) properties[MessageConst.TIMER_DELAY_SEC] = String(input.delaySeconds);
  properties[MessageConst.WAIT] = 'true';
  const msgId = createUniqId();
  properties[MessageConst.UNIQ_KEY] = msgId;
  const propertiesText = checkPropertiesLength(properties);

  let body = raw;
  let sysFlag = 0;
  if (raw.length >= limits.compressOver) {
    const c = compressBody(raw, limits.compressLevel);
    // Java keeps the original when compression does not help; so do we (the flag then stays clear).
    if (c.body.length < raw.length) {
      body = c.body;
      sysFlag |= c.sysFlagBits;
    }
  }
  const out: PreparedMessage = {
    topic: withNamespace(limits.namespace, input.topic),
    body,
    rawSize: raw.length,
    sysFlag,
    flag,
    properties,
    propertiesText,
    msgId,
    keys,
  };
  if (input.tags !== undefined) out.tags = input.tags;
  if (input.delayTimeLevel) out.delayTimeLevel = input.delayTimeLevel;
  if (input.deliverTimeMs !== undefined) out.deliverTimeMs = input.deliverTimeMs;
  else if (input.delaySeconds) out.deliverTimeMs = Date.now() + input.delaySeconds * 1000;
  return out;
}

function positiveIntField(name: string, v: number | undefined, min: number): void {
  if (v === undefined) return;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > 0x7fffffff) {
    throw new ValidationError(`${name} must be an integer >= ${min}, got ${String(v)}`);
  }
}

/**
 * Rejects properties whose encoding would not fit the stored layout's int16 length.
 * @param properties - the properties
 * @throws ValidationError
 */
export function checkPropertiesLength(properties: Readonly<Record<string, string>>): string {
  const text = encodeProperties(properties);
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > PROPERTIES_MAX_LENGTH) {
    throw new ValidationError(`the encoded properties are ${bytes} bytes, more than ${PROPERTIES_MAX_LENGTH}`);
  }
  return text;
}

/** The separators, re-exported for tests and callers that pre-check their data. */
export const SEPARATORS = Object.freeze([NAME_VALUE_SEPARATOR, PROPERTY_SEPARATOR]);
