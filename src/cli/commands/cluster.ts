/**
 * `clusterList`, `topicRoute`, `updateTopic`.
 * @module
 */

import { PermName } from '../../protocol/route.js';
import { optionalInt, requireString, UsageError, type Command } from '../command.js';
import { renderTable, toJson } from '../format.js';

/** `rmq clusterList`: groups, replicas, and which one leads. */
export const clusterList: Command = {
  name: 'clusterList',
  summary: 'List broker groups, their replicas and which replica leads',
  usage: 'rmq clusterList -n <namesrv> [--json]',
  options: {},
  async run(ctx) {
    const overview = await ctx.withAdmin((a) => a.clusterInfo({ runtime: true }));
    if (ctx.json) {
      ctx.io.out(toJson(overview.groups));
      return 0;
    }
    const rows = overview.groups.flatMap((g) =>
      g.replicas.length === 0
        ? [[g.clusterName, g.brokerName, '-', '-', 'NO REPLICA', '-', '-', '-']]
        : g.replicas.map((r) => [g.clusterName, g.brokerName, r.brokerId, r.addr, r.leader ? 'LEADER' : 'FOLLOWER', r.brokerRole ?? (r.error ? 'unreachable' : '-'), r.version, r.maxPhyOffset]),
    );
    ctx.io.out(renderTable(['#Cluster', '#Broker', '#BID', '#Addr', '#Role', '#BrokerRole', '#Version', '#MaxPhyOffset'], rows));
    for (const g of overview.groups) if (g.leaderAddr === undefined) ctx.io.out(`${g.brokerName}: no leader registered (election in progress?)\n`);
    return 0;
  },
};

/** `rmq topicRoute -t T`: the nameserver's route for a topic. */
export const topicRoute: Command = {
  name: 'topicRoute',
  summary: "Show a topic's route (broker groups, addresses, queues)",
  usage: 'rmq topicRoute -n <namesrv> -t <topic> [--json]',
  options: { topic: { type: 'string', short: 't' } },
  async run(ctx) {
    const topic = requireString(ctx.values, 'topic', '-t, --topic');
    const route = await ctx.withAdmin((a) => a.topicRoute(topic));
    if (ctx.json) {
      ctx.io.out(toJson(route));
      return 0;
    }
    const brokers = route.brokerDatas.flatMap((b) =>
      Object.entries(b.brokerAddrs)
        .sort(([x], [y]) => Number(x) - Number(y))
        .map(([id, addr]) => [b.cluster, b.brokerName, id, addr]),
    );
    ctx.io.out(renderTable(['#Cluster', '#Broker', '#BID', '#Addr'], brokers));
    ctx.io.out('\n');
    const queues = route.queueDatas.map((q) => [q.brokerName, q.readQueueNums, q.writeQueueNums, permText(q.perm), q.topicSysFlag]);
    ctx.io.out(renderTable(['#Broker', '#ReadQueues', '#WriteQueues', '#Perm', '#SysFlag'], queues));
    return 0;
  },
};

function permText(perm: number): string {
  return `${perm & PermName.READ ? 'R' : '-'}${perm & PermName.WRITE ? 'W' : '-'}${perm & PermName.INHERIT ? 'X' : '-'}`;
}

/** `rmq updateTopic`: create or update a topic on every master of a cluster (or one broker). */
export const updateTopic: Command = {
  name: 'updateTopic',
  summary: 'Create or update a topic on every master of a cluster (or on one broker)',
  usage: [
    'rmq updateTopic -n <namesrv> -t <topic> [-c <cluster> | -b <brokerAddr>] [-r <readQueues>] [-w <writeQueues>] [-p <perm>] [-o]',
    '  -t, --topic           topic name',
    '  -c, --clusterName     cluster whose masters get the topic (default: the only cluster)',
    '  -b, --brokerAddr      create on this broker only',
    '  -r, --readQueueNums   read queues (default 8)',
    '  -w, --writeQueueNums  write queues (default 8)',
    '  -p, --perm            permission bits: 2 write, 4 read, 6 both (default 6)',
    '  -o, --order           ordered topic',
  ].join('\n'),
  options: {
    topic: { type: 'string', short: 't' },
    clusterName: { type: 'string', short: 'c' },
    brokerAddr: { type: 'string', short: 'b' },
    readQueueNums: { type: 'string', short: 'r' },
    writeQueueNums: { type: 'string', short: 'w' },
    perm: { type: 'string', short: 'p' },
    order: { type: 'boolean', short: 'o' },
  },
  async run(ctx) {
    const v = ctx.values;
    const topic = requireString(v, 'topic', '-t, --topic');
    if (v.clusterName !== undefined && v.brokerAddr !== undefined) throw new UsageError('give either -c or -b, not both');
    const read = optionalInt(v, 'readQueueNums', '-r, --readQueueNums', 1) ?? 8;
    const write = optionalInt(v, 'writeQueueNums', '-w, --writeQueueNums', 1) ?? 8;
    const perm = optionalInt(v, 'perm', '-p, --perm', 0) ?? 6;
    const outcomes = await ctx.withAdmin((a) =>
      a.createTopic({
        topic,
        queues: Math.max(read, write),
        readQueues: read,
        writeQueues: write,
        perm,
        order: v.order === true,
        clusterName: typeof v.clusterName === 'string' ? v.clusterName : undefined,
        brokerAddr: typeof v.brokerAddr === 'string' ? v.brokerAddr : undefined,
      }),
    );
    if (ctx.json) ctx.io.out(toJson({ topic, readQueueNums: read, writeQueueNums: write, perm, outcomes }));
    else ctx.io.out(renderTable(['#Broker', '#Addr', '#Result'], outcomes.map((o) => [o.brokerName, o.addr, o.ok ? 'create topic success' : `FAILED: ${o.error}`])));
    return outcomes.every((o) => o.ok) ? 0 : 1;
  },
};
