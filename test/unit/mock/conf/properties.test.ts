import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ValidationError } from '../../../../src/errors.js';
import { parseJavaProperties } from '../../../../src/mock/conf/properties.js';

const kv = (text: string) => parseJavaProperties(text, 'x.conf').map((e) => [e.key, e.value, e.line]);

describe('parseJavaProperties (java.util.Properties.load rules)', () => {
  it('accepts =, : and blank separators, with blanks around them', () => {
    expect(kv('a=1\nb = 2\nc:3\nd : 4\ne 5\nf\t=\t6\n')).toEqual([
      ['a', '1', 1], ['b', '2', 2], ['c', '3', 3], ['d', '4', 4], ['e', '5', 5], ['f', '6', 6],
    ]);
  });

  it('skips # and ! comment lines and blank lines, but not a # inside a value', () => {
    expect(kv('# c\n  ! c2\n\n   \nk=v#not a comment\n')).toEqual([['k', 'v#not a comment', 5]]);
  });

  it('keeps trailing blanks in values and takes only the first separator', () => {
    expect(kv('k = a=b:c  \nempty=\nbare\n')).toEqual([['k', 'a=b:c  ', 1], ['empty', '', 2], ['bare', '', 3]]);
  });

  it('joins continuation lines, dropping the next line\'s leading blanks; an even run of backslashes does not continue', () => {
    expect(kv('peers=n0-h:1;\\\n    n1-h:2;\\\n\tn2-h:3\nnext=1\n')).toEqual([['peers', 'n0-h:1;n1-h:2;n2-h:3', 1], ['next', '1', 4]]);
    expect(kv('path=C:\\\\\nother=2\n')).toEqual([['path', 'C:\\', 1], ['other', '2', 2]]);
    // a continued line starting with # is content, not a comment
    expect(kv('a=1\\\n#2\n')).toEqual([['a', '1#2', 1]]);
  });

  it('resolves escapes in keys and values', () => {
    expect(kv('a\\=b\\ c=x\\ty\\n\\u0041\\u00e9\\q\n')).toEqual([['a=b c', 'x\ty\nAéq', 1]]);
    expect(kv('k\\:1:v\n')).toEqual([['k:1', 'v', 1]]);
  });

  it('handles CRLF and CR line ends and a missing final newline', () => {
    expect(kv('a=1\r\nb=2\rc=3')).toEqual([['a', '1', 1], ['b', '2', 2], ['c', '3', 3]]);
  });

  it('returns repeated keys in order (callers keep the last, as Java does)', () => {
    expect(kv('d=/a\nd=/b\n')).toEqual([['d', '/a', 1], ['d', '/b', 2]]);
  });

  it('rejects a malformed \\u escape with file and line', () => {
    expect(() => parseJavaProperties('ok=1\nbad=\\u12x4\n', 'b.conf')).toThrow(ValidationError);
    expect(() => parseJavaProperties('ok=1\nbad=\\u12x4\n', 'b.conf')).toThrow(/b\.conf:2/);
  });

  it('never throws anything but ValidationError on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', '=', ':', ' ', '\\', 'u', '0', '\n', '\r', '#', '!', '\t', 'é') }), (s) => {
        try {
          for (const e of parseJavaProperties(s)) {
            expect(typeof e.key).toBe('string');
            expect(e.line).toBeGreaterThanOrEqual(1);
          }
        } catch (err) {
          expect(err).toBeInstanceOf(ValidationError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
