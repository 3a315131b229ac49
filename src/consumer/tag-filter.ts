/**
 * Client-side tag filtering. Brokers filter a consume queue by tag *hash code* only, so two tags with the same
 * `String.hashCode` both get through; the client re-checks the tag text (Java `PullAPIWrapper#processPullResult`).
 * @module
 */

import { buildSubscriptionData, type SubscriptionData } from '../protocol/heartbeat.js';
import { ValidationError } from '../errors.js';
import type { MessageExt } from './types.js';

/**
 * Parses and validates a subscription expression (`*`, `TagA`, `TagA || TagB`).
 * @param topic - topic
 * @param expression - the expression
 * @param subVersion - ms timestamp of the subscription @default Date.now()
 * @throws ValidationError for an empty topic or a non-string expression
 */
export function parseSubscription(topic: string, expression: string, subVersion = Date.now()): SubscriptionData {
  if (typeof topic !== 'string' || topic.trim() === '') throw new ValidationError('topic must be a non-empty string');
  if (typeof expression !== 'string') throw new ValidationError('subscription expression must be a string');
  return buildSubscriptionData(topic, expression, subVersion, 'TAG');
}

/**
 * Whether a message passes a subscription: `*` matches everything, otherwise the message's tag must be listed.
 * @param sub - the subscription
 * @param msg - the message
 */
export function matchesSubscription(sub: SubscriptionData, msg: Pick<MessageExt, 'tags'>): boolean {
  if (sub.tagsSet.length === 0 || sub.subString === '*') return true;
  return msg.tags !== undefined && sub.tagsSet.includes(msg.tags);
}

/**
 * The messages that pass a subscription.
 * @param sub - the subscription
 * @param msgs - the pulled messages
 */
export function filterByTags(sub: SubscriptionData, msgs: MessageExt[]): MessageExt[] {
  if (sub.tagsSet.length === 0 || sub.subString === '*') return msgs;
  return msgs.filter((m) => matchesSubscription(sub, m));
}
