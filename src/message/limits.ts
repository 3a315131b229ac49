/**
 * Name and size limits shared by every client (producer, consumers, admin), so that they reject the same input with
 * the same words. The mock broker keeps its own copy on purpose: client and mock must not share logic, or they could
 * be wrong together.
 * @module
 */
import { ValidationError } from '../errors.js';

/** Longest topic name (Java `TopicValidator.TOPIC_MAX_LENGTH`). */
export const TOPIC_MAX_LENGTH = 127;
/** Longest group name. */
export const GROUP_MAX_LENGTH = 120;
/** Longest encoded properties string (the stored layout keeps its length in an int16). */
export const PROPERTIES_MAX_LENGTH = 32767;
/** Largest message body brokers accept by default (`maxMessageSize`, 4 MiB). */
export const BODY_MAX_SIZE = 4 * 1024 * 1024;

/** Characters brokers accept in topic and group names. */
const NAME_RE = /^[%|a-zA-Z0-9_-]+$/;

/**
 * Checks a topic name: non-empty, at most {@link TOPIC_MAX_LENGTH} characters of `[%|a-zA-Z0-9_-]`.
 * @param topic - the name as the caller gave it
 * @throws ValidationError
 */
export function validateTopicName(topic: unknown): asserts topic is string {
  if (typeof topic !== 'string' || topic.trim() === '') throw new ValidationError('topic must be a non-empty string');
  if (topic.length > TOPIC_MAX_LENGTH) {
    throw new ValidationError(`topic is longer than ${TOPIC_MAX_LENGTH} characters (${topic.length})`, { context: { topic } });
  }
  if (!NAME_RE.test(topic)) {
    throw new ValidationError(`topic ${JSON.stringify(topic)} contains characters other than [%|a-zA-Z0-9_-]`, { context: { topic } });
  }
}

/**
 * Checks a producer or consumer group name: non-empty, at most {@link GROUP_MAX_LENGTH} characters of
 * `[%|a-zA-Z0-9_-]`.
 * @param group - the name as the caller gave it
 * @param what - the option's name, for the message (`producerGroup`, `consumerGroup`)
 * @throws ValidationError
 */
export function validateGroupName(group: unknown, what = 'group'): asserts group is string {
  if (typeof group !== 'string' || group.trim() === '') throw new ValidationError(`${what} must be a non-empty string`);
  if (group.length > GROUP_MAX_LENGTH) {
    throw new ValidationError(`${what} is longer than ${GROUP_MAX_LENGTH} characters (${group.length})`);
  }
  if (!NAME_RE.test(group)) throw new ValidationError(`${what} ${JSON.stringify(group)} contains characters other than [%|a-zA-Z0-9_-]`);
}
