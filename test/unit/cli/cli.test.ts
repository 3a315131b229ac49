/** CLI without sockets: argument parsing, usage errors (exit 2), help, formatting. */
import { describe, expect, it } from 'vitest';
import { optionalInt, optionalTime, parseCommandArgs, requireString, UsageError, type Command } from '../../../src/cli/command.js';
import { formatTime, renderTable, truncate } from '../../../src/cli/format.js';
import type { CliIO } from '../../../src/cli/io.js';
import { COMMANDS, main } from '../../../src/cli/main.js';
import { ProgressBar } from '../../../src/cli/progress.js';

function capture(env: Record<string, string | undefined> = {}, tty = false): CliIO & { stdout: string; stderr: string } {
  const io = {
    stdout: '',
    stderr: '',
    errIsTTY: tty,
    env,
    out(t: string) {
      io.stdout += t;
    },
    err(t: string) {
      io.stderr += t;
    },
  };
  return io;
}

describe('rmq usage', () => {
  it('no command → help on stderr, exit 2; --help → stdout, exit 0', async () => {
    const a = capture();
    expect(await main([], a)).toBe(2);
    expect(a.stderr).toContain('Usage: rmq <command>');
    const b = capture();
    expect(await main(['--help'], b)).toBe(0);
    for (const c of COMMANDS) expect(b.stdout).toContain(c.name);
    expect(b.stdout).toContain('mock');
  });

  it('every subcommand has --help naming -n and --json, exit 0', async () => {
    for (const c of COMMANDS) {
      const io = capture();
      expect(await main([c.name, '--help'], io)).toBe(0);
      expect(io.stdout).toContain(`Usage: rmq ${c.name}`);
      expect(io.stdout).toContain('--namesrvAddr');
      expect(io.stdout).toContain('--json');
    }
  });

  it('unknown command → exit 2 with a suggestion', async () => {
    const io = capture();
    expect(await main(['clusterLst'], io)).toBe(2);
    expect(io.stderr).toContain("did you mean 'clusterList'");
  });

  it('bad options → exit 2 naming the problem and pointing at --help', async () => {
    const cases: [string[], RegExp][] = [
      [['queryMsgByKey', '-n', '127.0.0.1:9876', '-t', 'T'], /missing required option -k/],
      [['queryMsgByKey', '-n', '127.0.0.1:9876', '-t', 'T', '-k', 'k', '--nope'], /Unknown option '--nope'/],
      [['queryMsgByKey', '-n', '127.0.0.1:9876', '-t', 'T', '-k', 'k', '-m', 'ten'], /-m, --maxNum must be an integer/],
      [['queryMsgByKey', '-n', '127.0.0.1:9876', '-t', 'T', '-k', 'k', '-b', 'yesterday-ish'], /epoch milliseconds or a date/],
      [['queryMsgByKey', '-t', 'T', '-k', 'k'], /no nameserver: pass -n/],
      [['topicRoute', '-n', '127.0.0.1:9876', 'stray'], /Unexpected argument 'stray'/],
      [['updateTopic', '-n', '127.0.0.1:9876', '-t', 'T', '-c', 'C', '-b', '1.2.3.4:5'], /either -c or -b/],
      [['sendMessage', '-n', '127.0.0.1:9876', '-t', 'T'], /missing required option -p/],
      [['sendMessage', '-n', '127.0.0.1:9876', '-t', 'T', '-p', 'x', '-b', 'broker-a'], /-b and -i go together/],
      [['consumeMessage', '-n', '127.0.0.1:9876', '-t', 'T', '-o', '1', '-s', '5'], /either -o or -s/],
      [['consumerProgress', '-n', '127.0.0.1:9876'], /missing required option -g/],
      [['queryMsgByKey', '-n', '127.0.0.1:9876', '-t', 'bad topic', '-k', 'k'], /characters other than/],
    ];
    for (const [argv, re] of cases) {
      const io = capture();
      expect(await main(argv, io), argv.join(' ')).toBe(2);
      expect(io.stderr).toMatch(re);
      expect(io.stderr).toContain(`rmq ${argv[0]} --help`);
      expect(io.stdout).toBe('');
    }
  });

  it('an unreachable nameserver is a failure (exit 1), not a usage error', async () => {
    const io = capture({ NAMESRV_ADDR: '127.0.0.1:1' });
    expect(await main(['clusterList'], io)).toBe(1);
    expect(io.stderr).toMatch(/NoNameServerError/);
  });
});

describe('argument helpers', () => {
  const cmd: Command = { name: 'x', summary: 's', usage: 'u', options: { count: { type: 'string', short: 'c' } }, run: async () => 0 };
  it('parse, require and convert', () => {
    const v = parseCommandArgs(cmd, ['-c', '12', '--json', '-n', 'h:1']);
    expect(v).toEqual(expect.objectContaining({ count: '12', json: true, namesrvAddr: 'h:1' }));
    expect(optionalInt(v, 'count', '-c')).toBe(12);
    expect(optionalInt({}, 'count', '-c')).toBeUndefined();
    expect(() => optionalInt({ count: '-1' }, 'count', '-c', 0)).toThrow(UsageError);
    expect(() => requireString({}, 'topic', '-t')).toThrow(/missing required option -t/);
    expect(optionalTime({ t: '1700000000000' }, 't', '-t')).toBe(1700000000000);
    expect(optionalTime({ t: '2024-01-02T03:04:05Z' }, 't', '-t')).toBe(Date.UTC(2024, 0, 2, 3, 4, 5));
    expect(() => parseCommandArgs(cmd, ['-c'])).toThrow(UsageError);
  });
});

describe('formatting', () => {
  it('aligns tables and escapes control characters', () => {
    expect(renderTable(['#A', '#Bee'], [['x', 1], ['longer', undefined], ['a\u0001b', 'z']])).toBe(
      '#A      #Bee\nx       1\nlonger  -\na\\x01b  z\n',
    );
  });
  it('formats times and truncates', () => {
    expect(formatTime(0)).toBe('-');
    expect(formatTime(new Date(2024, 0, 2, 3, 4, 5, 6).getTime())).toBe('2024-01-02 03:04:05.006');
    expect(truncate('abcdef', 4)).toBe('abc…');
    expect(truncate('abc', 4)).toBe('abc');
  });
  it('the progress bar draws only on a terminal and clears its line', () => {
    const pipe = capture({}, false);
    const bar = new ProgressBar(pipe, 20, 'sending');
    for (let i = 0; i < 20; i++) bar.tick();
    bar.finish();
    expect(pipe.stderr).toBe('');
    const tty = capture({}, true);
    const bar2 = new ProgressBar(tty, 20, 'sending');
    for (let i = 0; i < 20; i++) bar2.tick();
    bar2.finish();
    expect(tty.stderr).toContain('sending [##############################] 20/20');
    expect(tty.stderr.endsWith('\r\x1b[2K')).toBe(true);
  });
});
