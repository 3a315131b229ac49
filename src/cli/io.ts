/**
 * Where the CLI writes and what it knows about its terminal. Commands never touch `process` directly, so tests can
 * run them in process and read what they printed.
 * @module
 */

/** Output channels and environment of one CLI run. */
export interface CliIO {
  /** Writes to standard output (results: tables or JSON). */
  out(text: string): void;
  /** Writes to standard error (diagnostics, progress). */
  err(text: string): void;
  /** Whether standard error is a terminal (the progress bar only draws on one). */
  errIsTTY: boolean;
  /** Environment variables (NAMESRV_ADDR). */
  env: Readonly<Record<string, string | undefined>>;
  /** Fires on Ctrl-C, so long commands can stop cleanly. */
  signal?: AbortSignal;
}

/**
 * The real process's channels.
 * @param signal - aborted on SIGINT/SIGTERM by the caller
 */
export function processIO(signal?: AbortSignal): CliIO {
  return {
    out: (t) => void process.stdout.write(t),
    err: (t) => void process.stderr.write(t),
    errIsTTY: process.stderr.isTTY === true,
    env: process.env,
    signal,
  };
}
