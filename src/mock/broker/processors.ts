/**
 * Wires every request code the mock broker serves to its processor.
 * @module
 */
import { createResponse, type RemotingCommand } from '../../remoting/command.js';
import type { RemotingConnection } from '../../remoting/connection.js';
import { RequestCode } from '../../protocol/request-codes.js';
import { ResponseCode } from '../../protocol/response-codes.js';
import type { MockBroker } from './broker.js';
import { processCreateTopic, processRuntimeInfo } from './admin.js';
import {
  processConsumerList,
  processHeartbeat,
  processLock,
  processQueryConsumerOffset,
  processUnlock,
  processUnregisterClient,
  processUpdateConsumerOffset,
} from './clients.js';
import { processPull } from './pull.js';
import { processEarliestTime, processMaxOffset, processMinOffset, processQuery, processSearchOffset, processView } from './query.js';
import { processEndTransaction, processSend, processSendBack } from './send.js';

/** A processor as the broker registers it. */
export type Processor = (req: RemotingCommand, conn: RemotingConnection) => Promise<RemotingCommand | undefined> | RemotingCommand | undefined;

/**
 * Registers the broker's processors.
 * @param broker - the broker
 * @param on - registers one code
 */
export function registerProcessors(broker: MockBroker, on: (code: number, fn: Processor) => void): void {
  const send: Processor = (req, conn) => processSend(broker, req, conn);
  on(RequestCode.SEND_MESSAGE, send);
  on(RequestCode.SEND_MESSAGE_V2, send);
  on(RequestCode.SEND_BATCH_MESSAGE, send);
  on(RequestCode.CONSUMER_SEND_MSG_BACK, (req) => processSendBack(broker, req));
  on(RequestCode.END_TRANSACTION, async (req) => (await processEndTransaction(broker, req)) ?? createResponse(req, ResponseCode.SUCCESS));
  on(RequestCode.PULL_MESSAGE, (req) => processPull(broker, req));
  on(RequestCode.QUERY_MESSAGE, (req) => processQuery(broker, req));
  on(RequestCode.VIEW_MESSAGE_BY_ID, (req) => processView(broker, req));
  on(RequestCode.GET_MAX_OFFSET, (req) => processMaxOffset(broker, req));
  on(RequestCode.GET_MIN_OFFSET, (req) => processMinOffset(broker, req));
  on(RequestCode.SEARCH_OFFSET_BY_TIMESTAMP, (req) => processSearchOffset(broker, req));
  on(RequestCode.GET_EARLIEST_MSG_STORETIME, (req) => processEarliestTime(broker, req));
  on(RequestCode.HEART_BEAT, (req, conn) => processHeartbeat(broker, req, conn));
  on(RequestCode.UNREGISTER_CLIENT, (req) => processUnregisterClient(broker, req));
  on(RequestCode.GET_CONSUMER_LIST_BY_GROUP, (req) => processConsumerList(broker, req));
  on(RequestCode.QUERY_CONSUMER_OFFSET, (req) => processQueryConsumerOffset(broker, req));
  on(RequestCode.UPDATE_CONSUMER_OFFSET, (req) => processUpdateConsumerOffset(broker, req));
  on(RequestCode.LOCK_BATCH_MQ, (req) => processLock(broker, req));
  on(RequestCode.UNLOCK_BATCH_MQ, (req) => processUnlock(broker, req));
  on(RequestCode.UPDATE_AND_CREATE_TOPIC, (req) => processCreateTopic(broker, req));
  on(RequestCode.GET_BROKER_RUNTIME_INFO, (req) => processRuntimeInfo(broker, req));
}
