import { describe, expect, it } from 'vitest';
import { checkTopic, filterQueryMatches, mergeByStoreTime, replicaOrder } from '../../../src/admin/select.js';
import { ValidationError } from '../../../src/errors.js';
import { decodeStoredMessages, encodeStoredMessage } from '../../../src/message/stored.js';
import type { MessageExt } from '../../../src/message/types.js';

function msg(topic: string, keys: string, storeTimestamp: number, commitLogOffset: number, uniq = 'AB'): MessageExt {
  const rec = encodeStoredMessage({
    topic,
    body: Buffer.from(`${topic}/${keys}`),
    properties: { KEYS: keys, UNIQ_KEY: uniq },
    queueId: 0,
    queueOffset: 0,
    commitLogOffset,
    bornTimestamp: storeTimestamp,
    bornHost: '10.0.0.1:1',
    storeTimestamp,
    storeHost: '10.0.0.2:10911',
  });
  return decodeStoredMessages(rec)[0];
}

describe('replicaOrder', () => {
  it('puts the master first and skips junk ids', () => {
    expect(replicaOrder({ cluster: 'c', brokerName: 'b', brokerAddrs: { '2': 'h:2', '0': 'h:0', x: 'h:x', '1': 'h:1' } })).toEqual([
      { brokerId: 0, addr: 'h:0' },
      { brokerId: 1, addr: 'h:1' },
      { brokerId: 2, addr: 'h:2' },
    ]);
    expect(replicaOrder({ cluster: 'c', brokerName: 'b', brokerAddrs: { '3': 'h:3' } })).toEqual([{ brokerId: 3, addr: 'h:3' }]);
  });
});

describe('filterQueryMatches', () => {
  it('keeps exact key and topic matches only (collisions and other topics dropped)', () => {
    const list = [msg('T', 'Aa', 1, 0), msg('T', 'BB', 2, 100), msg('U', 'Aa', 3, 200), msg('T', 'x Aa y', 4, 300), msg('T', 'Aab', 5, 400)];
    const { kept, dropped } = filterQueryMatches(list, 'T', 'Aa', false);
    expect(kept.map((m) => m.commitLogOffset)).toEqual([0, 300]);
    expect(dropped).toBe(3);
  });
  it('matches message ids for unique-key queries', () => {
    const list = [msg('T', 'k', 1, 0, 'ID1'), msg('T', 'ID2', 2, 100, 'ID3')];
    expect(filterQueryMatches(list, 'T', 'ID2', true).kept).toEqual([]);
    expect(filterQueryMatches(list, 'T', 'ID1', true).kept.map((m) => m.msgId)).toEqual(['ID1']);
  });
});

describe('mergeByStoreTime', () => {
  it('sorts across groups by store time and drops duplicates of one record', () => {
    const a1 = msg('T', 'k', 30, 0);
    const b1 = msg('T', 'k', 10, 0);
    const b2 = msg('T', 'k', 30, 50);
    const merged = mergeByStoreTime([
      { brokerName: 'a', messages: [a1, a1] },
      { brokerName: 'b', messages: [b2, b1] },
    ]);
    expect(merged).toEqual([b1, a1, b2]);
  });
});

describe('checkTopic', () => {
  it('accepts Java-valid names and rejects the rest', () => {
    expect(() => checkTopic('%RETRY%g_1|x-y')).not.toThrow();
    for (const bad of ['', 'a b', 'a/b', 'x'.repeat(128), 42, undefined]) expect(() => checkTopic(bad)).toThrow(ValidationError);
  });
});
