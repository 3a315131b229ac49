/**
 * The ACL refusal of a REAL RocketMQ 5.3.3 broker (`fixtures/real-acl-denied-5.3.3.md`, captured by
 * test/interop/acl-real.test.ts): decoded with our codec, surfaced as a non-retriable NO_PERMISSION error, and
 * compared with what the mock's ACL check answers for the same mistake (a send signed with the wrong secret).
 *
 * The wording differs on purpose: 5.3.3 enforces ACL 2.0 ("check signature failed."), the mock speaks ACL 1.0
 * ("Check signature failed for accessKey=…", 4.9 and 5.0–5.2). What must match, and is checked here, is the shape a
 * client depends on: a response frame with code 16, the reason as a bare one-line remark, no extFields, no body.
 */
import { describe, expect, it } from 'vitest';
import { signRequest } from '../../../src/client/acl.js';
import { BrokerResponseError } from '../../../src/errors.js';
import { AclValidator } from '../../../src/mock/acl/index.js';
import { errorFromResponse, ResponseCode } from '../../../src/protocol/response-codes.js';
import { encodeSendMessageRequest } from '../../../src/protocol/send-message.js';
import { createResponse, type RemotingCommand } from '../../../src/remoting/command.js';
import { decodeFrame, encodeFrame } from '../../../src/remoting/frame.js';
import { readHexFixture } from './helpers.js';

function realDenial(): RemotingCommand {
  const bytes = readHexFixture('real-acl-denied-5.3.3');
  expect(bytes.readInt32BE(0)).toBe(bytes.length - 4);
  return decodeFrame(bytes.subarray(4));
}

/** SEND_MESSAGE_V2 as our producer builds it, signed with `secretKey`. */
function signedSend(secretKey: string): RemotingCommand {
  const req = encodeSendMessageRequest(
    {
      producerGroup: 'acl_real_group', topic: 'AclRealTopic', defaultTopic: 'TBW102', defaultTopicQueueNums: 4, queueId: 0,
      sysFlag: 0, bornTimestamp: 1_700_000_000_000, flag: 0, properties: 'KEYS\u0001acl-denied-1\u0002',
    },
    Buffer.from('Hello RocketMQ acl-denied-1'),
  );
  return signRequest(req, { accessKey: 'RocketMQ', secretKey });
}

/** The fields a client reads off a refusal. */
function shape(cmd: RemotingCommand): Record<string, unknown> {
  return {
    code: cmd.code,
    isResponse: (cmd.flag & 1) === 1,
    remarkIsOneLine: typeof cmd.remark === 'string' && cmd.remark.length > 0 && !cmd.remark.includes('\n'),
    remarkMentionsSignature: /signature failed/i.test(cmd.remark ?? ''),
    extFields: Object.keys(cmd.extFields ?? {}).length,
    body: cmd.body?.length ?? 0,
  };
}

describe('real 5.3.3 ACL refusal (golden frame)', () => {
  it('decodes as NO_PERMISSION with the broker version stamped, and becomes a non-retriable typed error', () => {
    const cmd = realDenial();
    expect([cmd.code, cmd.flag & 1, cmd.language, cmd.version, cmd.remark, cmd.body]).toEqual([16, 1, 'JAVA', 479, 'check signature failed.', undefined]);
    const err = errorFromResponse(cmd, { brokerAddr: '127.0.0.1:33911' });
    expect(err).toBeInstanceOf(BrokerResponseError);
    expect([err.responseCode, err.responseName, err.retriable, err.context.remark]).toEqual([ResponseCode.NO_PERMISSION, 'NO_PERMISSION', false, 'check signature failed.']);
  });

  it("the mock's answer to a wrong secret has the same code and remark shape", () => {
    const validator = new AclValidator({ accounts: [{ accessKey: 'RocketMQ', secretKey: '12345678', topicPerms: ['AclRealTopic=PUB|SUB'] }] });
    const req = { ...signedSend('wrong-secret'), opaque: 9 };
    const rejection = validator.check(req, '127.0.0.1');
    expect(rejection).toEqual({ code: 16, remark: 'Check signature failed for accessKey=RocketMQ' });
    // Through our own frame codec, as the mock's server would send it.
    const mock = decodeFrame(encodeFrame(createResponse(req, rejection!.code, rejection!.remark)).subarray(4));
    expect(shape(mock)).toEqual(shape(realDenial()));
    // And the right secret passes the mock's check (the real broker stored the same message in the interop run).
    expect(validator.check(signedSend('12345678'), '127.0.0.1')).toBeUndefined();
  });
});
