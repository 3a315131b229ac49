import { describe, expect, it } from 'vitest';
import { encodeProperties } from '../../../../src/message/properties.js';
import { checkMessageLimits, createLimitsInterceptor, MESSAGE_ILLEGAL } from '../../../../src/mock/acl/index.js';
import { encodeSendMessageRequest } from '../../../../src/protocol/send-message.js';
import { createRequest, type RemotingCommand } from '../../../../src/remoting/command.js';
import type { RemotingConnection } from '../../../../src/remoting/connection.js';

const send = (body: Buffer, props: Record<string, string> = {}): RemotingCommand =>
  encodeSendMessageRequest({ producerGroup: 'PG', topic: 'T', defaultTopic: 'TBW102', defaultTopicQueueNums: 4, queueId: 0, sysFlag: 0, bornTimestamp: 1, flag: 0, properties: encodeProperties(props) }, body);

describe('mock message limits', () => {
  it('allows exactly 4 MiB and 32767 property bytes, refuses one more', () => {
    expect(checkMessageLimits(send(Buffer.alloc(4 * 1024 * 1024)))).toBeUndefined();
    expect(checkMessageLimits(send(Buffer.alloc(4 * 1024 * 1024 + 1)))).toMatch(/^the message is illegal, .*limit 4194304B/);
    // "k\u0001" + value + "\u0002" = 3 bytes of framing around the value.
    expect(checkMessageLimits(send(Buffer.from('x'), { k: 'v'.repeat(32767 - 3) }))).toBeUndefined();
    expect(checkMessageLimits(send(Buffer.from('x'), { k: 'v'.repeat(32767 - 2) }))).toBeDefined();
    expect(checkMessageLimits(send(Buffer.from('x'), { k: 'é'.repeat(20000) }))).toBeDefined(); // bytes, not characters
    expect(checkMessageLimits(createRequest(11, {}, Buffer.alloc(5 * 1024 * 1024)))).toBeUndefined(); // not a send
  });

  it('answers MESSAGE_ILLEGAL and passes the rest to the next step', async () => {
    const seen: number[] = [];
    const icpt = createLimitsInterceptor({ maxMessageSize: 10 });
    const next = async (): Promise<RemotingCommand> => {
      seen.push(1);
      return createRequest(0);
    };
    const conn = {} as RemotingConnection;
    const refused = await icpt(send(Buffer.alloc(11)), conn, next);
    expect([refused?.code, seen.length]).toEqual([MESSAGE_ILLEGAL, 0]);
    await icpt(send(Buffer.alloc(10)), conn, next);
    expect(seen.length).toBe(1);
  });
});
