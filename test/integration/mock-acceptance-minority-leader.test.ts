/**
 * Issue 3 acceptance: "a minority leader accepts a send that then fails with the quorum-timeout answer and is never
 * consumable unless later committed" — the *never committed* half (mock-dledger-minority.test.ts covers the late
 * commit). The leader is cut off from both followers, takes a send, answers 5.x's quorum timeout; the majority
 * elects a new leader that writes at the same queue offset; after healing the old leader truncates its entry, and
 * no replica ever serves it, by pull, by key or by offset, not even after a restart from disk. Over TCP, with
 * src/remoting + src/protocol only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MockCluster } from '../../src/mock/index.js';
import { ResponseCode } from '../../src/protocol/response-codes.js';
import { decodeSendMessageResponse } from '../../src/protocol/send-message.js';
import { decodePullMessageResponse } from '../../src/protocol/pull-message.js';
import { decodeQueryMessageResponse, encodeQueryMessageRequest } from '../../src/protocol/query-message.js';
import { decodeOffsetResponse, encodeGetMaxOffsetRequest } from '../../src/protocol/offsets.js';
import { RequestCode } from '../../src/protocol/request-codes.js';
import { decodeStoredMessages } from '../../src/message/stored.js';
import { Conns, brokerDataOf, pullReq, sendReq, until } from './mock-helpers.js';

const B = 'broker-a';
const IDS = ['n0', 'n1', 'n2'];

describe('dledger group: a minority leader’s timed-out send is never consumable when it never commits', () => {
  let cluster: MockCluster;
  const conns = new Conns();
  beforeAll(async () => {
    // timeScale 0.1: quorum wait 250 ms, leader step-down and follower timeout after > 600 ms without a quorum.
    // slaveReadEnable: followers serve pulls too (5.x rejects them otherwise), so every replica can be checked.
    cluster = await MockCluster.start({ groups: [{ brokerName: B, mode: 'dledger', slaveReadEnable: true }], timeScale: 0.1 });
    await cluster.waitForLeader(B, 10_000);
    await cluster.createTopic('T', { queues: 1 });
  });
  afterAll(async () => {
    await conns.closeAll();
    await cluster.stop();
  });

  /** Everything a replica serves for queue 0 (pull from 0), its max offset, and whether key 'amb' is found. */
  async function view(addr: string): Promise<{ bodies: string[]; max: number; ambByKey: boolean }> {
    const max = decodeOffsetResponse(await conns.call(addr, encodeGetMaxOffsetRequest({ topic: 'T', queueId: 0 })), RequestCode.GET_MAX_OFFSET);
    const p = decodePullMessageResponse(await conns.call(addr, pullReq('T', 0, 0)));
    const bodies = p.status === 'FOUND' ? decodeStoredMessages(p.body).map((m) => m.body.toString()) : [];
    const q = decodeQueryMessageResponse(
      await conns.call(addr, encodeQueryMessageRequest({ topic: 'T', key: 'amb', maxNum: 32, beginTimestamp: 0, endTimestamp: Date.now() + 60_000 })),
    );
    return { bodies, max, ambByKey: q.found };
  }

  it('answers the quorum timeout, the majority overwrites the offset, and the entry is truncated everywhere', async () => {
    const old = await cluster.waitForLeader(B, 10_000);
    for (let i = 0; i < 3; i++) {
      const r = decodeSendMessageResponse(await conns.call(old.addr, sendReq('T', `m${i}`, { KEYS: `k${i}` })));
      expect(r.queueOffset).toBe(i);
    }
    cluster.isolate(B, old.id);
    // The isolated leader still believes it leads: it writes the entry locally and waits for a quorum in vain.
    const res = await conns.call(old.addr, sendReq('T', 'ambiguous', { KEYS: 'amb' }));
    expect(res.code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(res.remark).toBe('in-sync replicas not enough');
    const oldNode = cluster.nodes(B).find((n) => n.id === old.id)!.dledger!;
    expect(oldNode.log.endIndex).toBeGreaterThan(oldNode.committedIndex); // written, not committed
    expect(await view(old.addr)).toEqual({ bodies: ['m0', 'm1', 'm2'], max: 3, ambByKey: false });

    // The majority elects a new leader, registered as brokerId 0 over TCP, and writes queue offset 3 itself.
    const fresh = await until(
      async () => {
        const l = cluster.leaderOf(B);
        if (!l || l.id === old.id) return undefined;
        const bd = await brokerDataOf(conns, cluster.namesrvAddr, B);
        return bd?.brokerAddrs['0'] === l.addr ? l : undefined;
      },
      10_000,
      'a majority leader registered as brokerId 0',
    );
    expect(await view(old.addr)).toMatchObject({ max: 3, ambByKey: false });
    const next = decodeSendMessageResponse(await conns.call(fresh.addr, sendReq('T', 'after', { KEYS: 'k3' })));
    expect(next.status).toBe('SEND_OK');
    expect(next.queueOffset).toBe(3);

    cluster.heal(B);
    const dl = IDS.map((id) => cluster.nodes(B).find((n) => n.id === id)!.dledger!);
    await until(() => {
      const end = dl.find((d) => d.role === 'LEADER')?.log.endIndex;
      return end !== undefined && dl.every((d) => d.log.endIndex === end && d.committedIndex === end);
    }, 10_000, 'the old leader to follow and truncate');
    const expected = { bodies: ['m0', 'm1', 'm2', 'after'], max: 4, ambByKey: false };
    for (const id of IDS) expect(await view(cluster.broker(B, id).addr), id).toEqual(expected);

    // Not resurrected from disk either.
    for (const id of IDS) await cluster.kill(B, id);
    await conns.closeAll();
    for (const id of IDS) await cluster.restart(B, id);
    const again = await cluster.waitForLeader(B, 10_000);
    expect(await view(again.addr)).toEqual(expected);
    for (const d of dl) for (let i = d.log.beginIndex; i <= d.log.endIndex; i++) expect(d.log.get(i)!.body.includes('ambiguous')).toBe(false);
  });
});
