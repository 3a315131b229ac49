import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MockCluster } from '../../src/mock/index.js';
import { createRequest, type RemotingCommand } from '../../src/remoting/command.js';
import { RequestCode } from '../../src/protocol/request-codes.js';
import { ResponseCode } from '../../src/protocol/response-codes.js';
import { decodeSendMessageResponse } from '../../src/protocol/send-message.js';
import { decodePullMessageResponse } from '../../src/protocol/pull-message.js';
import { encodeHeartbeatRequest } from '../../src/protocol/heartbeat.js';
import { decodeConsumerListResponse, encodeConsumerListRequest } from '../../src/protocol/consumer-list.js';
import { Conns, pullReq, sendReq, until } from './mock-helpers.js';

const heartbeat = (clientID: string) =>
  encodeHeartbeatRequest({
    clientID,
    producerDataSet: [],
    consumerDataSet: [
      {
        groupName: 'G',
        consumeType: 'CONSUME_PASSIVELY',
        messageModel: 'CLUSTERING',
        consumeFromWhere: 'CONSUME_FROM_LAST_OFFSET',
        unitMode: false,
        subscriptionDataSet: [{ classFilterMode: false, topic: 'T', subString: '*', tagsSet: [], codeSet: [], subVersion: 1, expressionType: 'TAG' }],
      },
    ],
  });

describe('master/slave group: SYNC_MASTER replication, slave rules, consumer notifications', () => {
  let cluster: MockCluster;
  const conns = new Conns();
  beforeAll(async () => {
    cluster = await MockCluster.start({ groups: [{ brokerName: 'broker-a', mode: 'master-slave', syncMaster: true }], timeScale: 0.02 });
    await cluster.createTopic('T', { queues: 1 });
  });
  afterAll(async () => {
    await conns.closeAll();
    await cluster.stop();
  });

  it('copies the commitlog to the slave, rejects slave sends/pulls, reports SLAVE_NOT_AVAILABLE without a slave', async () => {
    const master = cluster.broker('broker-a', 'n0');
    const slave = cluster.broker('broker-a', 'n1');
    const ok = decodeSendMessageResponse(await conns.call(master.addr, sendReq('T', 'a')));
    expect(ok.status).toBe('SEND_OK');
    expect(slave.store.commitLog.digest()).toBe(master.store.commitLog.digest());
    expect(slave.store.getMaxOffset('T', 0)).toBe(1);

    const onSlave = await conns.call(slave.addr, sendReq('T', 'b'));
    expect(onSlave.code).toBe(ResponseCode.SYSTEM_BUSY); // version 5, as real 5.3.3 answers
    const pulled = decodePullMessageResponse(await conns.call(slave.addr, pullReq('T', 0, 0)));
    expect(pulled.status).toBe('NO_MATCHED_MSG');
    expect(pulled.suggestWhichBrokerId).toBe(0);

    cluster.pause('broker-a', 'n1');
    const slow = decodeSendMessageResponse(await conns.call(master.addr, sendReq('T', 'c')));
    expect(slow.status).toBe('FLUSH_SLAVE_TIMEOUT');
    cluster.resume('broker-a', 'n1');
    await cluster.kill('broker-a', 'n1');
    const alone = decodeSendMessageResponse(await conns.call(master.addr, sendReq('T', 'd')));
    expect(alone.status).toBe('SLAVE_NOT_AVAILABLE');
    await cluster.restart('broker-a', 'n1');
    await until(() => slave.store.getMaxOffset('T', 0) === 3, 3000, 'slave catch-up');
  });

  it('notifies every consumer of the group when a member joins or leaves', async () => {
    const master = cluster.broker('broker-a', 'n0').addr;
    const c1 = new Conns();
    const c2 = new Conns();
    const seen: string[] = [];
    const watch = async (c: Conns, name: string) =>
      (await c.to(master)).onRequest(RequestCode.NOTIFY_CONSUMER_IDS_CHANGED, (req: RemotingCommand) => {
        seen.push(`${name}:${req.extFields?.consumerGroup}`);
        return undefined;
      });
    await watch(c1, 'c1');
    await watch(c2, 'c2');
    expect((await c1.call(master, heartbeat('10.0.0.1@1'))).code).toBe(ResponseCode.SUCCESS);
    expect((await c2.call(master, heartbeat('10.0.0.2@2'))).code).toBe(ResponseCode.SUCCESS);
    await until(() => seen.includes('c1:G') && seen.includes('c2:G'), 2000, 'notifications');
    const ids = decodeConsumerListResponse(await c1.call(master, encodeConsumerListRequest({ consumerGroup: 'G' })));
    expect(ids.sort()).toEqual(['10.0.0.1@1', '10.0.0.2@2']);
    seen.length = 0;
    await c2.closeAll();
    await until(() => seen.includes('c1:G'), 2000, 'leave notification');
    const left = decodeConsumerListResponse(await c1.call(master, encodeConsumerListRequest({ consumerGroup: 'G' })));
    expect(left).toEqual(['10.0.0.1@1']);
    // The heartbeat created the retry topic; a pull without its own subscription uses the registered one.
    const noSub = await c1.call(master, createRequest(RequestCode.PULL_MESSAGE, { consumerGroup: 'X', topic: 'T', queueId: 0, queueOffset: 0, maxMsgNums: 1, sysFlag: 0, commitOffset: 0, suspendTimeoutMillis: 0, subVersion: 1 }));
    expect(noSub.code).toBe(ResponseCode.SUBSCRIPTION_NOT_EXIST);
    const withSub = decodePullMessageResponse(await c1.call(master, createRequest(RequestCode.PULL_MESSAGE, { consumerGroup: 'G', topic: 'T', queueId: 0, queueOffset: 0, maxMsgNums: 1, sysFlag: 0, commitOffset: 0, suspendTimeoutMillis: 0, subVersion: 1 })));
    expect(withSub.status).toBe('FOUND');
    await c1.closeAll();
  });
});
