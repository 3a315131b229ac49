/**
 * Pure helpers of the admin client: which replica of a group to ask, the client-side filter that drops index hash
 * collisions, and argument checks. Kept apart from the socket code so they can be tested on plain data.
 * @module
 */

import { ValidationError } from '../errors.js';
import { validateTopicName } from '../message/limits.js';
import type { MessageExt } from '../message/types.js';
import type { BrokerData } from '../protocol/route.js';

/** A replica address with its broker id. */
export interface ReplicaAddr {
  /** Broker id (0 = master / leader). */
  brokerId: number;
  /** `host:port`. */
  addr: string;
}

/**
 * Addresses of a group in the order a read should try them: the master (brokerId 0) first, then the replicas by id.
 * Mid-election a DLedger group has no brokerId 0 in the route; the replicas still hold every committed message and
 * answer QUERY_MESSAGE / VIEW_MESSAGE_BY_ID, so they are worth asking rather than reporting the group as empty.
 * @param bd - the group's route entry
 */
export function replicaOrder(bd: BrokerData): ReplicaAddr[] {
  const out: ReplicaAddr[] = [];
  for (const [id, addr] of Object.entries(bd.brokerAddrs)) {
    const brokerId = Number(id);
    if (!Number.isInteger(brokerId) || typeof addr !== 'string' || addr === '') continue;
    out.push({ brokerId, addr });
  }
  return out.sort((a, b) => a.brokerId - b.brokerId);
}

/** Outcome of {@link filterQueryMatches}. */
export interface FilteredMatches {
  /** Records whose topic and key really match. */
  kept: MessageExt[];
  /** How many were dropped. */
  dropped: number;
}

/**
 * Keeps the records that really match. The broker's index is a hash table keyed by `hash(topic#key)` that compares
 * hashes only, so a query for `Aa` also returns messages keyed `BB` (same Java hashCode), and a key of another topic
 * may collide too. Java's `MQAdminImpl#queryMessage` filters the same way.
 * @param messages - decoded records from one broker
 * @param topic - the topic asked for
 * @param key - the key (or UNIQ_KEY) asked for
 * @param uniqueKey - match on the message id (UNIQ_KEY) instead of KEYS
 */
export function filterQueryMatches(messages: readonly MessageExt[], topic: string, key: string, uniqueKey: boolean): FilteredMatches {
  const kept: MessageExt[] = [];
  for (const m of messages) {
    const ok = m.topic === topic && (uniqueKey ? m.msgId === key : m.keys.includes(key));
    if (ok) kept.push(m);
  }
  return { kept, dropped: messages.length - kept.length };
}

/**
 * Orders merged results by store time, then by broker and commit-log offset so equal times stay stable, and drops
 * a record seen twice (same group and commit-log offset).
 * @param groups - per-group results, each tagged with its broker group
 */
export function mergeByStoreTime(groups: readonly { brokerName: string; messages: readonly MessageExt[] }[]): MessageExt[] {
  const seen = new Set<string>();
  const all: { brokerName: string; m: MessageExt }[] = [];
  for (const g of groups) {
    for (const m of g.messages) {
      const id = `${g.brokerName}@${m.commitLogOffset}`;
      if (seen.has(id)) continue;
      seen.add(id);
      all.push({ brokerName: g.brokerName, m });
    }
  }
  all.sort(
    (a, b) =>
      a.m.storeTimestamp - b.m.storeTimestamp ||
      (a.brokerName < b.brokerName ? -1 : a.brokerName > b.brokerName ? 1 : 0) ||
      a.m.commitLogOffset - b.m.commitLogOffset,
  );
  return all.map((x) => x.m);
}

/**
 * Rejects topic names brokers would refuse, before anything goes on the wire (the shared rule of
 * `src/message/limits.ts`; system topics may be queried, so they are not refused here).
 * @param topic - the name
 * @throws ValidationError
 */
export function checkTopic(topic: unknown): asserts topic is string {
  validateTopicName(topic);
}

/**
 * Checks a non-empty string argument.
 * @param value - the value
 * @param what - its name for the message
 * @throws ValidationError
 */
export function checkNonEmpty(value: unknown, what: string): asserts value is string {
  if (typeof value !== 'string' || value === '') throw new ValidationError(`${what} must be a non-empty string`);
}

/**
 * Checks an integer argument within bounds.
 * @param value - the value
 * @param what - its name for the message
 * @param min - smallest allowed
 * @param max - largest allowed
 * @throws ValidationError
 */
export function checkInt(value: unknown, what: string, min: number, max: number = Number.MAX_SAFE_INTEGER): asserts value is number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new ValidationError(`${what} must be an integer between ${min} and ${max}, got ${String(value)}`);
  }
}
