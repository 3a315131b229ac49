import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parsePropertiesString, PropsText } from '../../../../src/mock/store/index.js';

// Names and values from a small alphabet with both separators, so repeats, empty values and malformed pairs are common.
const text = fc.array(fc.constantFrom('A', 'B', 'AB', 'BA', 'x', '\u0001', '\u0002'), { maxLength: 30 }).map((a) => a.join(''));

describe('PropsText (a properties string searched, not split)', () => {
  it('answers exactly as parsePropertiesString: last non-empty value of a pair-starting name (fast-check)', () => {
    fc.assert(
      fc.property(text, fc.constantFrom('A', 'B', 'AB', 'BA', 'x'), (s, name) => {
        expect(new PropsText(s).get(name)).toBe(parsePropertiesString(s).get(name));
      }),
      { numRuns: 5000 },
    );
  });

  it('reads the repeated name a broker appends (the batch request after the inner message) as the last value', () => {
    const p = new PropsText('UNIQ_KEY\u0001inner\u0002TAGS\u0001t\u0002XUNIQ_KEY\u0001no\u0002UNIQ_KEY\u0001batch\u0002EMPTY\u0001\u0002');
    expect(p.get('UNIQ_KEY')).toBe('batch');
    expect(p.get('TAGS')).toBe('t');
    expect(p.get('EMPTY')).toBeUndefined();
    expect(p.get('KEYS')).toBeUndefined();
  });
});
