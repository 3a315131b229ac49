import { describe, expect, it } from 'vitest';
import { decodeProperties } from '../../../../src/message/index.js';
import { BatchPropertiesSuffix } from '../../../../src/mock/broker/batch-props.js';

describe('BatchPropertiesSuffix (MessageExtEncoder#encodeBatch: inner bytes + the batch request properties)', () => {
  it('appends the request properties and CLUSTER after the inner text, adding a separator only when missing', () => {
    const s = new BatchPropertiesSuffix('WAIT\u0001true\u0002', 'C1');
    expect(s.textFor('UNIQ_KEY\u0001A\u0002TAGS\u0001t\u0002')).toBe('UNIQ_KEY\u0001A\u0002TAGS\u0001t\u0002WAIT\u0001true\u0002CLUSTER\u0001C1\u0002');
    expect(s.textFor('UNIQ_KEY\u0001A')).toBe('UNIQ_KEY\u0001A\u0002WAIT\u0001true\u0002CLUSTER\u0001C1\u0002');
    // DLedger: nothing of the request is appended, CLUSTER still is.
    expect(new BatchPropertiesSuffix('', 'C1').textFor('UNIQ_KEY\u0001A\u0002')).toBe('UNIQ_KEY\u0001A\u0002CLUSTER\u0001C1\u0002');
  });

  it('names a message without UNIQ_KEY (unless the request has one) and leaves parking to the map path', () => {
    const named = decodeProperties(new BatchPropertiesSuffix('', 'C1').textFor('TAGS\u0001t\u0002') ?? '');
    expect(named.UNIQ_KEY).toMatch(/^[0-9A-F]{32}$/);
    expect(named.CLUSTER).toBe('C1');
    const batchId = new BatchPropertiesSuffix('UNIQ_KEY\u0001B\u0002', 'C1').textFor('TAGS\u0001t\u0002') ?? '';
    expect(decodeProperties(batchId).UNIQ_KEY).toBe('B');
    expect(batchId.split('UNIQ_KEY').length).toBe(2);
    expect(new BatchPropertiesSuffix('', 'C1').textFor('DELAY\u00013\u0002')).toBeUndefined();
    expect(new BatchPropertiesSuffix('', 'C1').textFor('TIMER_DELAY_SEC\u00015\u0002')).toBeUndefined();
    expect(new BatchPropertiesSuffix('DELAY\u00013\u0002', 'C1').textFor('TAGS\u0001t\u0002')).toBeUndefined();
  });
});
