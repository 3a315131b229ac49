/**
 * Queue allocation strategies (Java `AllocateMessageQueueStrategy`). A strategy is a pure function: every member of
 * the group runs it on the same sorted inputs and gets a disjoint share, so no coordination is needed.
 * @module
 */

import { ValidationError } from '../errors.js';
import type { MessageQueue } from './types.js';

/**
 * Picks this client's queues.
 * @param consumerGroup - the group
 * @param currentCid - this client's id
 * @param mqAll - every readable queue of the topic, sorted by {@link compareMessageQueues}
 * @param cidAll - every client id of the group, sorted
 */
export type AllocateMessageQueueStrategy = (
  consumerGroup: string,
  currentCid: string,
  mqAll: readonly MessageQueue[],
  cidAll: readonly string[],
) => MessageQueue[];

/**
 * Orders queues by topic, broker name, queue id (Java `MessageQueue#compareTo`).
 * @param a - first queue
 * @param b - second queue
 */
export function compareMessageQueues(a: MessageQueue, b: MessageQueue): number {
  if (a.topic !== b.topic) return a.topic < b.topic ? -1 : 1;
  if (a.brokerName !== b.brokerName) return a.brokerName < b.brokerName ? -1 : 1;
  return a.queueId - b.queueId;
}

/**
 * Java `AllocateMessageQueueAveragely`: contiguous blocks, the first `|mq| % |cid|` clients get one extra queue;
 * with more clients than queues the surplus clients get none. A client missing from `cidAll` gets nothing.
 */
export const allocateMessageQueueAveragely: AllocateMessageQueueStrategy = (_group, currentCid, mqAll, cidAll) => {
  if (currentCid === '') throw new ValidationError('currentCid is empty');
  const index = cidAll.indexOf(currentCid);
  if (index < 0 || mqAll.length === 0) return [];
  const mod = mqAll.length % cidAll.length;
  const extra = mod > 0 && index < mod;
  const average = mqAll.length <= cidAll.length ? 1 : Math.floor(mqAll.length / cidAll.length) + (extra ? 1 : 0);
  const start = extra ? index * average : index * average + mod;
  const range = Math.min(average, mqAll.length - start);
  const out: MessageQueue[] = [];
  for (let i = 0; i < range; i++) out.push(mqAll[(start + i) % mqAll.length]);
  return out;
};

/**
 * Java `AllocateMessageQueueAveragelyByCircle`: queue i goes to client i mod |cid|.
 */
export const allocateMessageQueueByCircle: AllocateMessageQueueStrategy = (_group, currentCid, mqAll, cidAll) => {
  const index = cidAll.indexOf(currentCid);
  if (index < 0) return [];
  return mqAll.filter((_, i) => i % cidAll.length === index);
};
