/**
 * Admin processors (Java `AdminBrokerProcessor`): UPDATE_AND_CREATE_TOPIC (then re-register with the nameservers)
 * and a minimal GET_BROKER_RUNTIME_INFO.
 * @module
 */
import { createResponse, type RemotingCommand } from '../../remoting/command.js';
import { ResponseCode } from '../../protocol/response-codes.js';
import { optBool, optNum, optStr, reqStr } from '../headers.js';
import { writeFastJson } from '../../protocol/fastjson.js';
import type { MockBroker } from './broker.js';
import { checkTopicName, isSystemTopic } from './topics.js';

/** UPDATE_AND_CREATE_TOPIC (17). */
export async function processCreateTopic(broker: MockBroker, req: RemotingCommand): Promise<RemotingCommand> {
  const topic = reqStr(req, 'topic');
  const bad = checkTopicName(topic);
  if (bad !== undefined) return createResponse(req, ResponseCode.SYSTEM_ERROR, bad);
  if (isSystemTopic(topic)) return createResponse(req, ResponseCode.SYSTEM_ERROR, `The topic[${topic}] is conflict with system topic.`);
  const readQueueNums = optNum(req, 'readQueueNums') ?? 8;
  const writeQueueNums = optNum(req, 'writeQueueNums') ?? 8;
  if (readQueueNums <= 0 || writeQueueNums <= 0 || readQueueNums > 1024 || writeQueueNums > 1024) {
    return createResponse(req, ResponseCode.SYSTEM_ERROR, 'the queue nums must be between 1 and 1024');
  }
  broker.store.config.putTopic({
    topicName: topic,
    readQueueNums,
    writeQueueNums,
    perm: optNum(req, 'perm') ?? 6,
    topicFilterType: optStr(req, 'topicFilterType') ?? 'SINGLE_TAG',
    topicSysFlag: optNum(req, 'topicSysFlag') ?? 0,
    order: optBool(req, 'order') ?? false,
  });
  await broker.registerAll();
  return createResponse(req, ResponseCode.SUCCESS);
}

/** GET_BROKER_RUNTIME_INFO (28): a few of the real table's entries. */
export function processRuntimeInfo(broker: MockBroker, req: RemotingCommand): RemotingCommand {
  const store = broker.store;
  const table: Record<string, string> = {
    brokerVersion: String(broker.versionOrdinal),
    brokerRole: broker.role,
    brokerId: String(broker.brokerId),
    commitLogMaxOffset: String(store.getMaxPhyOffset()),
    commitLogMinOffset: String(store.getMinPhyOffset()),
    earliestMessageTimeStamp: String(store.getEarliestMsgStoreTime()),
  };
  return createResponse(req, ResponseCode.SUCCESS, undefined, undefined, Buffer.from(writeFastJson({ table })));
}
