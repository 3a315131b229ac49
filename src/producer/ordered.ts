/**
 * Queue selection for ordered sends: Java's `SelectMessageQueueByHash` (`abs(arg.hashCode()) % size`) with Java's
 * `String.hashCode`, so a TypeScript producer and a Java producer put the same sharding key on the same queue.
 *
 * One deliberate difference: the queue list an ordered send chooses from includes the writable queues of groups that
 * have *no master right now*. Java hashes over the shrunken list during an election, which moves a key to another
 * queue and breaks its order; we keep the key on its queue and wait (within the send budget) for the new master.
 * @module
 */

import { ValidationError } from '../errors.js';
import { MAX_QUEUES_PER_BROKER, type MessageQueue, type TopicPublishInfo } from '../client/topic-publish-info.js';
import { javaStringHashCode } from '../protocol/heartbeat.js';
import { PermName } from '../protocol/route.js';
import type { MessageInput, SendOptions } from './options.js';

/**
 * The queue for a sharding key: `abs(hashCode(key)) % queues.length` (Java's `Math.abs` keeps MIN_VALUE negative;
 * `% size` then yields a negative index, which Java would throw on — we fold it into range instead).
 * @param queues - the topic's writable queues, in publish order
 * @param key - the sharding key
 * @throws ValidationError when there are no queues
 */
export function selectQueueByHash(queues: readonly MessageQueue[], key: string): MessageQueue {
  if (queues.length === 0) throw new ValidationError('the topic has no writable queue to select from');
  const h = javaStringHashCode(key);
  const idx = Math.abs(h % queues.length);
  return queues[idx];
}

/**
 * Checks a selector's choice: it must be one of the offered queues (by topic, broker and id).
 * @param queues - the queues offered
 * @param chosen - what the selector returned
 * @throws ValidationError otherwise
 */
export function checkSelected(queues: readonly MessageQueue[], chosen: unknown): MessageQueue {
  if (chosen === null || typeof chosen !== 'object') throw new ValidationError('the queue selector returned no queue');
  const q = chosen as MessageQueue;
  const found = queues.find((x) => x.brokerName === q.brokerName && x.queueId === q.queueId && x.topic === q.topic);
  if (!found) {
    throw new ValidationError(`the queue selector returned ${q.brokerName}/${String(q.queueId)}, which is not a writable queue of the topic`);
  }
  return found;
}

/**
 * The queue list ordered sends choose from: the route's writable queues (groups sorted by name, queues
 * 0..writeQueueNums-1), whether or not the group has a master at the moment; `orderTopicConf` topics use their
 * configured list.
 * @param info - the topic's publish info
 */
export function orderedQueues(info: TopicPublishInfo): MessageQueue[] {
  if (info.orderTopic) return [...info.messageQueues];
  const out: MessageQueue[] = [];
  const sorted = [...info.route.queueDatas].sort((a, b) => (a.brokerName < b.brokerName ? -1 : a.brokerName > b.brokerName ? 1 : 0));
  for (const qd of sorted) {
    if ((qd.perm & PermName.WRITE) === 0) continue;
    const n = Math.min(MAX_QUEUES_PER_BROKER, Number.isFinite(qd.writeQueueNums) ? Math.max(0, Math.floor(qd.writeQueueNums)) : 0);
    for (let i = 0; i < n; i++) out.push({ topic: info.topic, brokerName: qd.brokerName, queueId: i });
  }
  return out;
}

/**
 * The queue picker of a send's options, or undefined for a plain (round-robin) send. The picker returns undefined
 * when the wanted queue is not writable right now (the send loop then waits for a fresh route).
 * @param options - the send options
 * @param msg - the message (passed to a selector)
 */
export function pickerFor(options: SendOptions, msg: MessageInput): ((queues: readonly MessageQueue[]) => MessageQueue | undefined) | undefined {
  const { queue, selector, shardingKey } = options;
  if (queue !== undefined) {
    return (queues) => queues.find((q) => q.brokerName === queue.brokerName && q.queueId === queue.queueId);
  }
  if (selector !== undefined) {
    return (queues) => (queues.length === 0 ? undefined : checkSelected(queues, selector(queues, msg, options.arg)));
  }
  if (shardingKey !== undefined) return (queues) => (queues.length === 0 ? undefined : selectQueueByHash(queues, shardingKey));
  return undefined;
}
