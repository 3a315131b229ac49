/**
 * Answers to broker-initiated requests for a push consumer (Java `ClientRemotingProcessor`):
 * NOTIFY_CONSUMER_IDS_CHANGED (40, rebalance at once), RESET_CONSUMER_CLIENT_OFFSET (220),
 * GET_CONSUMER_RUNNING_INFO (307) and CONSUME_MESSAGE_DIRECTLY (309). Requests for another group are left to the
 * next hook (another consumer sharing nothing with us answers them).
 * @module
 */

import { createResponse } from '../remoting/command.js';
import { decodeStoredMessages } from '../message/stored.js';
import {
  decodeConsumeMessageDirectlyRequest,
  encodeConsumeMessageDirectlyResponse,
  type ConsumeDirectlyResultCode,
} from '../protocol/consume-message-directly.js';
import { decodeConsumerRunningInfoRequest, encodeConsumerRunningInfoResponse } from '../protocol/consumer-running-info.js';
import { decodeNotifyConsumerIdsChangedRequest } from '../protocol/notify-consumer-ids-changed.js';
import { RequestCode } from '../protocol/request-codes.js';
import { decodeResetOffsetRequest, encodeResetOffsetResponse } from '../protocol/reset-offset.js';
import { ResponseCode } from '../protocol/response-codes.js';
import type { PushConsumer } from './push-consumer.js';

/**
 * Installs the hooks on the consumer's broker pool.
 * @param c - the consumer
 * @returns removers
 */
export function installPushHandlers(c: PushConsumer): (() => void)[] {
  const group = c.consumerGroup;
  const on = c.client.onBrokerRequest.bind(c.client);
  return [
    on(RequestCode.NOTIFY_CONSUMER_IDS_CHANGED, (req) => {
      try {
        if (decodeNotifyConsumerIdsChangedRequest(req).header.consumerGroup === group) void c.rebalanceNow();
      } catch {
        // A malformed notice changes nothing; the periodic rebalance still runs.
      }
      return undefined;
    }),
    on(RequestCode.GET_CONSUMER_RUNNING_INFO, (req) => {
      const { header } = decodeConsumerRunningInfoRequest(req);
      if (header.consumerGroup !== group) return undefined;
      const s = c.settings;
      const properties: Record<string, string> = {
        consumerGroup: group,
        messageModel: s.messageModel,
        consumeFromWhere: s.consumeFromWhere,
        consumeType: 'CONSUME_PASSIVELY',
        PROP_CONSUMEORDERLY: String(c.isOrderly),
        PROP_THREADPOOL_CORE_SIZE: String(s.consumeThreadMax),
        PROP_CONSUMER_START_TIMESTAMP: String(c.startTimestamp),
        PROP_CLIENT_VERSION: 'rocketmq-ts',
        PROP_NAMESERVER_ADDR: s.namesrvAddr ?? '',
        pullBatchSize: String(s.pullBatchSize),
        consumeMessageBatchMaxSize: String(s.consumeMessageBatchMaxSize),
        maxReconsumeTimes: String(s.maxReconsumeTimes),
        assignedQueues: String(c.assignedQueues().length),
        inFlightMessages: String(c.processQueues().reduce((n, pq) => n + pq.count, 0)),
      };
      return encodeConsumerRunningInfoResponse(req, { properties, subscriptionSet: c.subscriptions() });
    }),
    on(RequestCode.RESET_CONSUMER_CLIENT_OFFSET, async (req) => {
      const { header, body } = decodeResetOffsetRequest(req);
      if (header.group !== group) return undefined;
      await c.resetOffsets(body.filter((e) => e.mq.topic === header.topic));
      return encodeResetOffsetResponse(req);
    }),
    on(RequestCode.CONSUME_MESSAGE_DIRECTLY, async (req) => {
      const { header, body } = decodeConsumeMessageDirectlyRequest(req);
      if (header.consumerGroup !== group) return undefined;
      const t0 = Date.now();
      let consumeResult: ConsumeDirectlyResultCode;
      let remark: string | undefined;
      let msgs;
      try {
        msgs = decodeStoredMessages(body);
      } catch (err) {
        return createResponse(req, ResponseCode.SYSTEM_ERROR, `cannot decode the message: ${err instanceof Error ? err.message : String(err)}`);
      }
      if (msgs.length === 0) return createResponse(req, ResponseCode.SYSTEM_ERROR, 'no message in the request body');
      try {
        const r = await c.listener(msgs, {
          messageQueue: { topic: msgs[0].topic, brokerName: header.brokerName ?? '', queueId: msgs[0].queueId },
          orderly: c.isOrderly,
        });
        consumeResult = r === undefined || r === 'CONSUME_SUCCESS' || r === 'SUCCESS' ? 'CR_SUCCESS' : 'CR_LATER';
      } catch (err) {
        consumeResult = 'CR_THROW_EXCEPTION';
        remark = err instanceof Error ? err.message : String(err);
      }
      return encodeConsumeMessageDirectlyResponse(req, {
        order: c.isOrderly,
        autoCommit: true,
        consumeResult,
        remark,
        spentTimeMills: Date.now() - t0,
      });
    }),
  ];
}
