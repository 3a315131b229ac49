import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RocketMQError, ProtocolError } from '../../../src/errors.js';
import type { RemotingCommand } from '../../../src/remoting/command.js';
import * as P from '../../../src/protocol/index.js';

/** Every mock-side and client-side decoder, with the code it expects. */
const DECODERS: [string, number, (cmd: RemotingCommand) => unknown][] = [
  ['send', 310, P.decodeSendMessageRequest],
  ['pull', 11, P.decodePullMessageRequest],
  ['query', 12, P.decodeQueryMessageRequest],
  ['view', 33, P.decodeViewMessageRequest],
  ['route', 105, P.decodeRouteInfoRequest],
  ['register', 103, P.decodeRegisterBrokerRequest],
  ['unregister-broker', 104, P.decodeUnregisterBrokerRequest],
  ['kv', 101, P.decodeGetKvConfigRequest],
  ['heartbeat', 34, P.decodeHeartbeatRequest],
  ['unregister-client', 35, P.decodeUnregisterClientRequest],
  ['consumer-list', 38, P.decodeConsumerListRequest],
  ['query-offset', 14, P.decodeQueryConsumerOffsetRequest],
  ['update-offset', 15, P.decodeUpdateConsumerOffsetRequest],
  ['search-offset', 29, P.decodeSearchOffsetRequest],
  ['send-back', 36, P.decodeSendBackRequest],
  ['create-topic', 17, P.decodeCreateTopicRequest],
  ['lock', 41, P.decodeLockBatchRequest],
  ['end-tx', 37, P.decodeEndTransactionRequest],
  ['check-tx', 39, P.decodeCheckTransactionStateRequest],
  ['running-info', 307, P.decodeConsumerRunningInfoRequest],
  ['reset-offset', 220, P.decodeResetOffsetRequest],
  ['consume-directly', 309, P.decodeConsumeMessageDirectlyRequest],
  ['send-response', 0, (c) => P.decodeSendMessageResponse(c)],
  ['pull-response', 0, (c) => P.decodePullMessageResponse(c)],
  ['route-response', 0, (c) => P.decodeRouteInfoResponse(c)],
  ['cluster-response', 0, (c) => P.decodeClusterInfoResponse(c)],
  ['lock-response', 0, (c) => P.decodeLockBatchResponse(c)],
  ['running-info-response', 0, (c) => P.decodeConsumerRunningInfoResponse(c)],
  ['directly-response', 0, (c) => P.decodeConsumeMessageDirectlyResponse(c)],
];

const keys = fc.constantFrom('a', 'b', 'g', 'topic', 'queueId', 'offset', 'consumerGroup', 'compressed', 'bodyCrc32', 'msgId', 'brokerId', '__proto__');
const values = fc.oneof(fc.string(), fc.integer().map(String), fc.constantFrom('true', '9223372036854775807', '-1', '1e9', ''));
const bodies = fc.oneof(
  fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b)),
  fc.jsonValue().map((v) => Buffer.from(JSON.stringify(v))),
  fc.string({ unit: fc.constantFrom('{', '}', '[', ']', ':', ',', '"', '0', 'a') }).map((s) => Buffer.from(s)),
);

describe('hostile input', () => {
  it.each(DECODERS)('%s decoder throws only RocketMQError subclasses', (_, code, decode) => {
    fc.assert(
      fc.property(fc.dictionary(keys, values), fc.option(bodies, { nil: undefined }), fc.integer({ min: -3, max: 30 }), (ext, body, responseCode) => {
        const cmd: RemotingCommand = { code: code === 0 ? responseCode : code, language: 'JAVA', version: 401, opaque: 1, flag: 0, extFields: ext };
        if (body) cmd.body = body;
        try {
          decode(cmd);
        } catch (err) {
          expect(err).toBeInstanceOf(RocketMQError);
          if (code !== 0) expect(err).toBeInstanceOf(ProtocolError);
        }
      }),
      { numRuns: 150 },
    );
  });
});
