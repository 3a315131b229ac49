/**
 * `consumeMessage`: read messages from a topic's queues without committing anything.
 * @module
 */

import { BrokerPool } from '../../client/broker-pool.js';
import type { MessageExt } from '../../message/types.js';
import { optionalInt, optionalTime, requireString, UsageError, type Command } from '../command.js';
import { formatTime, messageJson, renderTable, toJson, truncate } from '../format.js';
import { ProgressBar } from '../progress.js';
import { pullBatch, type PullTarget } from '../pull-reader.js';

/** `rmq consumeMessage -t T [-b broker] [-i queue] [-o offset] [-s begin] [-e end] [-c count]`. */
export const consumeMessage: Command = {
  name: 'consumeMessage',
  summary: 'Read messages from a topic (pull, read-only: no offsets are committed)',
  usage: [
    'rmq consumeMessage -n <namesrv> -t <topic> [-b <brokerName>] [-i <queueId>] [-o <offset>] [-s <begin>] [-e <end>] [-c <count>] [--json]',
    '  -t, --topic           topic',
    '  -b, --brokerName      only this broker group',
    '  -i, --queueId         only this queue',
    '  -o, --offset          start offset (default: the queue min offset)',
    '  -s, --beginTimestamp  start at the first message stored at or after this time',
    '  -e, --endTimestamp    stop at messages stored after this time',
    '  -c, --count           most messages to read (default 128)',
    '  -g, --consumerGroup   group named in the pull requests (default rmq_cli_consumer)',
    '      --subExpression   tag filter (default *)',
  ].join('\n'),
  options: {
    topic: { type: 'string', short: 't' },
    brokerName: { type: 'string', short: 'b' },
    queueId: { type: 'string', short: 'i' },
    offset: { type: 'string', short: 'o' },
    beginTimestamp: { type: 'string', short: 's' },
    endTimestamp: { type: 'string', short: 'e' },
    count: { type: 'string', short: 'c' },
    consumerGroup: { type: 'string', short: 'g' },
    subExpression: { type: 'string' },
  },
  async run(ctx) {
    const v = ctx.values;
    const topic = requireString(v, 'topic', '-t, --topic');
    const queueId = optionalInt(v, 'queueId', '-i, --queueId', 0);
    const offset = optionalInt(v, 'offset', '-o, --offset', 0);
    const begin = optionalTime(v, 'beginTimestamp', '-s, --beginTimestamp');
    const end = optionalTime(v, 'endTimestamp', '-e, --endTimestamp');
    const count = optionalInt(v, 'count', '-c, --count', 1) ?? 128;
    if (offset !== undefined && begin !== undefined) throw new UsageError('give either -o or -s, not both');
    const brokerName = typeof v.brokerName === 'string' ? v.brokerName : undefined;
    const group = typeof v.consumerGroup === 'string' ? v.consumerGroup : 'rmq_cli_consumer';
    const sub = typeof v.subExpression === 'string' ? v.subExpression : '*';
    const got: MessageExt[] = [];
    const bar = new ProgressBar(ctx.io, count, 'consuming');
    const pool = new BrokerPool();
    try {
      await ctx.withAdmin(async (admin) => {
        const route = await admin.topicRoute(topic);
        const targets: PullTarget[] = [];
        for (const qd of route.queueDatas) {
          if (brokerName !== undefined && qd.brokerName !== brokerName) continue;
          const broker = route.brokerDatas.find((b) => b.brokerName === qd.brokerName);
          if (!broker) continue;
          for (let q = 0; q < qd.readQueueNums; q++) if (queueId === undefined || q === queueId) targets.push({ topic, broker, queueId: q });
        }
        if (targets.length === 0) throw new UsageError(`no queue of ${topic} matches${brokerName ? ` -b ${brokerName}` : ''}${queueId !== undefined ? ` -i ${queueId}` : ''}`);
        for (const t of targets) {
          const mq = { topic, brokerName: t.broker.brokerName, queueId: t.queueId };
          let at = offset ?? (begin !== undefined ? await admin.searchOffset(mq, begin) : await admin.minOffset(mq));
          while (got.length < count && !ctx.io.signal?.aborted) {
            const batch = await pullBatch(pool, t, at, { group, subExpression: sub, maxMsgNums: Math.min(32, count - got.length), timeoutMs: 6000 });
            if (batch.status === 'OFFSET_ILLEGAL' && batch.nextOffset !== at) {
              at = batch.nextOffset;
              continue;
            }
            if (batch.status !== 'FOUND' && batch.status !== 'NO_MATCHED_MSG') break;
            let pastEnd = false;
            for (const m of batch.messages) {
              if (end !== undefined && m.storeTimestamp > end) {
                pastEnd = true;
                break;
              }
              if (got.length < count) {
                got.push(m);
                bar.tick();
              }
            }
            if (pastEnd || batch.nextOffset <= at) break;
            at = batch.nextOffset;
          }
          if (got.length >= count) break;
        }
      });
    } finally {
      bar.finish();
      await pool.close();
    }
    if (ctx.json) ctx.io.out(toJson(got.map(messageJson)));
    else {
      const rows = got.map((m) => [m.msgId, m.queueId, m.queueOffset, m.keys.join(' '), m.tags, formatTime(m.storeTimestamp), truncate(m.body.toString('utf8'), 60)]);
      ctx.io.out(renderTable(['#MsgId', '#QID', '#Offset', '#Keys', '#Tags', '#StoreTime', '#Body'], rows));
      ctx.io.err(`${got.length} message(s) read\n`);
    }
    return 0;
  },
};
