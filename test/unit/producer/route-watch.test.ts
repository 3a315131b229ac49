import { describe, expect, it } from 'vitest';
import { RouteWatch } from '../../../src/producer/route-watch.js';
import { HeartbeatService } from '../../../src/producer/heartbeat.js';
import { parseHeartbeatData } from '../../../src/protocol/heartbeat.js';
import { createResponse, type RemotingCommand } from '../../../src/remoting/command.js';

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('RouteWatch', () => {
  it('re-polls quickly until the group has a master other than the failed one', async () => {
    let master: string | undefined = 'old:1';
    let refreshes = 0;
    const w = new RouteWatch({ refresh: async () => void refreshes++, masterAddr: () => master }, { intervalMs: 20, windowMs: 5000 });
    w.watch('T', 'a', 'old:1');
    await wait(100);
    expect(refreshes).toBeGreaterThanOrEqual(3);
    expect(w.watched()).toEqual(['T/a']);
    master = undefined;
    await wait(50);
    expect(w.watched()).toEqual(['T/a']);
    master = 'new:1';
    await wait(60);
    expect(w.watched()).toEqual([]);
    const settled = refreshes;
    await wait(60);
    expect(refreshes).toBe(settled);
    w.stop();
  });

  it('merges topics into one refresh per tick, stops on success, at the window end and on stop()', async () => {
    const topics: string[] = [];
    const w = new RouteWatch({ refresh: async (t) => void topics.push(t), masterAddr: () => undefined }, { intervalMs: 10, windowMs: 80 });
    w.watch('T', 'a');
    w.watch('T', 'b');
    w.watch('U', 'a');
    await wait(30);
    expect(topics.filter((t) => t === 'T').length).toBe(topics.filter((t) => t === 'U').length);
    w.resolved('U', 'a');
    expect(w.watched().sort()).toEqual(['T/a', 'T/b']);
    await wait(150);
    expect(w.watched()).toEqual([]);
    w.watch('T', 'a');
    w.stop();
    expect(w.watched()).toEqual([]);
    w.watch('T', 'a');
    expect(w.watched()).toEqual([]);
  });
});

describe('HeartbeatService', () => {
  it('sends producer data to every master and unregisters', async () => {
    const seen: Array<{ addr: string; code: number; cmd: RemotingCommand }> = [];
    const hb = new HeartbeatService(
      {
        masterAddrs: () => ['a:1', 'b:1'],
        invoke: async (addr, cmd) => {
          seen.push({ addr, code: cmd.code, cmd });
          if (addr === 'b:1') throw new Error('down');
          return createResponse(cmd, 0);
        },
      },
      { clientId: '10.0.0.1@1#2', producerGroup: 'PG', intervalMs: 10 },
    );
    await hb.sendAll();
    expect(hb.sent).toBe(1);
    const body = parseHeartbeatData(seen[0].cmd.body as Buffer);
    expect(body.clientID).toBe('10.0.0.1@1#2');
    expect(body.producerDataSet.map((p) => p.groupName)).toEqual(['PG', 'CLIENT_INNER_PRODUCER']);
    expect(body.consumerDataSet).toEqual([]);
    await hb.unregisterAll(100);
    const unreg = seen.filter((s) => s.code === 35);
    expect(unreg.map((s) => s.addr)).toEqual(['a:1', 'b:1']);
    expect(unreg[0].cmd.extFields).toMatchObject({ clientID: '10.0.0.1@1#2', producerGroup: 'PG' });
    hb.start();
    await wait(40);
    hb.stop();
    expect(hb.sent).toBeGreaterThan(1);
  });
});
