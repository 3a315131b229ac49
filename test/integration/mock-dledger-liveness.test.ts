/**
 * Chaos soak issue 8: a DLedger group that never got a registered master back. The state the soak ended in: the
 * leader and one follower at term t with the newest log, and a third replica that is a CANDIDATE at term t + 1 with a
 * shorter log (it raised its term once more while cut off, after losing a round a quorum had answered). Every
 * heartbeat round then got SUCCESS from the follower and EXPIRED_TERM from the candidate. DLedger keeps the leadership
 * on a quorum of successes; the mock stepped down first, re-won term t at once (same-term re-vote) and stepped down
 * again at the next heartbeat, forever, so nothing committed and the broker never became master again.
 *
 * Here that state is built deterministically: the stale replica is stopped, writes happen without it, its persisted
 * term is raised by one (what the extra isolated round did), and it comes back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MockCluster } from '../../src/mock/index.js';
import { readTermFile, writeTermFile, type RoleChangeEvent } from '../../src/mock/dledger/index.js';
import { decodeSendMessageResponse } from '../../src/protocol/send-message.js';
import { ResponseCode } from '../../src/protocol/response-codes.js';
import { Conns, sendReq, until } from './mock-helpers.js';

const G = 'broker-a';
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('dledger group: a stale candidate with a higher term and a shorter log', () => {
  let cluster: MockCluster;
  const conns = new Conns();
  beforeAll(async () => {
    // heartbeat 100 ms, leader step-down / follower timeout 300 ms
    cluster = await MockCluster.start({ groups: [{ brokerName: G, mode: 'dledger' }], timeScale: 0.05 });
    await cluster.waitForLeader(G, 5000);
    await cluster.createTopic('T', { queues: 1 });
  });
  afterAll(async () => {
    await conns.closeAll();
    await cluster.stop();
  });

  const node = (id: string) => cluster.nodes(G).find((n) => n.id === id)!.dledger!;
  const send = async (addr: string, body: string) => decodeSendMessageResponse(await conns.call(addr, sendReq('T', body), 3000));

  it('keeps the leader registered and committing, and the stale replica rejoins once the leader needs it', async () => {
    const leader = await cluster.waitForLeader(G, 5000);
    const [follower, stale] = ['n0', 'n1', 'n2'].filter((id) => id !== leader.id);
    for (let i = 0; i < 3; i++) expect((await send(leader.addr, `a${i}`)).queueOffset).toBe(i);

    await cluster.kill(G, stale);
    for (let i = 3; i < 6; i++) expect((await send(leader.addr, `b${i}`)).queueOffset).toBe(i);
    const term = node(leader.id).term;
    const dir = node(stale).log.dir;
    expect(readTermFile(dir).currTerm).toBeLessThanOrEqual(term);
    writeTermFile(dir, { currTerm: term + 1, voteLeader: stale });
    const flaps: RoleChangeEvent[] = [];
    const onRole = (e: RoleChangeEvent): void => void flaps.push(e);
    node(leader.id).on('roleChange', onRole);
    await cluster.restart(G, stale);
    expect(node(stale).term).toBe(term + 1);
    expect(node(stale).log.endIndex).toBeLessThan(node(leader.id).log.endIndex);

    // 1.5 s = 15 heartbeat rounds, each answered EXPIRED_TERM by the stale candidate: the leader holds its quorum.
    const sentDuring: number[] = [];
    const deadline = Date.now() + 1500;
    for (let i = 6; Date.now() < deadline; i++) {
      const r = await send(leader.addr, `c${i}`);
      sentDuring.push(r.queueOffset);
      await sleep(50);
    }
    node(leader.id).off('roleChange', onRole);
    expect(flaps).toEqual([]);
    expect(node(leader.id).role).toBe('LEADER');
    expect(node(leader.id).term).toBe(term);
    expect((await cluster.waitForLeader(G, 1000)).id).toBe(leader.id);
    expect(sentDuring.length).toBeGreaterThan(5);
    expect(sentDuring).toEqual(sentDuring.map((_, k) => 6 + k));

    // The up-to-date follower dies: the leader loses its quorum, steps down, and must agree a new term with the stale
    // replica. Only the old leader's log is up to date, so it wins again, and the stale replica catches up behind it.
    await cluster.kill(G, follower);
    const back = await until(
      () => {
        const l = cluster.leaderOf(G);
        return l && node(l.id).term > term + 1 && node(stale).role === 'FOLLOWER' ? l : undefined;
      },
      8000,
      'a leader in a newer term, followed by the stale replica',
    );
    expect(back.id).toBe(leader.id);
    const registered = await cluster.waitForLeader(G, 5000);
    expect(registered.id).toBe(leader.id);
    // This send needs the stale replica's ack (the follower is down), so it proves it caught up.
    const last = await send(registered.addr, 'after');
    expect(last.queueOffset).toBe(6 + sentDuring.length);
    expect(node(stale).log.endIndex).toBe(node(leader.id).log.endIndex);

    await cluster.restart(G, follower);
    await until(() => node(follower).role === 'FOLLOWER' && node(follower).log.endIndex === node(leader.id).log.endIndex, 5000, 'follower back');
    const res = await conns.call(registered.addr, sendReq('T', 'end'));
    expect(res.code).toBe(ResponseCode.SUCCESS);
  });
});
