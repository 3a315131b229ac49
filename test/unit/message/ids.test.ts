import { networkInterfaces } from 'node:os';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../src/errors.js';
import fc from 'fast-check';
import {
  chooseUniqIdIp,
  createOffsetMsgId,
  createUniqId,
  decodeOffsetMsgId,
  parseUniqId,
  UniqIdGenerator,
} from '../../../src/message/index.js';

describe('UNIQ_KEY (MessageClientIDSetter)', () => {
  it('is 32 upper-case hex chars with a fixed 20-char prefix, unique over 100k calls', () => {
    const seen = new Set<string>();
    const first = createUniqId();
    const malformed: string[] = [];
    for (let i = 0; i < 100_000; i++) {
      const id = createUniqId();
      // One expect for the whole loop (100k expect() calls cost more than the ids themselves).
      if (!/^[0-9A-F]{32}$/.test(id)) malformed.push(id);
      seen.add(id);
    }
    expect(malformed).toEqual([]);
    expect(seen.size).toBe(100_000);
    const prefixes = new Set([...seen].map((s) => s.slice(0, 20)));
    expect(prefixes).toEqual(new Set([first.slice(0, 20)]));
  });

  it('parses back to our ip, pid, timestamp and counter', () => {
    const before = Date.now();
    const id = createUniqId();
    const info = parseUniqId(id);
    expect(info.pid).toBe(process.pid & 0xffff);
    expect(info.timestamp).toBeGreaterThanOrEqual(before);
    expect(info.timestamp).toBeLessThanOrEqual(Date.now());
    const hasLanIp = Object.values(networkInterfaces()).some((l) =>
      (l ?? []).some((i) => i.family === 'IPv4' && !i.internal && !i.address.startsWith('127.')));
    // With a LAN address the choice is deterministic; without one it is time bytes (Java's createFakeIP).
    if (hasLanIp) expect(info.ip).toBe([...chooseUniqIdIp()].join('.'));
    else expect(info.ip).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    const next = parseUniqId(createUniqId());
    expect(next.counter).toBe((info.counter + 1) & 0xffff);
  });

  it('lays out ip | pid | salt | ms since month start | counter exactly', () => {
    const t = new Date(2024, 4, 3, 10, 20, 30, 400).getTime(); // local time, May 3rd
    const g = new UniqIdGenerator({ ip: Buffer.from([10, 0, 0, 5]), pid: 0x12345, salt: -2, now: () => t });
    const monthStart = new Date(2024, 4, 1).getTime();
    const diff = (t - monthStart).toString(16).toUpperCase().padStart(8, '0');
    expect(g.next()).toBe(`0A000005` + `2345` + `FFFFFFFE` + diff + `0000`);
    expect(g.next().slice(-4)).toBe('0001');
    const info = parseUniqId(`0A0000052345FFFFFFFE${diff}0001`, t + 5);
    expect(info).toEqual({ ip: '10.0.0.5', pid: 0x2345, salt: -2, timestamp: t, counter: 1 });
  });

  it('recomputes the month start when the clock crosses into the next month, and clamps small steps back', () => {
    let now = new Date(2024, 0, 31, 23, 59, 59, 999).getTime();
    const g = new UniqIdGenerator({ ip: Buffer.from([1, 2, 3, 4]), pid: 1, salt: 1, now: () => now });
    const jan = parseInt(g.next().slice(20, 28), 16);
    expect(jan).toBe(now - new Date(2024, 0, 1).getTime());
    now = new Date(2024, 1, 1, 0, 0, 0, 7).getTime();
    expect(parseInt(g.next().slice(20, 28), 16)).toBe(7);
    now -= 100; // NTP step back across the month start: diff -93 is clamped to 0
    expect(g.next().slice(20, 28)).toBe('00000000');
  });

  it('counter wraps at 16 bits', () => {
    const g = new UniqIdGenerator({ ip: Buffer.from([1, 2, 3, 4]), pid: 1, salt: 1, now: () => 1_700_000_000_000 });
    let last = '';
    for (let i = 0; i <= 65536; i++) last = g.next();
    expect(last.slice(-4)).toBe('0000');
  });

  it('uses a non-loopback IPv4 or falls back to time bytes, never 127.x', () => {
    const ip = chooseUniqIdIp();
    expect(ip.length).toBe(4);
    expect(ip[0]).not.toBe(127);
  });

  it('rejects malformed ids', () => {
    for (const bad of ['', 'ABC', 'Z'.repeat(32), '0'.repeat(31), '0'.repeat(40)]) {
      expect(() => parseUniqId(bad)).toThrow(ValidationError);
    }
  });
});

describe('offsetMsgId (MessageDecoder#createMessageId/decodeMessageId)', () => {
  it('encodes ip + port + offset as upper-case hex', () => {
    expect(createOffsetMsgId('10.0.0.5:10911', 0x100002000)).toBe('0A00000500002A9F0000000100002000');
    expect(createOffsetMsgId('[::1]:10911', 8192)).toBe('0000000000000000000000000000000100002A9F0000000000002000');
    expect(decodeOffsetMsgId('0A00000500002A9F0000000100002000')).toEqual({
      host: '10.0.0.5',
      port: 10911,
      address: '10.0.0.5:10911',
      offset: 4294975488,
    });
    expect(decodeOffsetMsgId('0000000000000000000000000000000100002a9f0000000000002000').address).toBe('[::1]:10911');
  });

  it('round-trips IPv4 and IPv6 (fast-check)', () => {
    const host = fc.oneof(fc.ipV4(), fc.ipV6().map((h) => `[${h}]`));
    fc.assert(
      fc.property(host, fc.integer({ min: 0, max: 65535 }), fc.nat({ max: Number.MAX_SAFE_INTEGER }), (h, p, off) => {
        const id = createOffsetMsgId(`${h}:${p}`, off);
        expect(id).toMatch(h.startsWith('[') ? /^[0-9A-F]{56}$/ : /^[0-9A-F]{32}$/);
        const back = decodeOffsetMsgId(id);
        expect(back.port).toBe(p);
        expect(back.offset).toBe(off);
        expect(createOffsetMsgId(back.address, back.offset)).toBe(id);
      }),
      { numRuns: 1000 },
    );
  });

  it('anything but 32 or 56 hex chars is a ValidationError', () => {
    for (const bad of ['', '0A00', '0'.repeat(33), 'G'.repeat(32), '0'.repeat(57), 'FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF']) {
      expect(() => decodeOffsetMsgId(bad), bad).toThrow(ValidationError);
    }
    expect(() => createOffsetMsgId('broker:1', 0)).toThrow(ValidationError);
  });
});
