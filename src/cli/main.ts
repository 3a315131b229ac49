/**
 * `rmq`: the command-line entry point. Subcommands carry mqadmin's names and options; output is a table by default
 * and JSON with `--json`. Exit codes: 0 success, 1 failure (a broker, network or not-found error), 2 usage.
 * @module
 */

import { RocketMQError, ValidationError } from '../errors.js';
import { makeContext, parseCommandArgs, UsageError, type Command } from './command.js';
import { clusterList, topicRoute, updateTopic } from './commands/cluster.js';
import { consumeMessage } from './commands/consume.js';
import { consumerProgress } from './commands/progress.js';
import { queryMsgById, queryMsgByKey, queryMsgByUniqueKey } from './commands/query.js';
import { sendMessage } from './commands/send.js';
import { processIO, type CliIO } from './io.js';

/** Every subcommand except `mock`, in help order. */
export const COMMANDS: readonly Command[] = [
  clusterList,
  topicRoute,
  updateTopic,
  sendMessage,
  consumeMessage,
  queryMsgByKey,
  queryMsgById,
  queryMsgByUniqueKey,
  consumerProgress,
];

const COMMON_HELP = ['Common options:', '  -n, --namesrvAddr  nameserver address(es), host:port;host:port (default: $NAMESRV_ADDR)', '      --json         print JSON instead of a table', '  -h, --help         this help'].join('\n');

function topHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length), 4);
  const lines = COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  lines.push(`  ${'mock'.padEnd(width)}  Serve an in-process mock cluster (nameserver, brokers, DLedger groups) until Ctrl-C`);
  return ['Usage: rmq <command> [options]', '', 'Commands:', ...lines, '', COMMON_HELP, '', "Run 'rmq <command> --help' for a command's options.", ''].join('\n');
}

function commandHelp(c: Command): string {
  return [`${c.summary}.`, '', `Usage: ${c.usage}`, '', COMMON_HELP, ''].join('\n');
}

/** Edit distance, for "did you mean". */
function distance(a: string, b: string): number {
  const d = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = d[0];
    d[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = d[j];
      d[j] = Math.min(d[j] + 1, d[j - 1] + 1, prev + (a[i - 1].toLowerCase() === b[j - 1].toLowerCase() ? 0 : 1));
      prev = tmp;
    }
  }
  return d[b.length];
}

/**
 * Loads `rmq mock` from `./commands/mock.js` (owned by the mock cluster's engineer) and runs it. It may export
 * `run(argv, io)` / `main(argv, io)` returning an exit code, or a `Command`-like `mockCommand` / default export.
 */
async function runMock(argv: readonly string[], io: CliIO): Promise<number> {
  const spec = './commands/mock.js';
  let mod: Record<string, unknown>;
  try {
    mod = (await import(spec)) as Record<string, unknown>;
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
      io.err('rmq mock is not available in this build\n');
      return 1;
    }
    throw err;
  }
  for (const name of ['run', 'main', 'runMock']) {
    const fn = mod[name];
    if (typeof fn === 'function') return normaliseCode(await (fn as (a: string[], io: CliIO) => unknown)([...argv], io));
  }
  for (const name of ['mockCommand', 'default', 'mock']) {
    const c = mod[name] as Partial<Command> | undefined;
    if (c && typeof c === 'object' && typeof c.run === 'function' && c.options) {
      return runCommand(c as Command, argv, io);
    }
  }
  io.err('rmq mock: src/cli/commands/mock.ts exports no runnable command\n');
  return 1;
}

function normaliseCode(v: unknown): number {
  return typeof v === 'number' && Number.isInteger(v) ? v : 0;
}

async function runCommand(cmd: Command, argv: readonly string[], io: CliIO): Promise<number> {
  const values = parseCommandArgs(cmd, argv);
  if (values.help === true) {
    io.out(commandHelp(cmd));
    return 0;
  }
  return cmd.run(makeContext(values, io));
}

/**
 * Runs `rmq` with `argv` (the arguments after the program name).
 * @param argv - e.g. `['queryMsgByKey', '-n', '127.0.0.1:9876', '-t', 'T', '-k', 'm600000']`
 * @param io - output channels (the process's by default)
 * @returns the exit code
 */
export async function main(argv: readonly string[], io: CliIO = processIO()): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    io.err(topHelp());
    return 2;
  }
  if (name === '-h' || name === '--help' || name === 'help') {
    io.out(topHelp());
    return 0;
  }
  let cmdName = name;
  try {
    if (name === 'mock') return await runMock(rest, io);
    const cmd = COMMANDS.find((c) => c.name === name) ?? COMMANDS.find((c) => c.name.toLowerCase() === name.toLowerCase());
    if (!cmd) {
      const near = [...COMMANDS.map((c) => c.name), 'mock'].sort((a, b) => distance(name, a) - distance(name, b))[0];
      io.err(`rmq: unknown command '${name}'${distance(name, near) <= 3 ? ` — did you mean '${near}'?` : ''}\nRun 'rmq --help' for the list.\n`);
      return 2;
    }
    cmdName = cmd.name;
    return await runCommand(cmd, rest, io);
  } catch (err) {
    if (err instanceof UsageError || err instanceof ValidationError) {
      io.err(`rmq ${cmdName}: ${err.message}\nRun 'rmq ${cmdName} --help' for usage.\n`);
      return 2;
    }
    if (err instanceof RocketMQError) {
      io.err(`rmq ${cmdName}: ${err.name}: ${err.message}\n`);
      return 1;
    }
    io.err(`rmq ${cmdName}: unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    return 1;
  }
}
