import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../src/errors.js';
import { GROUP_MAX_LENGTH, TOPIC_MAX_LENGTH, validateGroupName, validateTopicName } from '../../../src/message/limits.js';

describe('shared name limits', () => {
  it('accepts the characters brokers accept, up to the limit', () => {
    expect(() => validateTopicName('topic_dw_test_by_order_01')).not.toThrow();
    expect(() => validateTopicName('%RETRY%g|x-1')).not.toThrow();
    expect(() => validateTopicName('t'.repeat(TOPIC_MAX_LENGTH))).not.toThrow();
    expect(() => validateGroupName('g'.repeat(GROUP_MAX_LENGTH), 'consumerGroup')).not.toThrow();
  });

  it.each([
    ['', /non-empty/],
    [' ', /non-empty/],
    ['t'.repeat(TOPIC_MAX_LENGTH + 1), /longer than 127/],
    ['bad topic', /characters other than/],
    ['tópico', /characters other than/],
    [42, /non-empty/],
  ])('refuses topic %j', (topic, message) => {
    expect(() => validateTopicName(topic)).toThrow(ValidationError);
    expect(() => validateTopicName(topic)).toThrow(message);
  });

  it('names the option in group errors', () => {
    expect(() => validateGroupName('g'.repeat(GROUP_MAX_LENGTH + 1), 'consumerGroup')).toThrow(/consumerGroup is longer than 120/);
    expect(() => validateGroupName('a b', 'producerGroup')).toThrow(/producerGroup "a b" contains/);
  });
});
