/**
 * The store's `topic-queueId` keys (topicQueueTable), one string kept per queue: a fresh template string per put
 * had to be flattened and hashed on every table lookup.
 * @module
 */

/** Topics remembered before the cache starts over (a test may create thousands). */
const MAX_TOPICS = 4096;
/** Queue ids cached per topic; larger ones (legal but unusual) get a fresh string. */
const MAX_QUEUE_ID = 1024;

/**
 * Interned `topic-queueId` strings.
 * @internal
 */
export class QueueKeys {
  private readonly byTopic = new Map<string, string[]>();

  /**
   * The key of one queue.
   * @param topic - topic name
   * @param queueId - queue id (a non-negative integer)
   */
  get(topic: string, queueId: number): string {
    let keys = this.byTopic.get(topic);
    if (keys === undefined) {
      if (this.byTopic.size >= MAX_TOPICS) this.byTopic.clear();
      keys = [];
      this.byTopic.set(topic, keys);
    }
    return queueId < MAX_QUEUE_ID ? (keys[queueId] ??= `${topic}-${queueId}`) : `${topic}-${queueId}`;
  }
}
