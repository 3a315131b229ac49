import { isIPv6 } from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../src/errors.js';
import { decodeIp, encodeIp, formatHostPort, parseHostPort } from '../../../src/message/index.js';

describe('hosts', () => {
  it('parses host:port forms, including Java InetSocketAddress.toString()', () => {
    expect(parseHostPort('10.0.0.1:10911')).toEqual({ host: '10.0.0.1', port: 10911 });
    expect(parseHostPort('broker-a:10911')).toEqual({ host: 'broker-a', port: 10911 });
    expect(parseHostPort('[::1]:9876')).toEqual({ host: '::1', port: 9876 });
    expect(parseHostPort('/10.0.0.1:10911')).toEqual({ host: '10.0.0.1', port: 10911 });
    expect(parseHostPort('localhost/127.0.0.1:80')).toEqual({ host: '127.0.0.1', port: 80 });
    expect(parseHostPort('/0:0:0:0:0:0:0:1:10911')).toEqual({ host: '0:0:0:0:0:0:0:1', port: 10911 });
  });

  it('rejects bad addresses with ValidationError', () => {
    for (const bad of ['', 'nohost', ':80', '1.2.3.4:', '1.2.3.4:70000', '1.2.3.4:-1', '[::1]80', '[zz::1]:80', 'a b:1', '::g:80']) {
      expect(() => parseHostPort(bad), bad).toThrow(ValidationError);
    }
  });

  it('formats IPv6 with brackets', () => {
    expect(formatHostPort({ host: '::1', port: 1 })).toBe('[::1]:1');
    expect(formatHostPort({ host: '1.2.3.4', port: 5 })).toBe('1.2.3.4:5');
  });

  it('encodes IPv4/IPv6 text to bytes', () => {
    expect(encodeIp('192.168.0.10').toString('hex')).toBe('c0a8000a');
    expect(encodeIp('::1').toString('hex')).toBe('00000000000000000000000000000001');
    expect(encodeIp('2001:db8::1').toString('hex')).toBe('20010db8000000000000000000000001');
    expect(encodeIp('::ffff:1.2.3.4').toString('hex')).toBe('00000000000000000000ffff01020304');
    expect(encodeIp('fe80::1%eth0').toString('hex')).toBe('fe800000000000000000000000000001');
    expect(() => encodeIp('broker-a')).toThrow(ValidationError);
  });

  it('decodes IPv6 in RFC 5952 form', () => {
    expect(decodeIp(Buffer.from('20010db8000000000000000000000001', 'hex'), 0, 16)).toBe('2001:db8::1');
    expect(decodeIp(Buffer.alloc(16), 0, 16)).toBe('::');
    expect(decodeIp(Buffer.from('00010000000100000001000000010000', 'hex'), 0, 16)).toBe('1:0:1:0:1:0:1:0');
  });

  it('IPv4 and IPv6 bytes round-trip (fast-check)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (bytes) => {
        const buf = Buffer.from(bytes);
        const text = decodeIp(buf, 0, 16);
        expect(isIPv6(text)).toBe(true);
        expect(encodeIp(text).equals(buf)).toBe(true);
        const v4 = decodeIp(buf, 0, 4);
        expect(encodeIp(v4).equals(buf.subarray(0, 4))).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});
