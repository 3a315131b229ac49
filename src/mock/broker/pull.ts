/**
 * PULL_MESSAGE (Java `PullMessageProcessor`): subscription checks, tag filtering on the consume queue, the
 * GetMessageStatus → response code mapping of protocol.md §3, slave-read rules, offset commit piggy-backed on the
 * pull, and long polling through {@link PullHoldService}.
 * @module
 */
import { createResponse, type RemotingCommand } from '../../remoting/command.js';
import { decodePullMessageRequest, encodePullMessageResponse, PullSysFlag, type PullStatus } from '../../protocol/pull-message.js';
import { ResponseCode } from '../../protocol/response-codes.js';
import { PermName } from '../../protocol/route.js';
import type { GetMessageStatus } from '../store/types.js';
import { scaled } from '../timing.js';
import type { MockBroker } from './broker.js';
import { buildSubscription, matchesTagsCode, type MockSubscription } from './subscription.js';

const SHORT_POLLING_MS = 1_000;

function mapStatus(status: GetMessageStatus, requestOffset: number): PullStatus {
  switch (status) {
    case 'FOUND':
      return 'FOUND';
    case 'NO_MATCHED_MESSAGE':
    case 'MESSAGE_WAS_REMOVING':
      return 'NO_MATCHED_MSG';
    case 'NO_MESSAGE_IN_QUEUE':
    case 'NO_MATCHED_LOGIC_QUEUE':
      return requestOffset !== 0 ? 'OFFSET_ILLEGAL' : 'NO_NEW_MSG';
    case 'OFFSET_FOUND_NULL':
    case 'OFFSET_OVERFLOW_ONE':
      return 'NO_NEW_MSG';
    default:
      return 'OFFSET_ILLEGAL';
  }
}

/** PULL_MESSAGE (11). */
export async function processPull(broker: MockBroker, req: RemotingCommand, allowSuspend = true): Promise<RemotingCommand | undefined> {
  const { header: h } = decodePullMessageRequest(req);
  const v5dledger = broker.dledger !== undefined && broker.brokerVersion === '5';
  const slaveRead = broker.options.slaveReadEnable ?? false;
  if (broker.role === 'SLAVE' && !slaveRead && v5dledger) {
    return createResponse(req, ResponseCode.SYSTEM_BUSY, '[REJECTREQUEST]system busy, start flow control for a while');
  }
  const config = broker.store.config;
  const tc = config.topics.get(h.topic);
  if (!tc) return createResponse(req, ResponseCode.TOPIC_NOT_EXIST, `topic[${h.topic}] not exist, apply first please!`);
  if ((tc.perm & PermName.READ) === 0) {
    return createResponse(req, ResponseCode.NO_PERMISSION, `the topic[${h.topic}] pulling message is forbidden`);
  }
  if (h.queueId < 0 || h.queueId >= tc.readQueueNums) {
    return createResponse(
      req,
      ResponseCode.SYSTEM_ERROR,
      `queueId[${h.queueId}] is illegal, topic:[${h.topic}] topicConfig.readQueueNums:[${tc.readQueueNums}] consumer:[${req.extFields?.consumerGroup ?? ''}]`,
    );
  }
  let sub: MockSubscription | undefined;
  if ((h.sysFlag & PullSysFlag.SUBSCRIPTION) !== 0) {
    sub = buildSubscription(h.topic, h.subscription ?? '*', h.subVersion, h.expressionType ?? 'TAG');
  } else {
    const info = broker.clients.consumers.get(h.consumerGroup);
    if (!info) return createResponse(req, ResponseCode.SUBSCRIPTION_NOT_EXIST, "the consumer's group info not exist");
    sub = info.subscriptions.get(h.topic);
    if (!sub) return createResponse(req, ResponseCode.SUBSCRIPTION_NOT_EXIST, "the consumer's subscription not exist");
    if (sub.subVersion < h.subVersion) {
      return createResponse(req, ResponseCode.SUBSCRIPTION_NOT_LATEST, "the consumer's subscription not latest");
    }
  }
  const slave = broker.role === 'SLAVE';
  const offsetCheckInSlave = broker.options.offsetCheckInSlave ?? false;
  const found = broker.store.getMessages(h.topic, h.queueId, h.queueOffset, h.maxMsgNums, {
    maxBytes: h.maxMsgBytes,
    matchTagsCode: (code) => matchesTagsCode(sub, code),
    correctOffset: !slave || offsetCheckInSlave,
    overflowBadly: broker.brokerVersion === '5' ? 'max' : 'min-if-zero',
  });
  let status = mapStatus(found.status, h.queueOffset);
  let suggest = 0;
  if (slave && !slaveRead) {
    // PullMessageProcessor: a slave without slaveReadEnable answers "retry now, from the master".
    status = 'NO_MATCHED_MSG';
  } else if (slave) {
    suggest = broker.brokerId;
  }
  if (status === 'OFFSET_ILLEGAL' && slave && !offsetCheckInSlave) {
    // A (possibly lagging) slave must not move anyone's offset: PULL_RETRY_IMMEDIATELY, pull from the master.
    status = 'NO_MATCHED_MSG';
    suggest = 0;
  }
  const suspend = (h.sysFlag & PullSysFlag.SUSPEND) !== 0;
  if ((h.sysFlag & PullSysFlag.COMMIT_OFFSET) !== 0 && allowSuspend && broker.role !== 'SLAVE' && h.commitOffset >= 0) {
    config.commitOffset(h.consumerGroup, h.topic, h.queueId, h.commitOffset);
  }
  if (status === 'NO_NEW_MSG' && suspend && allowSuspend) {
    const longPolling = broker.options.longPollingEnable ?? true;
    const holdMs = longPolling ? h.suspendTimeoutMillis : scaled(SHORT_POLLING_MS, broker.timeScale);
    await broker.pullHold.hold(h.topic, h.queueId, h.queueOffset, holdMs);
    if (!broker.running) return undefined;
    return processPull(broker, req, false);
  }
  return encodePullMessageResponse(
    req,
    {
      status,
      remark: found.status,
      suggestWhichBrokerId: suggest,
      nextBeginOffset: found.nextBeginOffset,
      minOffset: found.minOffset,
      maxOffset: found.maxOffset,
    },
    status === 'FOUND' ? Buffer.concat(found.records) : undefined,
  );
}
