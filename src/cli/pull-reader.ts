/**
 * A minimal read-only pull loop over PULL_MESSAGE for `rmq consumeMessage` (mqadmin's command uses a pull consumer
 * the same way): no heartbeat, no rebalance, no offset commits — the subscription travels in each request
 * (SUBSCRIPTION flag) and nothing is held by the broker (no SUSPEND), so an empty queue answers at once.
 * @module
 */

import { replicaOrder } from '../admin/select.js';
import type { BrokerPool } from '../client/broker-pool.js';
import { toRocketMQError, type RocketMQError } from '../errors.js';
import { decodeStoredMessages } from '../message/stored.js';
import type { MessageExt } from '../message/types.js';
import { decodePullMessageResponse, encodePullMessageRequest, PullSysFlag, type PullMessageResult } from '../protocol/pull-message.js';
import type { BrokerData } from '../protocol/route.js';

/** One queue to read. */
export interface PullTarget {
  /** Topic. */
  topic: string;
  /** The group's route entry. */
  broker: BrokerData;
  /** Queue id. */
  queueId: number;
}

/** Options of {@link pullBatch}. */
export interface PullBatchOptions {
  /** Consumer group named in the request. */
  group: string;
  /** Tag expression. */
  subExpression: string;
  /** Most messages. */
  maxMsgNums: number;
  /** Budget per request, ms. */
  timeoutMs: number;
}

/** One batch and where to continue. */
export interface PullBatch {
  /** Messages (empty when there is nothing new). */
  messages: MessageExt[];
  /** Offset of the next pull. */
  nextOffset: number;
  /** The broker's answer status. */
  status: PullMessageResult['status'];
}

/**
 * Pulls once from `offset`, asking the master first and the replicas after it (a replica answers when slave reads
 * are on, and tells us to go to the master otherwise).
 * @param pool - broker connections
 * @param target - the queue
 * @param offset - first offset wanted
 * @param options - group, filter, batch size, budget
 */
export async function pullBatch(pool: BrokerPool, target: PullTarget, offset: number, options: PullBatchOptions): Promise<PullBatch> {
  let lastErr: RocketMQError | undefined;
  for (const r of replicaOrder(target.broker)) {
    try {
      const cmd = encodePullMessageRequest({
        consumerGroup: options.group,
        topic: target.topic,
        queueId: target.queueId,
        queueOffset: offset,
        maxMsgNums: options.maxMsgNums,
        sysFlag: PullSysFlag.SUBSCRIPTION,
        commitOffset: 0,
        suspendTimeoutMillis: 0,
        subscription: options.subExpression,
        subVersion: Date.now(),
        expressionType: 'TAG',
      });
      const res = decodePullMessageResponse(await pool.invoke(r.addr, cmd, { timeoutMs: options.timeoutMs }), {
        brokerAddr: r.addr,
        brokerName: target.broker.brokerName,
        topic: target.topic,
      });
      // A replica without slave reads answers "retry" with no messages: try the next address instead.
      if (res.status === 'NO_MATCHED_MSG' && r.brokerId !== 0 && res.body.length === 0) continue;
      const messages = res.status === 'FOUND' ? decodeStoredMessages(res.body) : [];
      return { messages, nextOffset: res.nextBeginOffset, status: res.status };
    } catch (err) {
      lastErr = toRocketMQError(err, { brokerAddr: r.addr });
    }
  }
  throw lastErr ?? toRocketMQError(new Error(`no replica of ${target.broker.brokerName} answered`));
}
