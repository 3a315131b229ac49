import { describe, expect, it } from 'vitest';
import { buildClientId, localIPv4, resolveInstanceName } from '../../../src/client/client-id.js';

describe('client id', () => {
  it('DEFAULT becomes <pid>#<nanos>, unique per call', () => {
    const a = resolveInstanceName();
    const b = resolveInstanceName('DEFAULT');
    expect(a).toMatch(new RegExp(`^${process.pid}#\\d+$`));
    expect(a).not.toBe(b);
    expect(resolveInstanceName('app-1')).toBe('app-1');
  });

  it('ip@instance[@unit]', () => {
    expect(buildClientId({ clientIP: '10.1.2.3', instanceName: 'inst' })).toBe('10.1.2.3@inst');
    expect(buildClientId({ clientIP: '10.1.2.3', instanceName: 'inst', unitName: 'u1' })).toBe('10.1.2.3@inst@u1');
    expect(buildClientId()).toMatch(new RegExp(`^\\d+\\.\\d+\\.\\d+\\.\\d+@${process.pid}#\\d+$`));
  });

  it('first non-loopback IPv4, loopback fallback', () => {
    const lo = { address: '127.0.0.1', netmask: '255.0.0.0', family: 'IPv4', mac: '00:00:00:00:00:00', internal: true, cidr: null } as const;
    const v6 = { address: 'fe80::1', netmask: 'ffff::', family: 'IPv6', mac: 'aa:bb:cc:dd:ee:ff', internal: false, cidr: null, scopeid: 1 } as const;
    const eth = { address: '192.168.7.9', netmask: '255.255.255.0', family: 'IPv4', mac: 'aa:bb:cc:dd:ee:ff', internal: false, cidr: null } as const;
    expect(localIPv4({ lo: [lo], eth0: [v6, eth] })).toBe('192.168.7.9');
    expect(localIPv4({ lo: [lo], eth0: [v6] })).toBe('127.0.0.1');
    expect(localIPv4({})).toBe('127.0.0.1');
    expect(localIPv4()).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
  });
});
