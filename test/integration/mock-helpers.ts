/**
 * Shared helpers of the mock-* integration tests: they talk to the mock over real TCP with src/remoting and
 * src/protocol only.
 */
import { RemotingConnection } from '../../src/remoting/connection.js';
import type { RemotingCommand } from '../../src/remoting/command.js';
import { encodeProperties } from '../../src/message/properties.js';
import { encodeSendMessageRequest } from '../../src/protocol/send-message.js';
import { encodePullMessageRequest, PullSysFlag } from '../../src/protocol/pull-message.js';
import { encodeClusterInfoRequest, decodeClusterInfoResponse } from '../../src/protocol/cluster-info.js';
import type { BrokerData } from '../../src/protocol/route.js';

/** Opens a connection and remembers it for {@link closeAll}. */
export class Conns {
  private readonly open = new Map<string, RemotingConnection>();

  async to(addr: string): Promise<RemotingConnection> {
    const old = this.open.get(addr);
    if (old && !old.closed) return old;
    const i = addr.lastIndexOf(':');
    const c = await RemotingConnection.connect({ host: addr.slice(0, i), port: Number(addr.slice(i + 1)), connectTimeoutMs: 2000 });
    this.open.set(addr, c);
    return c;
  }

  async call(addr: string, cmd: RemotingCommand, timeoutMs = 5000): Promise<RemotingCommand> {
    return (await this.to(addr)).invoke(cmd, { timeoutMs });
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.open.values()].map((c) => c.close()));
    this.open.clear();
  }
}

/** A SEND_MESSAGE_V2 request. */
export function sendReq(topic: string, body: string, props: Record<string, string> = {}, queueId = 0): RemotingCommand {
  return encodeSendMessageRequest(
    {
      producerGroup: 'PG',
      topic,
      defaultTopic: 'TBW102',
      defaultTopicQueueNums: 4,
      queueId,
      sysFlag: 0,
      bornTimestamp: Date.now(),
      flag: 0,
      properties: encodeProperties(props),
    },
    Buffer.from(body),
  );
}

/** A PULL_MESSAGE with its own subscription. */
export function pullReq(topic: string, queueId: number, offset: number, suspendMs = 0, group = 'CG'): RemotingCommand {
  return encodePullMessageRequest({
    consumerGroup: group,
    topic,
    queueId,
    queueOffset: offset,
    maxMsgNums: 32,
    sysFlag: PullSysFlag.SUBSCRIPTION | (suspendMs > 0 ? PullSysFlag.SUSPEND : 0),
    commitOffset: 0,
    suspendTimeoutMillis: suspendMs,
    subscription: '*',
    subVersion: 1,
  });
}

/** The nameserver's view of a broker group (GET_BROKER_CLUSTER_INFO). */
export async function brokerDataOf(conns: Conns, namesrv: string, brokerName: string): Promise<BrokerData | undefined> {
  const info = decodeClusterInfoResponse(await conns.call(namesrv, encodeClusterInfoRequest()));
  return info.brokerAddrTable[brokerName];
}

/** Polls `fn` until it returns a value that is not undefined/false. */
export async function until<T>(fn: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
