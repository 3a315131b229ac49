/**
 * `rmq` as a user runs it: a `rmq mock` child process serving a 3-replica DLedger group, and `rmq` child processes
 * talking to it over TCP (bin/rmq.js, no build step).
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = 'bin/rmq.js';
let mock: ChildProcessByStdio<null, Readable, Readable> | undefined;
let mockOut = '';
let n = '';

function rmq(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env = { ...process.env };
  delete env.NAMESRV_ADDR;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 25_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

beforeAll(async () => {
  const child = spawn(
    process.execPath,
    [bin, 'mock', '--groups', 'broker-d:dledger:3', '--namesrv-port', '0', '--topic', 'cli_mock_topic:4', '--time-scale', '0.1'],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  mock = child;
  n = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`rmq mock did not start: ${mockOut}`)), 20_000);
    // The address comes on stdout, "serving" on stderr: wait for both.
    const onData = (d: Buffer): void => {
      mockOut += d.toString();
      const m = /^namesrv (\S+)$/m.exec(mockOut);
      if (m && /serving/.test(mockOut)) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => reject(new Error(`rmq mock exited with ${code}: ${mockOut}`)));
  });
  // The DLedger group elects its leader on its own; wait until the nameserver has it as brokerId 0.
  const deadline = Date.now() + 20_000;
  for (;;) {
    const r = await rmq('clusterList', '-n', n, '--json');
    const groups = r.code === 0 ? (JSON.parse(r.stdout) as { leaderAddr?: string; replicas: unknown[] }[]) : [];
    if (groups[0]?.leaderAddr && groups[0].replicas.length === 3) break;
    if (Date.now() > deadline) throw new Error(`no leader registered: ${r.stdout}${r.stderr}`);
    await new Promise((res) => setTimeout(res, 200));
  }
}, 60_000);

afterAll(async () => {
  if (!mock || mock.exitCode !== null) return;
  const exited = new Promise<number | null>((resolve) => mock?.on('exit', (code) => resolve(code)));
  mock.kill('SIGINT');
  const code = await exited;
  expect(code).toBe(0);
  expect(mockOut).toContain('stopped');
}, 30_000);

describe('rmq against rmq mock', () => {
  it('clusterList shows the leader and two followers, as a table and as JSON', async () => {
    const r = await rmq('clusterList', '-n', n);
    expect(r.code).toBe(0);
    const rows = r.stdout.split('\n').filter((l) => l.includes('broker-d'));
    expect(rows.filter((l) => /\bLEADER\b/.test(l))).toHaveLength(1);
    expect(rows.filter((l) => /\bFOLLOWER\b/.test(l))).toHaveLength(2);
    const j = await rmq('clusterList', '-n', n, '--json');
    const [g] = JSON.parse(j.stdout) as { brokerName: string; leaderAddr: string; replicas: { leader: boolean; addr: string }[] }[];
    expect(g.brokerName).toBe('broker-d');
    expect(g.replicas.filter((x) => x.leader).map((x) => x.addr)).toEqual([g.leaderAddr]);
    expect(rows.find((l) => /\bLEADER\b/.test(l))).toContain(g.leaderAddr);
  }, 30_000);

  it('sendMessage then queryMsgByKey finds the key; --json parses', async () => {
    const s = await rmq('sendMessage', '-n', n, '-t', 'cli_mock_topic', '-k', 'cli-mock-key', '-c', 'TagM', '-p', 'hello from the cli', '--json');
    expect(s.code).toBe(0);
    const [sent] = JSON.parse(s.stdout) as { result: { msgId: string; status: string } }[];
    expect(sent.result.status).toBe('SEND_OK');
    const q = await rmq('queryMsgByKey', '-n', n, '-t', 'cli_mock_topic', '-k', 'cli-mock-key');
    expect(q.code).toBe(0);
    expect(q.stdout).toContain(sent.result.msgId);
    expect(q.stdout).toContain('hello from the cli');
    const j = await rmq('queryMsgByKey', '-n', n, '-t', 'cli_mock_topic', '-k', 'cli-mock-key', '--json');
    const found = JSON.parse(j.stdout) as { msgId: string; keys: string[]; tags: string; body: string }[];
    expect(found).toEqual([expect.objectContaining({ msgId: sent.result.msgId, keys: ['cli-mock-key'], tags: 'TagM', body: 'hello from the cli' })]);
  }, 30_000);

  it('bad arguments exit 2 with a helpful message', async () => {
    const missing = await rmq('queryMsgByKey', '-n', n, '-t', 'cli_mock_topic');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('missing required option -k, --msgKey');
    expect(missing.stderr).toContain("Run 'rmq queryMsgByKey --help' for usage.");
    const unknown = await rmq('queryMsgByKey', '-n', n, '--topik', 'x');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("Unknown option '--topik'");
    const typo = await rmq('clusterLis', '-n', n);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain("did you mean 'clusterList'");
    const help = await rmq('queryMsgByKey', '--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: rmq queryMsgByKey');
    const notFound = await rmq('queryMsgByKey', '-n', n, '-t', 'cli_mock_topic', '-k', 'never-sent');
    expect(notFound.code).toBe(1);
  }, 30_000);
});
