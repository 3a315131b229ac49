/**
 * Client and consumer-group processors (Java `ClientManageProcessor`, `ConsumerManageProcessor`, lock calls of
 * `AdminBrokerProcessor`): HEART_BEAT, UNREGISTER_CLIENT, GET_CONSUMER_LIST_BY_GROUP, QUERY_CONSUMER_OFFSET,
 * UPDATE_CONSUMER_OFFSET, LOCK_BATCH_MQ, UNLOCK_BATCH_MQ.
 * @module
 */
import { createResponse, type RemotingCommand } from '../../remoting/command.js';
import type { RemotingConnection } from '../../remoting/connection.js';
import { ProtocolError } from '../../errors.js';
import { isJsonObject } from '../../protocol/body-fields.js';
import { decodeConsumerListRequest, encodeConsumerListResponse } from '../../protocol/consumer-list.js';
import { decodeQueryConsumerOffsetRequest, decodeUpdateConsumerOffsetRequest, encodeQueryConsumerOffsetResponse } from '../../protocol/consumer-offset.js';
import { writeFastJson } from '../../protocol/fastjson.js';
import { parseJsonObject } from '../../protocol/header-fields.js';
import { decodeHeartbeatRequest, encodeHeartbeatResponse } from '../../protocol/heartbeat.js';
import { ResponseCode } from '../../protocol/response-codes.js';
import { decodeUnregisterClientRequest } from '../../protocol/unregister-client.js';
import type { MockBroker } from './broker.js';
import type { LockQueue } from './lock-manager.js';
import { buildSubscription } from './subscription.js';
import { ensureTopic, PERM_RW, retryTopic } from './topics.js';

/** HEART_BEAT (34). */
export function processHeartbeat(broker: MockBroker, req: RemotingCommand, conn: RemotingConnection): RemotingCommand {
  const { body } = decodeHeartbeatRequest(req);
  const now = Date.now();
  let created = false;
  for (const c of body.consumerDataSet) {
    if (c.messageModel === 'CLUSTERING') created = ensureTopic(broker.store.config, retryTopic(c.groupName), 1, PERM_RW).created || created;
    broker.clients.registerConsumer(
      {
        groupName: c.groupName,
        consumeType: c.consumeType,
        messageModel: c.messageModel,
        consumeFromWhere: c.consumeFromWhere,
        subscriptions: c.subscriptionDataSet.map((s) => buildSubscription(s.topic, s.subString, s.subVersion, s.expressionType)),
      },
      body.clientID,
      conn,
      now,
    );
  }
  for (const p of body.producerDataSet) broker.clients.registerProducer(p.groupName, body.clientID, conn, now);
  if (created) void broker.registerAll();
  return encodeHeartbeatResponse(req, broker.versionOrdinal);
}

/** UNREGISTER_CLIENT (35). */
export function processUnregisterClient(broker: MockBroker, req: RemotingCommand): RemotingCommand {
  const { header } = decodeUnregisterClientRequest(req);
  broker.clients.unregister(header.clientID, header.producerGroup, header.consumerGroup);
  return createResponse(req, ResponseCode.SUCCESS);
}

/** GET_CONSUMER_LIST_BY_GROUP (38). */
export function processConsumerList(broker: MockBroker, req: RemotingCommand): RemotingCommand {
  const { header } = decodeConsumerListRequest(req);
  return encodeConsumerListResponse(req, broker.clients.consumerIds(header.consumerGroup));
}

/** QUERY_CONSUMER_OFFSET (14). */
export function processQueryConsumerOffset(broker: MockBroker, req: RemotingCommand): RemotingCommand {
  const { header: h } = decodeQueryConsumerOffsetRequest(req);
  const stored = broker.store.config.queryOffset(h.consumerGroup, h.topic, h.queueId);
  if (stored >= 0) return encodeQueryConsumerOffsetResponse(req, stored);
  if (h.setZeroIfNotFound === false) return encodeQueryConsumerOffsetResponse(req, undefined);
  // No committed offset: message 0 of a queue that never lost data is still "in memory", so a new group starts at 0.
  const min = broker.store.getMinOffset(h.topic, h.queueId);
  return encodeQueryConsumerOffsetResponse(req, min <= 0 ? 0 : undefined);
}

/** UPDATE_CONSUMER_OFFSET (15). */
export function processUpdateConsumerOffset(broker: MockBroker, req: RemotingCommand): RemotingCommand {
  const { header: h } = decodeUpdateConsumerOffsetRequest(req);
  broker.store.config.commitOffset(h.consumerGroup, h.topic, h.queueId, h.commitOffset);
  broker.store.config.flush();
  return createResponse(req, ResponseCode.SUCCESS);
}

function parseLockBody(body: Buffer | undefined): { group: string; clientId: string; mqs: LockQueue[] } {
  const o = parseJsonObject(body, 'LockBatchRequestBody');
  const group = o.consumerGroup;
  const clientId = o.clientId;
  if (typeof group !== 'string' || typeof clientId !== 'string') throw new ProtocolError('LockBatchRequestBody: consumerGroup and clientId are required');
  const mqSet = Array.isArray(o.mqSet) ? o.mqSet : [];
  const mqs = mqSet.map((m): LockQueue => {
    if (!isJsonObject(m) || typeof m.topic !== 'string' || typeof m.brokerName !== 'string' || !Number.isInteger(m.queueId)) {
      throw new ProtocolError('LockBatchRequestBody: bad message queue');
    }
    return { topic: m.topic, brokerName: m.brokerName, queueId: m.queueId as number };
  });
  return { group, clientId, mqs };
}

/** LOCK_BATCH_MQ (41). */
export function processLock(broker: MockBroker, req: RemotingCommand): RemotingCommand {
  const { group, clientId, mqs } = parseLockBody(req.body);
  const locked = broker.locks.tryLockBatch(group, mqs, clientId, Date.now());
  return createResponse(req, ResponseCode.SUCCESS, undefined, undefined, Buffer.from(writeFastJson({ lockOKMQSet: locked })));
}

/** UNLOCK_BATCH_MQ (42). */
export function processUnlock(broker: MockBroker, req: RemotingCommand): RemotingCommand {
  const { group, clientId, mqs } = parseLockBody(req.body);
  broker.locks.unlockBatch(group, mqs, clientId);
  return createResponse(req, ResponseCode.SUCCESS);
}
