/**
 * Every example, and the demo, run as a child process against the embedded mock (NAMESRV_ADDR unset): exit code 0
 * and the lines that prove it did its job.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

function run(file: string): Promise<{ code: number | null; stdout: string; stderr: string; ms: number }> {
  const env = { ...process.env };
  delete env.NAMESRV_ADDR;
  const t0 = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', file], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 55_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: Date.now() - t0 });
    });
  });
}

describe.concurrent('examples against the embedded mock', () => {
  it('producer.ts prints 100 SendResults like the Java Producer', { timeout: 60_000 }, async () => {
    const r = await run('examples/producer.ts');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const results = r.stdout.split('\n').filter((l) => l.startsWith('SendResult [sendStatus=SEND_OK, msgId='));
    expect(results).toHaveLength(100);
    expect(results[0]).toMatch(/messageQueue=MessageQueue \[topic=topic_dw_test_by_order_01, brokerName=broker-a, queueId=\d\], queueOffset=\d+\]$/);
    expect(r.stdout).toContain('sent 100/100');
  });

  it('query-by-key.ts finds m600000', { timeout: 60_000 }, async () => {
    const r = await run('examples/query-by-key.ts');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/found key=m600000 msgId=[0-9A-F]{32} offsetMsgId=[0-9A-F]{32} .* body="Hello RocketMQ0"/);
    expect(r.stdout).toMatch(/viewMessage\([0-9A-F]{32}\) → "Hello RocketMQ0"/);
  });

  it('consumer.ts consumes all 100 messages', { timeout: 60_000 }, async () => {
    const r = await run('examples/consumer.ts');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('consumed msgId=');
    expect(r.stdout).toContain('body="Hello RocketMQ99"');
    expect(r.stdout).toContain('consumed 100 distinct message(s), missing 0');
  });

  it('failover.ts shows kill, election, new leader and the first send after', { timeout: 60_000 }, async () => {
    const r = await run('examples/failover.ts');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    const at = (re: RegExp): number => lines.findIndex((l) => re.test(l));
    const kill = at(/kill: leader n\d/);
    const elected = at(/cluster: n\d elected leader of broker-a/);
    const resumed = at(/first send after the kill ok → 127\.0\.0\.1:\d+/);
    expect(kill).toBeGreaterThan(0);
    expect(elected).toBeGreaterThan(kill);
    expect(resumed).toBeGreaterThan(kill);
    expect(r.stdout).toMatch(/producer: broker-a leader .* → 127\.0\.0\.1:\d+/);
    expect(r.stdout).toContain('OK: every acknowledged message is there');
  });

  it('upgrade.ts finds the old key after the master/slave → DLedger upgrade', { timeout: 60_000 }, async () => {
    const r = await run('examples/upgrade.ts');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/before: m600000 found 1× → "Hello RocketMQ0"/);
    expect(r.stdout).toMatch(/upgraded: n\d leads/);
    expect(r.stdout).toMatch(/after: m600000 found 1× → "Hello RocketMQ0"/);
    expect(r.stdout).toContain('OK: the old key survived the upgrade');
  });

  it('demo.ts tells the whole story in under 60 s and exits 0 with nothing missing', { timeout: 60_000 }, async () => {
    const r = await run('examples/demo.ts');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.ms).toBeLessThan(60_000);
    expect(r.stdout).toMatch(/timeScale 0\.1/);
    expect(r.stdout).toMatch(/query m600000: 1 found/);
    expect(r.stdout).toMatch(/query m600000 after the upgrade: 1 found/);
    expect(r.stdout).toMatch(/kill: leader n\d is down/);
    expect(r.stdout).toMatch(/election: n\d is the new leader/);
    expect(r.stdout).toMatch(/sends resumed: m6001\d\d acknowledged/);
    expect(r.stdout).toMatch(/\| sent\s+\|\s+200 \|/);
    expect(r.stdout).toMatch(/\| acknowledged but missing\s+\|\s+0 \|/);
    expect(r.stdout).toContain('OK: nothing acknowledged was lost');
  });
});
