/**
 * `consumerProgress`.
 * @module
 */

import { requireString, type Command } from '../command.js';
import { renderTable, toJson } from '../format.js';

/** `rmq consumerProgress -g G [-t T]`. */
export const consumerProgress: Command = {
  name: 'consumerProgress',
  summary: "Show a consumer group's offsets and lag per queue",
  usage: [
    'rmq consumerProgress -n <namesrv> -g <group> [-t <topic>] [--json]',
    '  -g, --groupName  consumer group',
    '  -t, --topic      only this topic (lists every queue, even where the group has no offset)',
  ].join('\n'),
  options: { groupName: { type: 'string', short: 'g' }, topic: { type: 'string', short: 't' } },
  async run(ctx) {
    const group = requireString(ctx.values, 'groupName', '-g, --groupName');
    const topic = typeof ctx.values.topic === 'string' ? ctx.values.topic : undefined;
    const p = await ctx.withAdmin((a) => a.consumerProgress(group, topic ? { topics: [topic] } : {}));
    if (ctx.json) {
      ctx.io.out(toJson(p));
      return 0;
    }
    const rows = p.queues.map((q) => [q.topic, q.brokerName, q.queueId, q.brokerOffset, q.consumerOffset, q.lag]);
    ctx.io.out(renderTable(['#Topic', '#Broker Name', '#QID', '#Broker Offset', '#Consumer Offset', '#Diff'], rows));
    ctx.io.out(`\nConsume TPS: -\nDiff Total: ${p.totalLag}\n`);
    return 0;
  },
};
