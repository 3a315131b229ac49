/**
 * `sendMessage`: send one message, or `--count` numbered ones, through the failover-aware {@link Producer}.
 * @module
 */

import { toRocketMQError } from '../../errors.js';
import { Producer } from '../../producer/index.js';
import type { SendResult } from '../../producer/index.js';
import { optionalInt, requireString, UsageError, type Command } from '../command.js';
import { renderTable, toJson } from '../format.js';
import { ProgressBar } from '../progress.js';

interface SendRow {
  index: number;
  keys?: string;
  result?: SendResult;
  error?: string;
}

/** `rmq sendMessage -t T -p BODY [-k KEYS] [-c TAGS] [-b broker -i queue] [--count N]`. */
export const sendMessage: Command = {
  name: 'sendMessage',
  summary: 'Send a message (or --count numbered ones) and print each SendResult',
  usage: [
    'rmq sendMessage -n <namesrv> -t <topic> -p <body> [-k <keys>] [-c <tags>] [-b <brokerName> -i <queueId>] [--count <n>] [--json]',
    '  -t, --topic        topic',
    '  -p, --body         message body; {i} is replaced by the message number with --count',
    '  -k, --key          keys (space separated); {i} is replaced too',
    '  -c, --tags         tag',
    '  -b, --broker       broker group to send to (with -i)',
    '  -i, --qid          queue id to send to (with -b)',
    '  -g, --group        producer group (default rmq_cli_producer)',
    '      --count        how many to send (default 1); a progress bar shows on a terminal',
    'Exit code 1 when any send failed.',
  ].join('\n'),
  options: {
    topic: { type: 'string', short: 't' },
    body: { type: 'string', short: 'p' },
    key: { type: 'string', short: 'k' },
    tags: { type: 'string', short: 'c' },
    broker: { type: 'string', short: 'b' },
    qid: { type: 'string', short: 'i' },
    group: { type: 'string', short: 'g' },
    count: { type: 'string' },
  },
  async run(ctx) {
    const v = ctx.values;
    const topic = requireString(v, 'topic', '-t, --topic');
    const body = typeof v.body === 'string' ? v.body : undefined;
    if (body === undefined) throw new UsageError('missing required option -p, --body');
    const count = optionalInt(v, 'count', '--count', 1) ?? 1;
    const qid = optionalInt(v, 'qid', '-i, --qid', 0);
    const broker = typeof v.broker === 'string' ? v.broker : undefined;
    if ((qid === undefined) !== (broker === undefined)) throw new UsageError('-b and -i go together');
    const fill = (text: string, i: number): string => text.replaceAll('{i}', String(i));
    const producer = new Producer({ namesrvAddr: ctx.namesrvAddr(), producerGroup: typeof v.group === 'string' ? v.group : 'rmq_cli_producer' });
    const rows: SendRow[] = [];
    const bar = new ProgressBar(ctx.io, count, 'sending');
    try {
      await producer.start();
      for (let i = 0; i < count && !ctx.io.signal?.aborted; i++) {
        const keys = typeof v.key === 'string' ? fill(v.key, i) : undefined;
        const row: SendRow = { index: i, keys };
        try {
          row.result = await producer.send(
            { topic, body: fill(body, i), keys, tags: typeof v.tags === 'string' ? v.tags : undefined },
            broker !== undefined && qid !== undefined ? { queue: { topic, brokerName: broker, queueId: qid } } : {},
          );
        } catch (err) {
          row.error = toRocketMQError(err).message;
        }
        rows.push(row);
        bar.tick();
      }
    } finally {
      bar.finish();
      await producer.shutdown();
    }
    if (ctx.json) ctx.io.out(toJson(rows));
    else {
      const table = rows.map((r) =>
        r.result
          ? [r.index, r.result.messageQueue.brokerName, r.result.messageQueue.queueId, r.result.queueOffset, r.result.status, r.result.msgId, r.keys]
          : [r.index, '-', '-', '-', `FAILED: ${r.error}`, '-', r.keys],
      );
      ctx.io.out(renderTable(['#', '#Broker Name', '#QID', '#Queue Offset', '#Send Result', '#MsgId', '#Keys'], table));
    }
    return rows.every((r) => r.result) ? 0 : 1;
  },
};
