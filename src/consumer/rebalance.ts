/**
 * Rebalance inputs (Java `RebalanceImpl#rebalanceByTopic`): which queues of a topic this client should own now.
 * @module
 */

import type { MessageModel } from '../protocol/heartbeat.js';
import type { AllocateMessageQueueStrategy } from './allocate.js';
import { compareMessageQueues } from './allocate.js';
import type { ConsumerClient } from './consumer-client.js';
import { ValidationError } from '../errors.js';
import type { MessageQueue } from './types.js';

/**
 * The queues of `topic` this client should own, or undefined when the route or the member list is unavailable (the
 * caller then keeps what it has).
 * @param client - wire calls
 * @param group - consumer group
 * @param topic - topic
 * @param model - clustering or broadcasting
 * @param strategy - allocation strategy
 */
export async function allocationFor(
  client: ConsumerClient,
  group: string,
  topic: string,
  model: MessageModel,
  strategy: AllocateMessageQueueStrategy,
): Promise<MessageQueue[] | undefined> {
  let mqAll: MessageQueue[];
  try {
    mqAll = (await client.subscribeQueues(topic)).sort(compareMessageQueues);
  } catch {
    return undefined;
  }
  if (model === 'BROADCASTING') return mqAll;
  let cidAll: string[];
  try {
    cidAll = await client.consumerIds(topic, group);
  } catch {
    return undefined;
  }
  if (cidAll.length === 0) return undefined;
  const mine = strategy(group, client.clientId, mqAll, cidAll);
  if (!Array.isArray(mine)) throw new ValidationError('allocateMessageQueueStrategy must return an array');
  // A strategy may only pick from mqAll; anything else is ignored.
  const valid = new Set(mqAll.map((q) => `${q.brokerName}@${q.queueId}`));
  return mine.filter((q) => q && q.topic === topic && valid.has(`${q.brokerName}@${q.queueId}`));
}

/**
 * Queues grouped by broker name (lock and unlock requests go per broker), in first-seen order.
 * @param mqs - queues
 */
export function groupByBroker(mqs: readonly MessageQueue[]): Map<string, MessageQueue[]> {
  const out = new Map<string, MessageQueue[]>();
  for (const q of mqs) {
    const list = out.get(q.brokerName);
    if (list) list.push(q);
    else out.set(q.brokerName, [q]);
  }
  return out;
}
