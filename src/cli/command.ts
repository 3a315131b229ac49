/**
 * The shape of one `rmq` subcommand and the argument handling they share: node:util `parseArgs` in strict mode, the
 * mqadmin-style common options (`-n`, `--json`, `-h`), and usage errors that end in exit code 2.
 * @module
 */

import { parseArgs, type ParseArgsConfig } from 'node:util';
import { Admin } from '../admin/admin.js';
import { ValidationError } from '../errors.js';
import type { CliIO } from './io.js';

/** Option table of a command, as node:util `parseArgs` takes it. */
export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

/** Parsed option values. */
export type OptionValues = Record<string, string | boolean | undefined>;

/** Wrong command-line usage: exit code 2 with the command's help hint. */
export class UsageError extends ValidationError {}

/** What a command's `run` receives. */
export interface CommandContext {
  /** Parsed options (common ones included). */
  values: OptionValues;
  /** Output channels. */
  io: CliIO;
  /** `--json` was given. */
  json: boolean;
  /**
   * Runs `fn` with a started {@link Admin} on the `-n` / NAMESRV_ADDR nameserver and shuts it down afterwards.
   * @throws UsageError when no nameserver is given
   */
  withAdmin<T>(fn: (admin: Admin) => Promise<T>): Promise<T>;
  /** The nameserver address list (`-n` or NAMESRV_ADDR). @throws UsageError when neither is set */
  namesrvAddr(): string;
}

/** One subcommand. */
export interface Command {
  /** Name as typed, mqadmin's spelling (`queryMsgByKey`). */
  name: string;
  /** One-line description for the command list. */
  summary: string;
  /** Usage lines shown by `--help`, after the common options are added. */
  usage: string;
  /** Options besides the common ones. */
  options: OptionSpec;
  /** Whether the command talks to a nameserver (adds `-n`). @default true */
  needsNamesrv?: boolean;
  /** Runs it; resolves with the exit code. */
  run(ctx: CommandContext): Promise<number>;
}

/** Options every command accepts. */
export const COMMON_OPTIONS: OptionSpec = {
  namesrvAddr: { type: 'string', short: 'n' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
};

/**
 * Parses `argv` for `cmd`. Unknown options, missing values and stray positionals become {@link UsageError}s.
 * @param cmd - the command
 * @param argv - arguments after the command name
 */
export function parseCommandArgs(cmd: Command, argv: readonly string[]): OptionValues {
  try {
    const { values } = parseArgs({ args: [...argv], options: { ...COMMON_OPTIONS, ...cmd.options }, strict: true, allowPositionals: false });
    return values as OptionValues;
  } catch (err) {
    // parseArgs throws TypeErrors with ERR_PARSE_ARGS_* codes; they are the user's mistake, not ours.
    const msg = err instanceof Error ? err.message : String(err);
    throw new UsageError(msg.replace(/\. To specify a positional argument.*$/s, ''), { cause: err });
  }
}

/**
 * A required string option.
 * @param values - parsed options
 * @param name - long name
 * @param flag - how to name it in the message, e.g. `-t, --topic`
 */
export function requireString(values: OptionValues, name: string, flag: string): string {
  const v = values[name];
  if (typeof v !== 'string' || v === '') throw new UsageError(`missing required option ${flag}`);
  return v;
}

/**
 * An optional integer option.
 * @param values - parsed options
 * @param name - long name
 * @param flag - how to name it in the message
 * @param min - smallest allowed value
 */
export function optionalInt(values: OptionValues, name: string, flag: string, min = 0): number | undefined {
  const v = values[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || !/^-?\d+$/.test(v.trim())) throw new UsageError(`${flag} must be an integer, got ${JSON.stringify(v)}`);
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < min) throw new UsageError(`${flag} must be an integer ≥ ${min}, got ${v}`);
  return n;
}

/**
 * An optional time option: milliseconds since the epoch, or a date the JS Date parser understands.
 * @param values - parsed options
 * @param name - long name
 * @param flag - how to name it in the message
 */
export function optionalTime(values: OptionValues, name: string, flag: string): number | undefined {
  const v = values[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw new UsageError(`${flag} needs a value`);
  if (/^\d+$/.test(v)) return Number(v);
  const t = Date.parse(v);
  if (Number.isNaN(t)) throw new UsageError(`${flag} must be epoch milliseconds or a date, got ${JSON.stringify(v)}`);
  return t;
}

/**
 * Builds the context a command runs with.
 * @param values - parsed options
 * @param io - output channels
 */
export function makeContext(values: OptionValues, io: CliIO): CommandContext {
  const namesrvAddr = (): string => {
    const n = typeof values.namesrvAddr === 'string' && values.namesrvAddr !== '' ? values.namesrvAddr : io.env.NAMESRV_ADDR;
    if (!n) throw new UsageError('no nameserver: pass -n host:port (or set NAMESRV_ADDR)');
    return n;
  };
  return {
    values,
    io,
    json: values.json === true,
    namesrvAddr,
    async withAdmin<T>(fn: (admin: Admin) => Promise<T>): Promise<T> {
      const admin = new Admin({ namesrvAddr: namesrvAddr() });
      try {
        await admin.start();
        return await fn(admin);
      } finally {
        await admin.shutdown();
      }
    },
  };
}
