/**
 * Subscriptions as the broker sees them (Java `SubscriptionData`, `FilterAPI.buildSubscriptionData`) and the tag
 * filter of the consume queue (`ExpressionMessageFilter#isMatchedByConsumeQueue`): a message matches when the
 * expression is `*`/empty or its tagsCode is in the subscription's code set.
 * @module
 */
import { javaStringHashCode } from '../store/record.js';

/** One subscription of a consumer group. */
export interface MockSubscription {
  /** Topic. */
  topic: string;
  /** The expression, e.g. `*` or `TagA || TagB`. */
  subString: string;
  /** Expression type (`TAG`; `SQL92` is not supported by the mock and matches everything). */
  expressionType: string;
  /** Parsed tags. */
  tagsSet: string[];
  /** Java hash codes of the tags. */
  codeSet: number[];
  /** Version (ms timestamp when the consumer built it). */
  subVersion: number;
}

/**
 * Builds a subscription from an expression.
 * @param topic - topic
 * @param subString - expression (`*`, empty, or tags separated by `||`)
 * @param subVersion - version
 * @param expressionType - `TAG` by default
 */
export function buildSubscription(topic: string, subString: string, subVersion: number, expressionType = 'TAG'): MockSubscription {
  const expr = subString.trim();
  const all = expr === '' || expr === '*';
  const tagsSet = all
    ? []
    : expr
        .split('||')
        .map((t) => t.trim())
        .filter((t) => t.length > 0);
  return {
    topic,
    subString: all ? '*' : expr,
    expressionType,
    tagsSet,
    codeSet: tagsSet.map(javaStringHashCode),
    subVersion,
  };
}

/** Whether a consume-queue entry with `tagsCode` passes the subscription. */
export function matchesTagsCode(sub: MockSubscription | undefined, tagsCode: number): boolean {
  if (!sub || sub.subString === '*' || sub.expressionType !== 'TAG') return true;
  return sub.codeSet.includes(tagsCode | 0);
}
