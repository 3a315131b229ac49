/** Every `rmq` subcommand run in process against a mock cluster (one DLedger group, one single broker). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIO } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import { MockCluster } from '../../src/mock/index.js';

let cluster: MockCluster;
let n: string;

function capture(): CliIO & { stdout: string; stderr: string } {
  const io = {
    stdout: '',
    stderr: '',
    errIsTTY: false,
    env: {},
    out(t: string) {
      io.stdout += t;
    },
    err(t: string) {
      io.stderr += t;
    },
  };
  return io;
}

async function rmq(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const io = capture();
  const code = await main(argv, io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

beforeAll(async () => {
  cluster = await MockCluster.start({
    groups: [
      { brokerName: 'broker-d', mode: 'dledger', replicas: 3 },
      { brokerName: 'broker-s', mode: 'single' },
    ],
  });
  await cluster.waitForLeader('broker-d');
  n = cluster.namesrvAddr;
});

afterAll(async () => {
  await cluster?.stop();
});

describe('rmq in process', () => {
  it('clusterList shows the leader and the followers', async () => {
    const leader = await cluster.waitForLeader('broker-d');
    const r = await rmq('clusterList', '-n', n);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n').filter((l) => l.includes('broker-d'));
    expect(lines).toHaveLength(3);
    expect(lines.filter((l) => /\bLEADER\b/.test(l))).toEqual([expect.stringContaining(leader.addr)]);
    expect(lines.filter((l) => /\bFOLLOWER\b/.test(l))).toHaveLength(2);
    const j = await rmq('clusterList', '-n', n, '--json');
    const groups = JSON.parse(j.stdout) as { brokerName: string; leaderAddr: string; replicas: { leader: boolean }[] }[];
    expect(groups.find((g) => g.brokerName === 'broker-d')?.leaderAddr).toBe(leader.addr);
  });

  it('updateTopic, topicRoute, sendMessage, queryMsgByKey/ById/ByUniqueKey, consumeMessage, consumerProgress', async () => {
    const up = await rmq('updateTopic', '-n', n, '-t', 'cli_topic', '-r', '2', '-w', '2');
    expect(up.code).toBe(0);
    expect(up.stdout.match(/create topic success/g)).toHaveLength(2);

    const route = await rmq('topicRoute', '-n', n, '-t', 'cli_topic', '--json');
    expect(route.code).toBe(0);
    const rd = JSON.parse(route.stdout) as { queueDatas: { brokerName: string; readQueueNums: number }[] };
    expect(rd.queueDatas.map((q) => [q.brokerName, q.readQueueNums]).sort()).toEqual([['broker-d', 2], ['broker-s', 2]]);
    expect((await rmq('topicRoute', '-n', n, '-t', 'cli_topic')).stdout).toMatch(/#ReadQueues/);

    const sent = await rmq('sendMessage', '-n', n, '-t', 'cli_topic', '-k', 'cli-{i}', '-c', 'TagC', '-p', 'hello {i}', '--count', '12', '--json');
    expect(sent.code).toBe(0);
    const rows = JSON.parse(sent.stdout) as { keys: string; result: { msgId: string; offsetMsgId: string; status: string } }[];
    expect(rows).toHaveLength(12);
    expect(rows.every((r) => r.result.status === 'SEND_OK')).toBe(true);

    const q = await rmq('queryMsgByKey', '-n', n, '-t', 'cli_topic', '-k', 'cli-7', '--json');
    expect(q.code).toBe(0);
    const found = JSON.parse(q.stdout) as { body: string; keys: string[]; tags: string; msgId: string }[];
    expect(found).toEqual([expect.objectContaining({ body: 'hello 7', keys: ['cli-7'], tags: 'TagC', msgId: rows[7].result.msgId })]);
    const table = await rmq('queryMsgByKey', '-n', n, '-t', 'cli_topic', '-k', 'cli-7');
    expect(table.stdout).toMatch(/#Message ID[\s\S]*hello 7/);

    const none = await rmq('queryMsgByKey', '-n', n, '-t', 'cli_topic', '-k', 'absent');
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('no message with key absent');

    const byId = await rmq('queryMsgById', '-n', n, '-i', rows[3].result.offsetMsgId);
    expect(byId.code).toBe(0);
    expect(byId.stdout).toMatch(/Message Body:\s+hello 3/);
    const byUniq = await rmq('queryMsgByUniqueKey', '-n', n, '-t', 'cli_topic', '-i', rows[4].result.msgId, '--json');
    expect(JSON.parse(byUniq.stdout)).toEqual(expect.objectContaining({ body: 'hello 4' }));
    // queryMsgById with a client id and -t falls back to the unique-key lookup, as mqadmin does.
    const fallback = await rmq('queryMsgById', '-n', n, '-t', 'cli_topic', '-i', rows[5].result.msgId, '--json');
    expect(fallback.code).toBe(0);
    expect(JSON.parse(fallback.stdout)).toEqual(expect.objectContaining({ body: 'hello 5' }));
    const missing = await rmq('queryMsgByUniqueKey', '-n', n, '-t', 'cli_topic', '-i', '0A0B0C0D0E0F0000000000000000FFFF');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/NotFoundError/);

    const consumed = await rmq('consumeMessage', '-n', n, '-t', 'cli_topic', '-c', '100', '--json');
    expect(consumed.code).toBe(0);
    const bodies = (JSON.parse(consumed.stdout) as { body: string }[]).map((m) => m.body).sort();
    expect(bodies).toEqual(Array.from({ length: 12 }, (_, i) => `hello ${i}`).sort());
    const limited = await rmq('consumeMessage', '-n', n, '-t', 'cli_topic', '-b', 'broker-s', '-i', '0', '-c', '1', '--json');
    expect(JSON.parse(limited.stdout)).toHaveLength(1);

    const prog = await rmq('consumerProgress', '-n', n, '-g', 'nobody', '-t', 'cli_topic', '--json');
    expect(prog.code).toBe(0);
    const p = JSON.parse(prog.stdout) as { totalLag: number; queues: unknown[] };
    expect(p.queues).toHaveLength(4);
    expect(p.totalLag).toBe(12);
    expect((await rmq('consumerProgress', '-n', n, '-g', 'nobody', '-t', 'cli_topic')).stdout).toContain('Diff Total: 12');
  });
});
