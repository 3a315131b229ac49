/**
 * Child-JVM bookkeeping for the interop harness: spawning, stopping, and teardown that happens
 * even when a test fails or the vitest worker dies.
 *
 * Three layers make sure no JVM outlives the test run:
 *  1. callers stop what they started (`stopAll()` in `afterAll`);
 *  2. a synchronous `process.on('exit')` hook SIGKILLs every child still alive and removes temp dirs;
 *  3. a detached shell watchdog notices when this Node process is gone (even after SIGKILL, when no
 *     hook runs) and kills the recorded pids. Only pids this module spawned are ever written there.
 * @module
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ClientStateError, RequestTimeoutError } from '../../../src/errors.js';

/** One child process started by the harness (normally a JVM). */
export interface JvmProcess {
  /** Harness name, e.g. `namesrv`, `ms-master`, `dl-n0`. */
  readonly name: string;
  /** Operating-system pid. */
  readonly pid: number;
  /** File receiving the child's stdout and stderr. */
  readonly logFile: string;
  /** The Node handle. */
  readonly child: ChildProcess;
  /** Resolves with the exit code (or `null` after a signal) once the process has gone. */
  readonly exited: Promise<number | null>;
  /** True until the process has exited. */
  alive(): boolean;
}

/** Options for {@link spawnJvm}. */
export interface SpawnJvmOptions {
  /** Harness name of the process. */
  name: string;
  /** Arguments after the `java` executable. */
  args: string[];
  /** Working directory. */
  cwd: string;
  /** Extra environment variables on top of this process's environment. @default {} */
  env?: Record<string, string>;
  /** File to append stdout and stderr to. */
  logFile: string;
  /** Java executable. @default 'java' */
  java?: string;
}

const live = new Set<JvmProcess>();
const tempDirs = new Set<string>();
let hooksInstalled = false;
let watchdog: { pid: number; pidFile: string; dirFile: string } | undefined;

/** Writes the current pid/dir lists where the watchdog reads them after this process dies. */
function syncWatchdogFiles(): void {
  if (!watchdog) return;
  try {
    fs.writeFileSync(watchdog.pidFile, [...live].map((p) => String(p.pid)).join('\n') + '\n');
    fs.writeFileSync(watchdog.dirFile, [...tempDirs].join('\n') + '\n');
  } catch {
    // Best effort only: the exit hook still covers the normal paths.
  }
}

function installHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', () => {
    for (const p of live) {
      try {
        p.child.kill('SIGKILL');
      } catch {
        // already gone
      }
    }
    for (const d of tempDirs) fs.rmSync(d, { recursive: true, force: true });
    if (watchdog) {
      fs.rmSync(watchdog.pidFile, { force: true });
      fs.rmSync(watchdog.dirFile, { force: true });
      try {
        process.kill(watchdog.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  });
  const base = path.join(os.tmpdir(), `rmq-interop-watchdog-${process.pid}`);
  // $1 = our pid; $2 = pid list; $3 = dir list. Polls once a second; cheap on 2 cores.
  const script =
    'while kill -0 "$1" 2>/dev/null; do sleep 1; done; ' +
    '[ -f "$2" ] && for p in $(cat "$2"); do kill -9 "$p" 2>/dev/null; done; ' +
    '[ -f "$3" ] && while read -r d; do [ -n "$d" ] && rm -rf "$d"; done < "$3"; ' +
    'rm -f "$2" "$3"';
  const wd = spawn('sh', ['-c', script, 'rmq-interop-watchdog', String(process.pid), `${base}.pids`, `${base}.dirs`], {
    detached: true,
    stdio: 'ignore',
  });
  wd.unref();
  if (wd.pid !== undefined) watchdog = { pid: wd.pid, pidFile: `${base}.pids`, dirFile: `${base}.dirs` };
}

/**
 * Creates a fresh temp directory for one harness run. Prefers `/dev/shm` (a large, fast tmpfs on
 * the CI machines, which also keeps the brokers' disk-full guard far away) and falls back to the
 * OS temp dir. The directory is removed by {@link cleanupAll} or the exit hooks.
 */
export function createRunDir(prefix: string): string {
  installHooks();
  let parent = os.tmpdir();
  try {
    fs.accessSync('/dev/shm', fs.constants.W_OK);
    parent = '/dev/shm';
  } catch {
    // no tmpfs: stay on the temp dir
  }
  const dir = fs.mkdtempSync(path.join(parent, `rmq-interop-${prefix}-`));
  // RMQ_INTEROP_KEEP=1 keeps stores and logs for a post-mortem (processes are still killed).
  if (!process.env.RMQ_INTEROP_KEEP) tempDirs.add(dir);
  syncWatchdogFiles();
  return dir;
}

/** Starts a child JVM with stdout/stderr going to a log file (no pipes, so a chatty JVM never blocks). */
export function spawnJvm(opts: SpawnJvmOptions): JvmProcess {
  installHooks();
  fs.mkdirSync(path.dirname(opts.logFile), { recursive: true });
  const fd = fs.openSync(opts.logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(opts.java ?? 'java', opts.args, {
      cwd: opts.cwd,
      env: { ...process.env, ...(opts.env ?? {}) },
      stdio: ['ignore', fd, fd],
    });
  } finally {
    fs.closeSync(fd);
  }
  return trackChild(opts.name, child, opts.logFile);
}

/**
 * Puts a child started elsewhere (e.g. a short-lived mqadmin run) under the same teardown
 * guarantees as {@link spawnJvm}'s children.
 */
export function trackChild(name: string, child: ChildProcess, logFile = ''): JvmProcess {
  installHooks();
  if (child.pid === undefined) throw new ClientStateError(`could not spawn ${name}`);
  let done = false;
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => {
      done = true;
      live.delete(proc);
      syncWatchdogFiles();
      resolve(code);
    });
    child.once('error', () => {
      done = true;
      live.delete(proc);
      syncWatchdogFiles();
      resolve(-1);
    });
  });
  const proc: JvmProcess = { name, pid: child.pid, logFile, child, exited, alive: () => !done };
  live.add(proc);
  syncWatchdogFiles();
  return proc;
}

/** SIGKILLs the process (a crash, as far as the JVM is concerned) and waits until it is gone. */
export async function killJvm(proc: JvmProcess): Promise<void> {
  if (proc.alive()) proc.child.kill('SIGKILL');
  await proc.exited;
}

/**
 * SIGTERM, so the JVM's shutdown hooks run (brokers unregister and flush), then SIGKILL after
 * `graceMs` if it is still there.
 */
export async function stopJvm(proc: JvmProcess, graceMs = 20_000): Promise<void> {
  if (!proc.alive()) return;
  proc.child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), graceMs);
  });
  const r = await Promise.race([proc.exited, timedOut]);
  clearTimeout(timer);
  if (r === 'timeout') await killJvm(proc);
}

/** Last `maxBytes` of a log file, for error messages. */
export function tailFile(file: string, maxBytes = 4000): string {
  try {
    const buf = fs.readFileSync(file);
    return buf.subarray(Math.max(0, buf.length - maxBytes)).toString('utf8');
  } catch {
    return '';
  }
}

/**
 * Polls `proc`'s log file until `pattern` appears. Fails early with the log tail when the process
 * exits first, and with {@link RequestTimeoutError} after `timeoutMs`.
 */
export async function waitForLog(proc: JvmProcess, pattern: RegExp, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (pattern.test(tailFile(proc.logFile, 1 << 20))) return;
    if (!proc.alive()) {
      throw new ClientStateError(`${proc.name} exited before ${pattern}; log tail:\n${tailFile(proc.logFile)}`);
    }
    if (Date.now() > deadline) {
      throw new RequestTimeoutError(`${proc.name}: no ${pattern} within ${timeoutMs} ms`, timeoutMs);
    }
    await sleep(250);
  }
}

/** Promise-based sleep. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Stops every live child this module started, then removes every temp dir it created. */
export async function cleanupAll(): Promise<void> {
  await Promise.all([...live].map((p) => killJvm(p)));
  removeTempDir(...tempDirs);
}

/** Removes temp dirs created by {@link createRunDir} (others are ignored). */
export function removeTempDir(...dirs: string[]): void {
  for (const d of dirs) {
    if (!tempDirs.has(d)) continue;
    fs.rmSync(d, { recursive: true, force: true });
    tempDirs.delete(d);
  }
  syncWatchdogFiles();
}

/** Names of the children still alive (for assertions that teardown worked). */
export function liveProcesses(): string[] {
  return [...live].map((p) => `${p.name}(${p.pid})`);
}
