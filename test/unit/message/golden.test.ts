import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { decodeStoredMessages, encodeStoredMessages, MessageSysFlag } from '../../../src/message/index.js';
import type { StoredMessageRecord } from '../../../src/message/index.js';

const fixture = (name: string): Buffer =>
  Buffer.from(
    readFileSync(fileURLToPath(new URL(`../protocol/fixtures/${name}`, import.meta.url)), 'utf8').replace(/\s+/g, ''),
    'hex',
  );

/**
 * A second independent writer: appends each field of the Java layout in order with explicit widths. It shares
 * no code with src/message (not even the CRC: the values come from the fixture's .md, computed by Python).
 */
class FieldWriter {
  private parts: Buffer[] = [];
  i8(v: number): this {
    const b = Buffer.alloc(1);
    b.writeInt8(v);
    return this.push(b);
  }
  i16(v: number): this {
    const b = Buffer.alloc(2);
    b.writeInt16BE(v);
    return this.push(b);
  }
  i32(v: number): this {
    const b = Buffer.alloc(4);
    b.writeInt32BE(v | 0);
    return this.push(b);
  }
  i64(v: bigint): this {
    const b = Buffer.alloc(8);
    b.writeBigInt64BE(v);
    return this.push(b);
  }
  raw(hex: string): this {
    return this.push(Buffer.from(hex, 'hex'));
  }
  str(s: string): this {
    return this.push(Buffer.from(s, 'utf8'));
  }
  push(b: Buffer): this {
    this.parts.push(b);
    return this;
  }
  done(): Buffer {
    return Buffer.concat(this.parts);
  }
}

const props1 = 'KEYS\u0001order-1 order-2\u0002TAGS\u0001TagA\u0002UNIQ_KEY\u00010A0000051F90AABBCCDD00A1B2C30001\u0002WAIT\u0001true\u0002';
const props2 = 'TRAN_MSG\u0001true\u0002PGROUP\u0001pg\u0002';
const longTopic = 'LongTopic_' + 'a'.repeat(120);

function independentBytes(): Buffer {
  return new FieldWriter()
    // record 1: V1, IPv4
    .i32(199).i32(0xdaa320a7).i32(0x248c774f).i32(1).i32(0).i64(42n).i64(0x100002000n).i32(0)
    .i64(1700000000123n).raw('c0a8000a').i32(54321).i64(1700000000456n).raw('0a000005').i32(10911)
    .i32(0).i64(0n).i32(16).str('Hello RocketMQ 0').i8(9).str('TopicTest').i16(83).str(props1)
    // record 2: V2, IPv6
    .i32(274).i32(0xdaa320ab).i32(0x363cfbcd).i32(3).i32(7).i64(0n).i64(8192n).i32(0x38)
    .i64(1700000001000n).raw('20010db8000000000000000000000001').i32(40000)
    .i64(1700000001500n).raw('00000000000000000000000000000001').i32(10911)
    .i32(2).i64(0x100002000n).i32(4).raw('01020304').i16(130).str(longTopic).i16(24).str(props2)
    .done();
}

const records: StoredMessageRecord[] = [
  {
    topic: 'TopicTest',
    body: Buffer.from('Hello RocketMQ 0'),
    flag: 0,
    properties: { KEYS: 'order-1 order-2', TAGS: 'TagA', UNIQ_KEY: '0A0000051F90AABBCCDD00A1B2C30001', WAIT: 'true' },
    queueId: 1,
    queueOffset: 42,
    commitLogOffset: 0x100002000,
    sysFlag: 0,
    bornTimestamp: 1700000000123,
    bornHost: '192.168.0.10:54321',
    storeTimestamp: 1700000000456,
    storeHost: '10.0.0.5:10911',
    reconsumeTimes: 0,
    preparedTransactionOffset: 0,
  },
  {
    topic: longTopic,
    body: Buffer.from([1, 2, 3, 4]),
    flag: 7,
    properties: { TRAN_MSG: 'true', PGROUP: 'pg' },
    queueId: 3,
    queueOffset: 0,
    commitLogOffset: 8192,
    sysFlag: MessageSysFlag.TRANSACTION_COMMIT_TYPE,
    bornTimestamp: 1700000001000,
    bornHost: '[2001:db8::1]:40000',
    storeTimestamp: 1700000001500,
    storeHost: '[::1]:10911',
    reconsumeTimes: 2,
    preparedTransactionOffset: 0x100002000,
  },
];

describe('golden pull body: V1/IPv4 + V2/IPv6 (MessageDecoder.java / MessageExtEncoder.java)', () => {
  const golden = fixture('pull-body-v1-ipv4-v2-ipv6.hex');

  it('fixture matches the independent field-by-field writer', () => {
    expect(golden.length).toBe(473);
    expect(independentBytes().equals(golden)).toBe(true);
  });

  it('encodeStoredMessages reproduces it byte for byte', () => {
    expect(encodeStoredMessages(records).toString('hex')).toBe(golden.toString('hex'));
  });

  it('decodes every field', () => {
    const [a, b, ...rest] = decodeStoredMessages(golden, { checkCRC: true });
    expect(rest).toHaveLength(0);
    expect({ ...pick(a) }).toEqual({
      topic: 'TopicTest',
      body: 'Hello RocketMQ 0',
      keys: ['order-1', 'order-2'],
      tags: 'TagA',
      properties: { KEYS: 'order-1 order-2', TAGS: 'TagA', UNIQ_KEY: '0A0000051F90AABBCCDD00A1B2C30001', WAIT: 'true' },
      msgId: '0A0000051F90AABBCCDD00A1B2C30001',
      offsetMsgId: '0A00000500002A9F0000000100002000',
      queueId: 1,
      queueOffset: 42,
      commitLogOffset: 4294975488,
      sysFlag: 0,
      flag: 0,
      bornTimestamp: 1700000000123,
      bornHost: '192.168.0.10:54321',
      storeTimestamp: 1700000000456,
      storeHost: '10.0.0.5:10911',
      reconsumeTimes: 0,
      preparedTransactionOffset: 0,
      bodyCRC: 0x248c774f,
      storeSize: 199,
      transactionId: undefined,
    });
    expect({ ...pick(b) }).toEqual({
      topic: longTopic,
      body: '\u0001\u0002\u0003\u0004',
      keys: [],
      tags: undefined,
      properties: { TRAN_MSG: 'true', PGROUP: 'pg' },
      msgId: '0000000000000000000000000000000100002A9F0000000000002000',
      offsetMsgId: '0000000000000000000000000000000100002A9F0000000000002000',
      queueId: 3,
      queueOffset: 0,
      commitLogOffset: 8192,
      sysFlag: 0x38,
      flag: 7,
      bornTimestamp: 1700000001000,
      bornHost: '[2001:db8::1]:40000',
      storeTimestamp: 1700000001500,
      storeHost: '[::1]:10911',
      reconsumeTimes: 2,
      preparedTransactionOffset: 4294975488,
      bodyCRC: 0x363cfbcd,
      storeSize: 274,
      transactionId: undefined,
    });
  });

  it('bodies are views into the response buffer, not copies', () => {
    const [a, b] = decodeStoredMessages(golden);
    expect(a.body.buffer).toBe(golden.buffer);
    expect(a.body.byteOffset).toBe(golden.byteOffset + 88);
    expect(b.body.byteOffset).toBe(golden.byteOffset + 199 + 112);
  });

  it('readBody:false leaves bodies empty but decodes everything else', () => {
    const [a, b] = decodeStoredMessages(golden, { readBody: false });
    expect(a.body.length).toBe(0);
    expect(b.body.length).toBe(0);
    expect(b.topic).toBe(longTopic);
    expect(a.msgId).toBe('0A0000051F90AABBCCDD00A1B2C30001');
  });
});

function pick(m: import('../../../src/message/index.js').MessageExt): Record<string, unknown> {
  return {
    topic: m.topic,
    body: m.body.toString('latin1'),
    keys: m.keys,
    tags: m.tags,
    properties: m.properties,
    msgId: m.msgId,
    offsetMsgId: m.offsetMsgId,
    queueId: m.queueId,
    queueOffset: m.queueOffset,
    commitLogOffset: m.commitLogOffset,
    sysFlag: m.sysFlag,
    flag: m.flag,
    bornTimestamp: m.bornTimestamp,
    bornHost: m.bornHost,
    storeTimestamp: m.storeTimestamp,
    storeHost: m.storeHost,
    reconsumeTimes: m.reconsumeTimes,
    preparedTransactionOffset: m.preparedTransactionOffset,
    bodyCRC: m.bodyCRC,
    storeSize: m.storeSize,
    transactionId: m.transactionId,
  };
}
