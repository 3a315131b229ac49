import { describe, expect, it } from 'vitest';
import { BrokerResponseError } from '../../../src/errors.js';
import { createRequest, createResponse } from '../../../src/remoting/command.js';
import { RequestCode, requestCodeName } from '../../../src/protocol/request-codes.js';
import {
  RESPONSE_CODES,
  ResponseCode,
  encodeErrorResponse,
  errorFromResponse,
  responseCodeInfo,
} from '../../../src/protocol/response-codes.js';
import { wire } from './helpers.js';

const RETRIABLE = new Set([1, 2, 14, 17, 204, 205, 215, 1500, 10001, 10002, 10003]);
const REFRESH = new Set([1, 2, 14, 17, 1500, 10001, 10002, 10003, 10005]);

describe('RESPONSE_CODES table', () => {
  it('has unique codes and names, and ResponseCode mirrors it', () => {
    expect(new Set(RESPONSE_CODES.map((r) => r.code)).size).toBe(RESPONSE_CODES.length);
    expect(new Set(RESPONSE_CODES.map((r) => r.name)).size).toBe(RESPONSE_CODES.length);
    for (const r of RESPONSE_CODES) expect(ResponseCode[r.name]).toBe(r.code);
    expect(Object.keys(ResponseCode)).toHaveLength(RESPONSE_CODES.length);
  });

  it('lists every code of the fact sheet, including the client-local ones', () => {
    const expected: Record<string, number> = {
      SUCCESS: 0, SYSTEM_ERROR: 1, SYSTEM_BUSY: 2, REQUEST_CODE_NOT_SUPPORTED: 3, TRANSACTION_FAILED: 4,
      FLUSH_DISK_TIMEOUT: 10, SLAVE_NOT_AVAILABLE: 11, FLUSH_SLAVE_TIMEOUT: 12, MESSAGE_ILLEGAL: 13,
      SERVICE_NOT_AVAILABLE: 14, VERSION_NOT_SUPPORTED: 15, NO_PERMISSION: 16, TOPIC_NOT_EXIST: 17,
      TOPIC_EXIST_ALREADY: 18, PULL_NOT_FOUND: 19, PULL_RETRY_IMMEDIATELY: 20, PULL_OFFSET_MOVED: 21,
      QUERY_NOT_FOUND: 22, SUBSCRIPTION_PARSE_FAILED: 23, SUBSCRIPTION_NOT_EXIST: 24, SUBSCRIPTION_NOT_LATEST: 25,
      SUBSCRIPTION_GROUP_NOT_EXIST: 26, FILTER_DATA_NOT_EXIST: 27, FILTER_DATA_NOT_LATEST: 28, INVALID_PARAMETER: 29,
      TRANSACTION_SHOULD_COMMIT: 200, TRANSACTION_SHOULD_ROLLBACK: 201, TRANSACTION_STATE_UNKNOW: 202,
      NO_BUYER_ID: 204, NOT_IN_CURRENT_UNIT: 205, CONSUMER_NOT_ONLINE: 206, NO_MESSAGE: 208, FLOW_CONTROL: 215,
      NOT_LEADER_FOR_QUEUE: 501, GO_AWAY: 1500, CONTROLLER_FENCED_MASTER_EPOCH: 2000,
      CONTROLLER_BROKER_LIVE_INFO_NOT_EXISTS: 2016, CONNECT_BROKER_EXCEPTION: 10001, ACCESS_BROKER_TIMEOUT: 10002,
      BROKER_NOT_EXIST_EXCEPTION: 10003, NO_NAME_SERVER_EXCEPTION: 10004, NOT_FOUND_TOPIC_EXCEPTION: 10005,
    };
    for (const [name, code] of Object.entries(expected)) expect(responseCodeInfo(code).name, name).toBe(name);
  });

  it('NO_PERMISSION is deliberately not retriable', () => {
    expect(responseCodeInfo(16)).toMatchObject({ name: 'NO_PERMISSION', retriable: false, refreshRoute: false });
  });

  it('unknown codes are UNKNOWN_<n>, not retriable, no refresh', () => {
    expect(responseCodeInfo(4242)).toEqual({ code: 4242, name: 'UNKNOWN_4242', retriable: false, refreshRoute: false });
  });
});

describe('errorFromResponse', () => {
  it.each(RESPONSE_CODES.map((r) => [r.name, r] as const))('%s → BrokerResponseError with the table flags', (_, row) => {
    const request = createRequest(RequestCode.SEND_MESSAGE_V2, { a: 'G' });
    request.opaque = 99;
    const response = wire(encodeErrorResponse(request, row.code, `remark of ${row.name}`));
    const err = errorFromResponse(response, { brokerAddr: '127.0.0.1:10911', requestCode: RequestCode.SEND_MESSAGE_V2 });
    expect(err).toBeInstanceOf(BrokerResponseError);
    expect(err.code).toBe('ERR_BROKER_RESPONSE');
    expect(err).toMatchObject({
      responseCode: row.code,
      responseName: row.name,
      retriable: RETRIABLE.has(row.code),
      refreshRoute: REFRESH.has(row.code),
    });
    expect(err.context).toEqual({
      brokerAddr: '127.0.0.1:10911',
      requestCode: RequestCode.SEND_MESSAGE_V2,
      opaque: 99,
      responseCode: row.code,
      remark: `remark of ${row.name}`,
    });
    expect(err.message).toContain(row.name);
    expect(err.message).toContain(`(${row.code})`);
    expect(err.message).toContain(`remark of ${row.name}`);
    expect(err.message).toContain('127.0.0.1:10911');
  });

  it('keeps an explicit opaque from the context and copes with no remark', () => {
    const res = createResponse(createRequest(105), 17);
    const err = errorFromResponse(res, { opaque: 5, topic: 'T' });
    expect(err.context).toEqual({ opaque: 5, topic: 'T', responseCode: 17 });
    expect(err.message).toBe('TOPIC_NOT_EXIST (17)');
  });

  it('requestCodeName names known and unknown request codes', () => {
    expect(requestCodeName(105)).toBe('GET_ROUTEINFO_BY_TOPIC');
    expect(requestCodeName(200050)).toBe('POP_MESSAGE');
    expect(requestCodeName(-3)).toBe('UNKNOWN_-3');
  });
});
