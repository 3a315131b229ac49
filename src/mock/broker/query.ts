/**
 * Lookups (Java `QueryMessageProcessor`, `AdminBrokerProcessor` offset calls): QUERY_MESSAGE by key or unique key,
 * VIEW_MESSAGE_BY_ID, GET_MAX_OFFSET, GET_MIN_OFFSET, SEARCH_OFFSET_BY_TIMESTAMP, GET_EARLIEST_MSG_STORETIME.
 * @module
 */
import { createResponse, type RemotingCommand } from '../../remoting/command.js';
import { decodeQueryMessageRequest, encodeQueryMessageResponse } from '../../protocol/query-message.js';
import { ResponseCode } from '../../protocol/response-codes.js';
import { decodeViewMessageRequest, encodeViewMessageResponse } from '../../protocol/view-message.js';
import { optStr, reqNum, reqStr } from '../headers.js';
import type { MockBroker } from './broker.js';

/** The default query cap for unique-key queries (defaultQueryMaxNum). */
const UNIQUE_KEY_MAX_NUM = 32;

/** QUERY_MESSAGE (12). */
export function processQuery(broker: MockBroker, req: RemotingCommand): RemotingCommand {
  const { header: h } = decodeQueryMessageRequest(req);
  const uniq = h.uniqueKeyQuery === true;
  const store = broker.store;
  const res = uniq
    ? store.queryByUniqKey(h.topic, h.key, UNIQUE_KEY_MAX_NUM, h.beginTimestamp, h.endTimestamp)
    : store.queryByKey(h.topic, h.key, h.maxNum, h.beginTimestamp, h.endTimestamp);
  return encodeQueryMessageResponse(
    req,
    { indexLastUpdateTimestamp: res.indexLastUpdateTimestamp, indexLastUpdatePhyoffset: res.indexLastUpdatePhyoffset },
    res.records.length > 0 ? Buffer.concat(res.records) : undefined,
  );
}

/** VIEW_MESSAGE_BY_ID (33). */
export function processView(broker: MockBroker, req: RemotingCommand): RemotingCommand {
  const { header } = decodeViewMessageRequest(req);
  return encodeViewMessageResponse(req, broker.store.viewByOffset(header.offset));
}

/** GET_MAX_OFFSET (30). */
export function processMaxOffset(broker: MockBroker, req: RemotingCommand): RemotingCommand {
  const offset = broker.store.getMaxOffset(reqStr(req, 'topic'), reqNum(req, 'queueId'));
  return createResponse(req, ResponseCode.SUCCESS, undefined, { offset });
}

/** GET_MIN_OFFSET (31). */
export function processMinOffset(broker: MockBroker, req: RemotingCommand): RemotingCommand {
  const offset = broker.store.getMinOffset(reqStr(req, 'topic'), reqNum(req, 'queueId'));
  return createResponse(req, ResponseCode.SUCCESS, undefined, { offset });
}

/** SEARCH_OFFSET_BY_TIMESTAMP (29). */
export function processSearchOffset(broker: MockBroker, req: RemotingCommand): RemotingCommand {
  const boundary = optStr(req, 'boundaryType')?.toLowerCase() === 'upper' ? 'upper' : 'lower';
  const offset = broker.store.searchOffsetByTimestamp(reqStr(req, 'topic'), reqNum(req, 'queueId'), reqNum(req, 'timestamp'), boundary);
  return createResponse(req, ResponseCode.SUCCESS, undefined, { offset });
}

/** GET_EARLIEST_MSG_STORETIME (32). */
export function processEarliestTime(broker: MockBroker, req: RemotingCommand): RemotingCommand {
  const timestamp = broker.store.getEarliestMsgStoreTime(reqStr(req, 'topic'), reqNum(req, 'queueId'));
  return createResponse(req, ResponseCode.SUCCESS, undefined, { timestamp });
}
