/**
 * The `MessageQueue` triple as it appears in JSON bodies (lock/unlock, reset offset, running info).
 * fastjson writes its fields sorted: `{"brokerName":…,"queueId":…,"topic":…}`.
 * @module
 */

import { reqInt, reqString, type JsonObject } from './body-fields.js';

/** One queue: topic, broker group, queue id. */
export interface MessageQueueRef {
  /** Topic. */
  topic: string;
  /** Broker group name. */
  brokerName: string;
  /** Queue id. */
  queueId: number;
}

/**
 * Reads a MessageQueue object from a parsed body.
 * @param o - the JSON object
 * @param what - body name for errors
 * @inlineType JsonObject
 */
export function parseMessageQueue(o: JsonObject, what: string): MessageQueueRef {
  return {
    topic: reqString(o, 'topic', what),
    brokerName: reqString(o, 'brokerName', what),
    queueId: reqInt(o, 'queueId', what),
  };
}

/**
 * Plain copy with exactly the members Java writes (in fastjson's sorted order).
 * @param mq - the queue
 */
export function messageQueueJson(mq: MessageQueueRef): MessageQueueRef {
  return { brokerName: mq.brokerName, queueId: mq.queueId, topic: mq.topic };
}
