import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ProtocolError } from '../../../../src/errors.js';
import { parseLenientConfigJson } from '../../../../src/mock/store/config-files.js';
import {
  ConfigStore,
  decodeConsumerOffsets,
  decodeDelayOffsets,
  decodeSubscriptionGroups,
  decodeTopicConfigWrapper,
  defaultTopicConfig,
} from '../../../../src/mock/store/config-store.js';
import { cleanupDirs, tempDir } from './helpers.js';

afterEach(cleanupDirs);

describe('ConfigStore', () => {
  it('writes the four files in the real shapes and reads them back after a restart', () => {
    const root = tempDir();
    let cfg = new ConfigStore({ storePathRootDir: root });
    cfg.putTopic({ ...defaultTopicConfig('TopicA'), readQueueNums: 4, writeQueueNums: 4 });
    cfg.putTopic({ ...defaultTopicConfig('%RETRY%G1'), readQueueNums: 1, writeQueueNums: 1, order: true });
    cfg.putSubscriptionGroup({ groupName: 'G1', retryMaxTimes: 3 });
    cfg.commitOffset('G1', 'TopicA', 0, 12);
    cfg.commitOffset('G1', 'TopicA', 3, 7);
    cfg.putDelayOffset(3, 5);
    cfg.close();

    const topics = JSON.parse(readFileSync(join(root, 'config', 'topics.json'), 'utf8'));
    expect(Object.keys(topics).sort()).toEqual(['dataVersion', 'topicConfigTable']);
    expect(topics.dataVersion.counter).toBe(2);
    expect(typeof topics.dataVersion.timestamp).toBe('number');
    expect(topics.topicConfigTable.TopicA).toEqual({
      topicName: 'TopicA', readQueueNums: 4, writeQueueNums: 4, perm: 6, topicFilterType: 'SINGLE_TAG', topicSysFlag: 0, order: false,
    });
    const offsets = JSON.parse(readFileSync(join(root, 'config', 'consumerOffset.json'), 'utf8'));
    expect(offsets).toEqual({ offsetTable: { 'TopicA@G1': { '0': 12, '3': 7 } } });
    const groups = JSON.parse(readFileSync(join(root, 'config', 'subscriptionGroup.json'), 'utf8'));
    expect(groups.subscriptionGroupTable.G1).toMatchObject({ groupName: 'G1', retryMaxTimes: 3, retryQueueNums: 1, consumeEnable: true, brokerId: 0 });
    expect(JSON.parse(readFileSync(join(root, 'config', 'delayOffset.json'), 'utf8'))).toEqual({ offsetTable: { '3': 5 } });
    expect(existsSync(join(root, 'config', 'topics.json.tmp'))).toBe(false);

    cfg = new ConfigStore({ storePathRootDir: root });
    expect(cfg.topics.get('%RETRY%G1')!.order).toBe(true);
    expect(cfg.topicsVersion.counter).toBe(2);
    expect(cfg.queryOffset('G1', 'TopicA', 3)).toBe(7);
    expect(cfg.queryOffset('G1', 'TopicA', 1)).toBe(-1);
    expect(cfg.groups.get('G1')!.retryMaxTimes).toBe(3);
    expect(cfg.delayOffsets.get(3)).toBe(5);
    expect(cfg.deleteTopic('TopicA')).toBe(true);
    expect(cfg.queryOffset('G1', 'TopicA', 3)).toBe(-1);
    cfg.close();
  });

  it('reads files written by the Java broker (fastjson: bare integer keys, extra fields)', () => {
    const root = tempDir();
    const dir = join(root, 'config');
    const cfg0 = new ConfigStore({ storePathRootDir: root });
    cfg0.persistAll();
    writeFileSync(
      join(dir, 'consumerOffset.json'),
      '{\n\t"offsetTable":{\n\t\t"%RETRY%g@g":{0:0\n\t\t},\n\t\t"TopicTest@g":{0:250,1:251,2:249,3:250\n\t\t}\n\t}\n}',
    );
    writeFileSync(join(dir, 'delayOffset.json'), '{"offsetTable":{1:3,2:0,18:9}}');
    writeFileSync(
      join(dir, 'topics.json'),
      '{"dataVersion":{"counter":5,"stateVersion":0,"timestamp":1700000000000},"topicConfigTable":{"TopicTest":{"attributes":{},"order":false,"perm":6,"readQueueNums":4,"topicFilterType":"SINGLE_TAG","topicName":"TopicTest","topicSysFlag":0,"writeQueueNums":4}}}',
    );
    const cfg = new ConfigStore({ storePathRootDir: root });
    expect(cfg.queryOffset('g', 'TopicTest', 2)).toBe(249);
    expect([...cfg.delayOffsets]).toEqual([[1, 3], [2, 0], [18, 9]]);
    expect(cfg.topics.get('TopicTest')!.readQueueNums).toBe(4);
    expect(cfg.topicsVersion.counter).toBe(5);
  });

  it('falls back to the .bak copy when a file is corrupt', () => {
    const root = tempDir();
    let cfg = new ConfigStore({ storePathRootDir: root });
    cfg.putTopic(defaultTopicConfig('A'));
    cfg.putTopic(defaultTopicConfig('B'));
    writeFileSync(join(root, 'config', 'topics.json'), '{"topicConfigTable": {');
    cfg = new ConfigStore({ storePathRootDir: root });
    expect([...cfg.topics.keys()]).toEqual(['A']);
  });

  it('rejects malformed JSON and shapes with ProtocolError', () => {
    expect(() => parseLenientConfigJson('{nope')).toThrow(ProtocolError);
    expect(parseLenientConfigJson('{"s":"{1:2}",3:[1, 2]}')).toEqual({ s: '{1:2}', '3': [1, 2] });
    expect(() => decodeTopicConfigWrapper([])).toThrow(ProtocolError);
    expect(() => decodeTopicConfigWrapper({ topicConfigTable: { T: { perm: 'x' } } })).toThrow(ProtocolError);
    expect(() => decodeConsumerOffsets({ offsetTable: { 'a@b': { x: 1 } } })).toThrow(ProtocolError);
    expect(() => decodeDelayOffsets({ offsetTable: 5 })).toThrow(ProtocolError);
    expect(() => decodeSubscriptionGroups({ subscriptionGroupTable: { G: { consumeEnable: 'yes' } } })).toThrow(ProtocolError);
  });
});
