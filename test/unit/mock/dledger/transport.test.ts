import { afterEach, describe, expect, it } from 'vitest';
import { DLedgerNetwork, type HeartBeatRequest, type HeartBeatResponse } from '../../../../src/mock/dledger/index.js';
import { ConnectionError, RequestTimeoutError } from '../../../../src/errors.js';
import { sleep } from './helpers.js';

const hb = (leaderId: string): HeartBeatRequest => ({ type: 'HEARTBEAT', group: 'g', leaderId, term: 1 });
let net: DLedgerNetwork;
afterEach(() => net.close());

function echo(): DLedgerNetwork {
  net = new DLedgerNetwork();
  for (const id of ['a', 'b', 'c']) net.register(id, (from) => ({ term: from.length, code: 'SUCCESS' }) satisfies HeartBeatResponse);
  return net;
}

describe('DLedgerNetwork', () => {
  it('delivers a request and its answer, copying buffers', async () => {
    net = new DLedgerNetwork();
    let seen: Buffer | undefined;
    net.register('b', (_from, req) => {
      if (req.type === 'PUSH') seen = req.entry;
      return { term: 1, code: 'SUCCESS', index: 0, beginIndex: 0, endIndex: 0 };
    });
    const entry = Buffer.from('abc');
    const r = await net.request('a', 'b', { type: 'PUSH', group: 'g', leaderId: 'a', term: 1, pushType: 'APPEND', entry, commitIndex: -1 }, 100);
    expect(r).toMatchObject({ code: 'SUCCESS' });
    expect(seen?.toString()).toBe('abc');
    expect(seen).not.toBe(entry);
  });

  it('times out over an isolated node or either direction of a cut link', async () => {
    echo();
    net.isolate('b');
    await expect(net.request('a', 'b', hb('a'), 20)).rejects.toBeInstanceOf(RequestTimeoutError);
    await expect(net.request('b', 'c', hb('b'), 20)).rejects.toBeInstanceOf(RequestTimeoutError);
    await expect(net.request('a', 'c', hb('a'), 50)).resolves.toMatchObject({ code: 'SUCCESS' });
    net.heal();
    net.cutLink('a', 'b');
    expect(net.linkOpen('b', 'a')).toBe(true);
    await expect(net.request('a', 'b', hb('a'), 20)).rejects.toBeInstanceOf(RequestTimeoutError);
    // b→a works one way, but b's request needs a→b for the answer
    await expect(net.request('b', 'a', hb('b'), 20)).rejects.toBeInstanceOf(RequestTimeoutError);
    net.heal();
    await expect(net.request('a', 'b', hb('a'), 50)).resolves.toMatchObject({ code: 'SUCCESS' });
  });

  it('refuses at once when the target is down', async () => {
    echo();
    net.unregister('b');
    const t0 = Date.now();
    await expect(net.request('a', 'b', hb('a'), 1000)).rejects.toBeInstanceOf(ConnectionError);
    expect(Date.now() - t0).toBeLessThan(500);
  });

  it('adds latency per direction', async () => {
    echo();
    net.setLatency('a', 'b', 40);
    const t0 = Date.now();
    await net.request('a', 'b', hb('a'), 500);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(35);
    net.setLatency('a', 'b', 0);
    const t1 = Date.now();
    await net.request('a', 'b', hb('a'), 500);
    expect(Date.now() - t1).toBeLessThan(35);
  });

  it('a paused node answers nothing and its timers wait for resume', async () => {
    echo();
    const fired: string[] = [];
    net.schedule('b', 5, () => fired.push('b-timer'));
    net.schedule('a', 5, () => fired.push('a-timer'));
    net.pause('b');
    await expect(net.request('a', 'b', hb('a'), 30)).rejects.toBeInstanceOf(RequestTimeoutError);
    expect(fired).toEqual(['a-timer']);
    const late = net.request('a', 'b', hb('a'), 500);
    await sleep(20);
    net.resume('b');
    expect(fired).toEqual(['a-timer', 'b-timer']);
    await expect(late).resolves.toMatchObject({ code: 'SUCCESS' });
  });

  it('a paused requester sees its answer only after resume', async () => {
    echo();
    let settled = false;
    const p = net.request('a', 'b', hb('a'), 1000).then(() => (settled = true));
    net.pause('a');
    await sleep(30);
    expect(settled).toBe(false);
    net.resume('a');
    await p;
    expect(settled).toBe(true);
  });
});
