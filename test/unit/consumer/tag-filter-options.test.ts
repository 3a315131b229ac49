import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { filterByTags, LocalFileOffsetStore, parseSubscription, PushConsumer, PullConsumer } from '../../../src/consumer/index.js';
import { ClientStateError, ProtocolError, ValidationError } from '../../../src/errors.js';
import type { MessageExt } from '../../../src/message/types.js';

describe('tag filter', () => {
  const m = (tags?: string): MessageExt => ({ tags }) as MessageExt;
  it('passes everything for *, only listed tags otherwise (text, not hash)', () => {
    expect(filterByTags(parseSubscription('T', '*'), [m('a'), m()])).toHaveLength(2);
    const sub = parseSubscription('T', ' TagA ||TagB|| ');
    expect(sub.tagsSet).toEqual(['TagA', 'TagB']);
    expect(filterByTags(sub, [m('TagA'), m('TagB'), m('TagC'), m()]).map((x) => x.tags)).toEqual(['TagA', 'TagB']);
    // "Aa" and "BB" share a Java hash code: the broker lets both through, the client keeps only the subscribed one.
    expect(filterByTags(parseSubscription('T', 'Aa'), [m('Aa'), m('BB')]).map((x) => x.tags)).toEqual(['Aa']);
  });
  it('rejects bad subscriptions', () => {
    expect(() => parseSubscription('', '*')).toThrow(ValidationError);
    expect(() => parseSubscription('T', 5 as unknown as string)).toThrow(ValidationError);
  });
});

describe('LocalFileOffsetStore', () => {
  it('persists atomically and reloads; a corrupt file is a ProtocolError', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rmq-off-'));
    try {
      const mq = { topic: 'T', brokerName: 'b', queueId: 1 };
      const s1 = new LocalFileOffsetStore(dir, 'inst/1', 'G');
      await s1.load();
      expect(s1.readMemory(mq)).toBe(-1);
      s1.update(mq, 10, true);
      s1.update(mq, 7, true);
      expect(s1.readMemory(mq)).toBe(10);
      await s1.persistAll();
      const s2 = new LocalFileOffsetStore(dir, 'inst/1', 'G');
      await s2.load();
      expect(await s2.readStore(mq)).toBe(10);
      expect(JSON.parse(readFileSync(s2.file, 'utf8')).offsetTable).toHaveLength(1);
      mkdirSync(join(dir, 'bad', 'G'), { recursive: true });
      writeFileSync(join(dir, 'bad', 'G', 'offsets.json'), '{not json');
      await expect(new LocalFileOffsetStore(dir, 'bad', 'G').load()).rejects.toBeInstanceOf(ProtocolError);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('PushConsumer options and lifecycle errors', () => {
  it('validates options with typed errors', () => {
    expect(() => new PushConsumer({ consumerGroup: '' })).toThrow(ValidationError);
    expect(() => new PushConsumer({ consumerGroup: 'bad group!' })).toThrow(ValidationError);
    expect(() => new PushConsumer({ consumerGroup: 'G', pullBatchSize: 0 })).toThrow(ValidationError);
    expect(() => new PushConsumer({ consumerGroup: 'G', messageModel: 'X' as 'CLUSTERING' })).toThrow(ValidationError);
    expect(() => new PushConsumer({ consumerGroup: 'G', consumeFromWhere: 'NOPE' as 'CONSUME_FROM_FIRST_OFFSET' })).toThrow(ValidationError);
    expect(new PushConsumer({ consumerGroup: 'G', maxReconsumeTimes: -1 }).settings.maxReconsumeTimes).toBe(16);
  });
  it('refuses to start without a listener or subscription; shutdown before start is harmless', async () => {
    const c = new PushConsumer({ consumerGroup: 'G', namesrvAddr: '127.0.0.1:1' });
    await expect(c.start()).rejects.toBeInstanceOf(ClientStateError);
    c.registerMessageListener(() => undefined);
    await expect(c.start()).rejects.toBeInstanceOf(ClientStateError);
    expect(() => c.registerMessageListener(5 as unknown as () => undefined)).toThrow(ValidationError);
    await c.shutdown();
    await c.shutdown();
    const p = new PullConsumer({ consumerGroup: 'G', namesrvAddr: '127.0.0.1:1' });
    await expect(p.start()).rejects.toBeInstanceOf(ClientStateError);
    await p.shutdown();
  });
});
