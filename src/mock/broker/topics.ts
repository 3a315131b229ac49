/**
 * Topic table helpers over the store's `config/topics.json` (Java `TopicConfigManager`): system topics created at
 * start, on-demand creation of retry/DLQ topics, and validation of topic names (TopicValidator).
 * @module
 */
import { defaultTopicConfig, type ConfigStore, type TopicConfig } from '../store/config-store.js';

/** Topic that parks delayed messages. */
export const SCHEDULE_TOPIC = 'SCHEDULE_TOPIC_XXXX';
/** Topic that parks transaction half messages. */
export const TRANS_HALF_TOPIC = 'RMQ_SYS_TRANS_HALF_TOPIC';
/** The default topic producers copy for auto-created topics. */
export const AUTO_CREATE_TOPIC = 'TBW102';
/** SCHEDULE_TOPIC_XXXX queues: one per delay level (18) plus queue 18 for 5.x timer messages. */
export const SCHEDULE_QUEUE_NUMS = 19;
/** Read + write. */
export const PERM_RW = 6;
const PERM_INHERIT_RW = 7;
const TOPIC_RE = /^[%|a-zA-Z0-9_-]+$/;

/** Retry topic of a consumer group. */
export const retryTopic = (group: string): string => `%RETRY%${group}`;
/** Dead-letter topic of a consumer group. */
export const dlqTopic = (group: string): string => `%DLQ%${group}`;

/** Adds the system topics a broker always has. */
export function ensureSystemTopics(config: ConfigStore, clusterName: string, brokerName: string, autoCreate: boolean): void {
  const sys = (name: string, queues: number, perm: number): void => {
    if (!config.topics.has(name)) {
      config.putTopic({ ...defaultTopicConfig(name), readQueueNums: queues, writeQueueNums: queues, perm });
    }
  };
  sys(SCHEDULE_TOPIC, SCHEDULE_QUEUE_NUMS, PERM_RW);
  sys(TRANS_HALF_TOPIC, 1, PERM_RW);
  sys(clusterName, 16, PERM_INHERIT_RW);
  sys(brokerName, 1, PERM_INHERIT_RW);
  if (autoCreate) sys(AUTO_CREATE_TOPIC, 8, PERM_INHERIT_RW);
}

/**
 * Creates a topic unless it exists (createTopicInSendMessageBackMethod); returns it and whether it is new.
 */
export function ensureTopic(config: ConfigStore, name: string, queues: number, perm: number): { topic: TopicConfig; created: boolean } {
  const old = config.topics.get(name);
  if (old) return { topic: old, created: false };
  const topic = { ...defaultTopicConfig(name), readQueueNums: queues, writeQueueNums: queues, perm };
  config.putTopic(topic);
  return { topic, created: true };
}

/** Validates a topic name for sends and creation; returns an error remark or undefined. */
export function checkTopicName(topic: string): string | undefined {
  if (topic.length === 0) return 'The specified topic is blank.';
  if (topic.length > 127) return 'The specified topic is longer than topic max length.';
  if (!TOPIC_RE.test(topic)) return `The specified topic[${topic}] contains illegal characters, allowing only ^[%|a-zA-Z0-9_-]+$`;
  return undefined;
}

/** System topics clients may not send to directly. */
export function isSystemTopic(topic: string): boolean {
  return topic === SCHEDULE_TOPIC || topic === TRANS_HALF_TOPIC || topic.startsWith('rmq_sys_') || topic === 'RMQ_SYS_TRACE_TOPIC_';
}
