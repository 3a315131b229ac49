import { describe, expect, it } from 'vitest';
import { runSend, type SendDeps, type SendRetryEvent } from '../../../src/producer/send.js';
import { LatencyFaultTolerance } from '../../../src/client/latency-fault.js';
import { buildTopicPublishInfo, type TopicPublishInfo } from '../../../src/client/topic-publish-info.js';
import type { TopicRouteData } from '../../../src/protocol/route.js';
import { encodeSendMessageRequest, encodeSendMessageResponse } from '../../../src/protocol/send-message.js';
import { createResponse, type RemotingCommand } from '../../../src/remoting/command.js';
import { AbortError, BrokerResponseError, ConnectionError, NoRouteError, SendFailedError } from '../../../src/errors.js';

const TOPIC = 'T';

function route(groups: Record<string, string | undefined>): TopicRouteData {
  return {
    queueDatas: Object.keys(groups).map((brokerName) => ({ brokerName, readQueueNums: 2, writeQueueNums: 2, perm: 6, topicSysFlag: 0 })),
    brokerDatas: Object.entries(groups).map(([brokerName, addr]) => ({
      cluster: 'c',
      brokerName,
      brokerAddrs: (addr ? { '0': addr } : { '1': `${brokerName}-slave:1` }) as Record<string, string>,
    })),
    filterServerTable: {},
  };
}

type Behaviour = (addr: string, cmd: RemotingCommand) => RemotingCommand | Error;

/** A fake cluster: a mutable route and per-address behaviour; records every request. */
function fakeDeps(initial: Record<string, string | undefined>, behave: Behaviour, faults?: LatencyFaultTolerance) {
  let current = initial;
  let info: TopicPublishInfo = buildTopicPublishInfo(TOPIC, route(current), { startIndex: 0 });
  const calls: string[] = [];
  const retries: SendRetryEvent[] = [];
  let refreshes = 0;
  const deps: SendDeps = {
    getPublishInfo: async () => info,
    refresh: async () => {
      refreshes++;
      info = buildTopicPublishInfo(TOPIC, route(current), { startIndex: info.roundRobinIndex });
    },
    masterAddr: (b) => current[b],
    invoke: async (addr, cmd) => {
      calls.push(addr);
      const out = behave(addr, cmd);
      if (out instanceof Error) throw out;
      return out;
    },
    invokeOneway: async (addr) => {
      calls.push(addr);
    },
    faults,
    random: () => 0.5,
    onRetry: (e) => retries.push(e),
  };
  return {
    deps,
    calls,
    retries,
    refreshes: () => refreshes,
    setRoute: (g: Record<string, string | undefined>) => {
      current = g;
    },
  };
}

const build = (mq: { brokerName: string; queueId: number }): RemotingCommand =>
  encodeSendMessageRequest(
    { producerGroup: 'g', topic: TOPIC, defaultTopic: 'TBW102', defaultTopicQueueNums: 4, queueId: mq.queueId, sysFlag: 0, bornTimestamp: 1, flag: 0, brokerName: mq.brokerName },
    Buffer.from('x'),
  );
const ok = (_addr: string, cmd: RemotingCommand): RemotingCommand =>
  encodeSendMessageResponse(cmd, { msgId: 'AB'.repeat(16), queueId: Number(cmd.extFields?.e), queueOffset: 7 });
const spec = { topic: TOPIC, msgId: 'ID', build, budgetMs: 3000, maxAttempts: 3 };

describe('runSend', () => {
  it('moves to another group after a connection error and isolates the failed one', async () => {
    const faults = new LatencyFaultTolerance();
    const f = fakeDeps({ a: 'a:1', b: 'b:1' }, (addr, cmd) => (addr === 'a:1' ? new ConnectionError('refused') : ok(addr, cmd)), faults);
    const out = await runSend(f.deps, spec);
    expect(out.mq.brokerName).toBe('b');
    expect(out.attempts).toBe(2);
    expect(out.result?.queueOffset).toBe(7);
    expect(f.calls).toEqual(['a:1', 'b:1']);
    expect(faults.isAvailable('a')).toBe(false);
    expect(f.retries).toHaveLength(1);
    expect(f.retries[0].brokerName).toBe('a');
    // The fault table persists: the next send goes straight to b.
    const again = await runSend(f.deps, spec);
    expect(again.attempts).toBe(1);
    expect(again.mq.brokerName).toBe('b');
  });

  it('uses the cached publish info synchronously when the deps offer it (no route fetch)', async () => {
    const f = fakeDeps({ a: 'a:1' }, ok);
    const cached = await f.deps.getPublishInfo(TOPIC);
    let fetches = 0;
    f.deps.getPublishInfo = async () => {
      fetches++;
      return cached;
    };
    f.deps.cachedPublishInfo = (topic) => (topic === TOPIC ? cached : undefined);
    const out = await runSend(f.deps, spec);
    expect(out.addr).toBe('a:1');
    expect(fetches).toBe(0);
    // Nothing cached: falls back to the (fetching) getPublishInfo.
    f.deps.cachedPublishInfo = () => undefined;
    await runSend(f.deps, spec);
    expect(fetches).toBe(1);
  });

  it('waits (without burning attempts) while no group has a master, then sends to the new leader', async () => {
    const f = fakeDeps({ a: undefined }, ok);
    setTimeout(() => f.setRoute({ a: 'a:2' }), 150);
    const t0 = Date.now();
    const out = await runSend(f.deps, spec);
    expect(out.addr).toBe('a:2');
    expect(out.attempts).toBe(1);
    expect(f.refreshes()).toBeGreaterThan(0);
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(f.retries.every((r) => r.attempt === 0 && r.error instanceof NoRouteError)).toBe(true);
  });

  it('gives up at the budget with SendFailedError listing why', async () => {
    const f = fakeDeps({ a: undefined }, ok);
    const t0 = Date.now();
    const err = await runSend(f.deps, { ...spec, budgetMs: 300 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SendFailedError);
    expect(Date.now() - t0).toBeLessThan(600);
    expect((err as SendFailedError).attempts[0].error).toBeInstanceOf(NoRouteError);
    expect(f.calls).toEqual([]);
  });

  it('stops after maxAttempts wire attempts across groups', async () => {
    const f = fakeDeps({ a: 'a:1', b: 'b:1', c: 'c:1' }, (_a, cmd) => createResponse(cmd, 14, 'service not available now'));
    const err = (await runSend(f.deps, spec).catch((e: unknown) => e)) as SendFailedError;
    expect(err).toBeInstanceOf(SendFailedError);
    expect(err.attempts).toHaveLength(3);
    expect(new Set(err.attempts.map((a) => a.brokerName)).size).toBeGreaterThanOrEqual(2);
    expect(err.attempts.every((a) => a.error instanceof BrokerResponseError && a.error.responseCode === 14)).toBe(true);
  });

  it('fails at once on a non-retriable response', async () => {
    const f = fakeDeps({ a: 'a:1', b: 'b:1' }, (_a, cmd) => createResponse(cmd, 13, 'the message is illegal'));
    const err = (await runSend(f.deps, spec).catch((e: unknown) => e)) as SendFailedError;
    expect(err.attempts).toHaveLength(1);
    expect(f.calls).toHaveLength(1);
  });

  it('fails fast when the nameserver does not know the topic', async () => {
    const f = fakeDeps({ a: 'a:1' }, ok);
    f.deps.getPublishInfo = async () => {
      throw new BrokerResponseError('TOPIC_NOT_EXIST', { responseCode: 17, responseName: 'TOPIC_NOT_EXIST', retriable: true, refreshRoute: true });
    };
    const t0 = Date.now();
    await expect(runSend(f.deps, spec)).rejects.toBeInstanceOf(SendFailedError);
    expect(Date.now() - t0).toBeLessThan(100);
  });

  it('retries another group on a non-SEND_OK status only when asked', async () => {
    const slaveNA = (_a: string, cmd: RemotingCommand): RemotingCommand =>
      encodeSendMessageResponse(cmd, { status: 'SLAVE_NOT_AVAILABLE', msgId: 'AB'.repeat(16), queueId: 0, queueOffset: 1 });
    const f = fakeDeps({ a: 'a:1', b: 'b:1' }, slaveNA);
    expect((await runSend(f.deps, spec)).result?.status).toBe('SLAVE_NOT_AVAILABLE');
    expect(f.calls).toHaveLength(1);
    const g = fakeDeps({ a: 'a:1', b: 'b:1' }, slaveNA);
    const out = await runSend(g.deps, { ...spec, retryNotStoreOK: true });
    expect(out.attempts).toBe(3);
    expect(g.calls).toHaveLength(3);
  });

  it('honours the abort signal, also while waiting for a route', async () => {
    const f = fakeDeps({ a: undefined }, ok);
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 50);
    await expect(runSend(f.deps, { ...spec, signal: ac.signal })).rejects.toBeInstanceOf(AbortError);
  });

  it('uses the ordered pick and waits when the picked group has no master', async () => {
    const f = fakeDeps({ a: 'a:1', b: undefined }, ok);
    setTimeout(() => f.setRoute({ a: 'a:1', b: 'b:9' }), 100);
    const out = await runSend(f.deps, { ...spec, pick: () => ({ topic: TOPIC, brokerName: 'b', queueId: 1 }) });
    expect(out.addr).toBe('b:9');
    expect(out.mq.queueId).toBe(1);
  });

  it('writes oneway once, without retry', async () => {
    const f = fakeDeps({ a: 'a:1' }, ok);
    const out = await runSend(f.deps, { ...spec, oneway: true });
    expect(out.result).toBeUndefined();
    expect(f.calls).toEqual(['a:1']);
  });
});
