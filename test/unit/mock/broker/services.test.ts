import { describe, expect, it } from 'vitest';
import { RebalanceLockManager } from '../../../../src/mock/broker/lock-manager.js';
import { PullHoldService } from '../../../../src/mock/broker/pull-hold.js';
import { buildSubscription, matchesTagsCode } from '../../../../src/mock/broker/subscription.js';
import { ClientManager, type ClientChannel } from '../../../../src/mock/broker/client-manager.js';
import { rejectDLedgerSync, rejectQuorumTimeout, rejectSendOnSlave } from '../../../../src/mock/broker/options.js';
import { javaStringHashCode } from '../../../../src/mock/store/record.js';

describe('broker services', () => {
  it('filters consume-queue entries by tag hash codes', () => {
    const sub = buildSubscription('T', ' TagA || TagB ', 1);
    expect(sub.tagsSet).toEqual(['TagA', 'TagB']);
    expect(matchesTagsCode(sub, javaStringHashCode('TagB'))).toBe(true);
    expect(matchesTagsCode(sub, javaStringHashCode('TagC'))).toBe(false);
    expect(matchesTagsCode(sub, 0)).toBe(false);
    expect(matchesTagsCode(buildSubscription('T', '*', 1), 12345)).toBe(true);
  });

  it('locks a queue for one client until it expires', () => {
    const locks = new RebalanceLockManager(60_000);
    const q = { topic: 'T', brokerName: 'a', queueId: 0 };
    expect(locks.tryLockBatch('G', [q], 'c1', 0)).toEqual([q]);
    expect(locks.tryLockBatch('G', [q], 'c2', 30_000)).toEqual([]);
    expect(locks.tryLockBatch('G', [q], 'c1', 30_000)).toEqual([q]);
    expect(locks.tryLockBatch('G', [q], 'c2', 90_001)).toEqual([q]);
    locks.unlockBatch('G', [q], 'c1');
    expect(locks.isLockedBy('G', q, 'c2', 90_002)).toBe(true);
    locks.unlockBatch('G', [q], 'c2');
    expect(locks.isLockedBy('G', q, 'c2', 90_002)).toBe(false);
  });

  it('wakes a parked pull only when its queue passes the wanted offset', async () => {
    let max = 5;
    const hold = new PullHoldService(() => max);
    const p = hold.hold('T', 0, 5, 10_000);
    hold.notifyArrival('T', 0);
    expect(hold.size).toBe(1);
    max = 6;
    hold.notifyArrival('T', 1);
    expect(hold.size).toBe(1);
    hold.notifyArrival('T', 0);
    await expect(p).resolves.toBe(true);
    await expect(hold.hold('T', 0, 9, 5)).resolves.toBe(false);
    const q = hold.hold('T', 0, 9, 10_000);
    hold.releaseAll();
    await expect(q).resolves.toBe(false);
  });

  it('notifies group members on join and leave, and expires silent clients', () => {
    const sent: string[] = [];
    const ch = (name: string): ClientChannel => ({ addr: name, invokeOneway: (cmd) => sent.push(`${name}:${cmd.code}:${cmd.extFields?.consumerGroup}`) });
    const a = ch('a');
    const b = ch('b');
    const m = new ClientManager();
    const data = { groupName: 'G', consumeType: 'CONSUME_PASSIVELY', messageModel: 'CLUSTERING', consumeFromWhere: 'X', subscriptions: [buildSubscription('T', '*', 1)] };
    expect(m.registerConsumer(data, 'ca', a, 0)).toBe(true);
    expect(m.registerConsumer(data, 'ca', a, 1)).toBe(false);
    m.registerConsumer(data, 'cb', b, 2);
    expect(sent).toEqual(['a:40:G', 'a:40:G', 'b:40:G']);
    sent.length = 0;
    m.channelClosed(b);
    expect(sent).toEqual(['a:40:G']);
    expect(m.scanExpired(200_000, 120_000)).toEqual([a]);
    expect(m.consumerIds('G')).toEqual([]);
  });

  it('answers with the simulated version codes and remarks', () => {
    expect(rejectSendOnSlave('5', true)).toMatchObject({ code: 2, remark: '[REJECTREQUEST]system busy, start flow control for a while' });
    expect(rejectSendOnSlave('4.9', true).code).toBe(14);
    expect(rejectSendOnSlave('5', false).code).toBe(2); // real 5.3.3 master/slave SLAVE (fixture real-send-to-slave-5.3.3)
    expect(rejectSendOnSlave('4.9', false).code).toBe(14);
    expect(rejectDLedgerSync('5').code).toBe(2);
    expect(rejectDLedgerSync('4.9').code).toBe(1);
    expect(rejectQuorumTimeout('5')).toEqual({ code: 1, remark: 'in-sync replicas not enough' });
    expect(rejectQuorumTimeout('4.9').remark).toBe('[PC_SYNCHRONIZED]broker busy, start flow control for a while');
  });
});
