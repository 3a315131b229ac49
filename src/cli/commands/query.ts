/**
 * `queryMsgByKey`, `queryMsgById`, `queryMsgByUniqueKey`.
 * @module
 */

import type { Admin } from '../../admin/admin.js';
import { ConnectionClosedError, ConnectionError, NotFoundError, RequestTimeoutError, ValidationError } from '../../errors.js';
import type { MessageExt } from '../../message/types.js';
import { optionalInt, optionalTime, requireString, type Command, type CommandContext } from '../command.js';
import { formatTime, messageJson, renderTable, toJson, truncate } from '../format.js';

function printList(ctx: CommandContext, messages: readonly MessageExt[]): void {
  if (ctx.json) {
    ctx.io.out(toJson(messages.map(messageJson)));
    return;
  }
  const rows = messages.map((m) => [m.msgId, m.offsetMsgId, m.queueId, m.queueOffset, m.keys.join(' '), m.tags, formatTime(m.storeTimestamp), m.storeHost, truncate(m.body.toString('utf8'), 40)]);
  ctx.io.out(renderTable(['#Message ID', '#Offset Message ID', '#QID', '#Offset', '#Keys', '#Tags', '#StoreTime', '#StoreHost', '#Body'], rows));
}

function printOne(ctx: CommandContext, m: MessageExt): void {
  if (ctx.json) {
    ctx.io.out(toJson(messageJson(m)));
    return;
  }
  const props = Object.entries(m.properties).map(([k, v]) => `${k}=${v}`).join(', ');
  const lines: [string, unknown][] = [
    ['OffsetID', m.offsetMsgId],
    ['MsgId', m.msgId],
    ['Topic', m.topic],
    ['Tags', m.tags ?? '-'],
    ['Keys', m.keys.join(' ') || '-'],
    ['Queue ID', m.queueId],
    ['Queue Offset', m.queueOffset],
    ['CommitLog Offset', m.commitLogOffset],
    ['Reconsume Times', m.reconsumeTimes],
    ['Born Timestamp', formatTime(m.bornTimestamp)],
    ['Store Timestamp', formatTime(m.storeTimestamp)],
    ['Born Host', m.bornHost],
    ['Store Host', m.storeHost],
    ['System Flag', m.sysFlag],
    ['Properties', `{${props}}`],
    ['Message Body', m.body.toString('utf8')],
  ];
  ctx.io.out(lines.map(([k, v]) => `${`${k}:`.padEnd(20)}${String(v)}`).join('\n') + '\n');
}

/** `rmq queryMsgByKey -t T -k K`. */
export const queryMsgByKey: Command = {
  name: 'queryMsgByKey',
  summary: 'Find messages by key in every broker group of a topic',
  usage: [
    'rmq queryMsgByKey -n <namesrv> -t <topic> -k <key> [-b <begin>] [-e <end>] [-m <maxNum>] [--json]',
    '  -t, --topic           topic',
    '  -k, --msgKey          message key',
    '  -b, --beginTimestamp  earliest store time (epoch ms or a date)',
    '  -e, --endTimestamp    latest store time (epoch ms or a date)',
    '  -m, --maxNum          most messages per broker group (default 64)',
    'Exit code 1 when nothing is found.',
  ].join('\n'),
  options: {
    topic: { type: 'string', short: 't' },
    msgKey: { type: 'string', short: 'k' },
    beginTimestamp: { type: 'string', short: 'b' },
    endTimestamp: { type: 'string', short: 'e' },
    maxNum: { type: 'string', short: 'm' },
  },
  async run(ctx) {
    const v = ctx.values;
    const topic = requireString(v, 'topic', '-t, --topic');
    const key = requireString(v, 'msgKey', '-k, --msgKey');
    const opts = {
      beginTimestamp: optionalTime(v, 'beginTimestamp', '-b, --beginTimestamp'),
      endTimestamp: optionalTime(v, 'endTimestamp', '-e, --endTimestamp'),
      maxNum: optionalInt(v, 'maxNum', '-m, --maxNum', 1),
    };
    const res = await ctx.withAdmin((a) => a.queryMessage(topic, key, opts));
    printList(ctx, res.messages);
    for (const s of res.sources) if (s.error) ctx.io.err(`warning: ${s.brokerName} did not answer: ${s.error}\n`);
    if (res.messages.length === 0) ctx.io.err(`no message with key ${key} in ${topic}\n`);
    return res.messages.length > 0 ? 0 : 1;
  },
};

/** Transport failures after which another replica may still have the message. */
function unreachable(err: unknown): boolean {
  return err instanceof ConnectionError || err instanceof ConnectionClosedError || err instanceof RequestTimeoutError;
}

async function byId(admin: Admin, id: string, topic: string | undefined): Promise<MessageExt> {
  try {
    return await admin.viewMessage(id, { topic });
  } catch (err) {
    // Like mqadmin: an id that is not an offsetMsgId (or whose host is gone) may still be a client id (UNIQ_KEY).
    if (topic === undefined || !(unreachable(err) || err instanceof ValidationError || err instanceof NotFoundError)) throw err;
    return admin.queryMessageByUniqKey(topic, id);
  }
}

/** `rmq queryMsgById -i ID [-t T]`. */
export const queryMsgById: Command = {
  name: 'queryMsgById',
  summary: 'Show one message by offsetMsgId (falls back to the client id when -t is given)',
  usage: ['rmq queryMsgById -n <namesrv> -i <msgId> [-t <topic>] [--json]', '  -i, --msgId   offsetMsgId (or client msgId with -t)', '  -t, --topic   topic, enables replica and unique-key fallback'].join('\n'),
  options: { msgId: { type: 'string', short: 'i' }, topic: { type: 'string', short: 't' } },
  async run(ctx) {
    const id = requireString(ctx.values, 'msgId', '-i, --msgId');
    const topic = typeof ctx.values.topic === 'string' ? ctx.values.topic : undefined;
    printOne(ctx, await ctx.withAdmin((a) => byId(a, id, topic)));
    return 0;
  },
};

/** `rmq queryMsgByUniqueKey -i ID -t T`. */
export const queryMsgByUniqueKey: Command = {
  name: 'queryMsgByUniqueKey',
  summary: 'Show one message by its client id (UNIQ_KEY, SendResult.msgId)',
  usage: ['rmq queryMsgByUniqueKey -n <namesrv> -i <msgId> -t <topic> [--json]', '  -i, --msgId   client message id', '  -t, --topic   topic'].join('\n'),
  options: { msgId: { type: 'string', short: 'i' }, topic: { type: 'string', short: 't' } },
  async run(ctx) {
    const id = requireString(ctx.values, 'msgId', '-i, --msgId');
    const topic = requireString(ctx.values, 'topic', '-t, --topic');
    printOne(ctx, await ctx.withAdmin((a) => a.queryMessageByUniqKey(topic, id)));
    return 0;
  },
};
