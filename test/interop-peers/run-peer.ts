/**
 * Runs an interop-peer script (CommonJS, plain node) in a child process and collects the JSON lines it prints.
 * Peers such as ali-ons keep timers alive after close(), so they never run inside the test process; the child is
 * killed when it overruns its budget.
 */
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** What a peer run produced. */
export interface PeerRun {
  /** Exit code (null when killed by a signal). */
  code: number | null;
  /** Every stdout line that parsed as a JSON object. */
  events: Record<string, unknown>[];
  /** stderr, for failure messages. */
  stderr: string;
}

/**
 * Runs `test/interop-peers/<script>` with `env` added to the environment.
 * @param script - file name inside test/interop-peers
 * @param env - extra environment variables (the peer's inputs)
 * @param timeoutMs - the child is SIGKILLed after this long
 */
export function runPeer(script: string, env: Record<string, string>, timeoutMs: number): Promise<PeerRun> {
  const path = join(dirname(fileURLToPath(import.meta.url)), script);
  const child = spawn(process.execPath, [path], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const killer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  return new Promise((resolve, reject) => {
    child.on('error', (err) => {
      clearTimeout(killer);
      reject(err);
    });
    child.on('close', (code) => {
      clearTimeout(killer);
      const events: Record<string, unknown>[] = [];
      for (const line of stdout.split('\n')) {
        if (!line.startsWith('{')) continue;
        try {
          events.push(JSON.parse(line) as Record<string, unknown>);
        } catch {
          // a torn line from a killed child: ignore, the missing 'done' event fails the test
        }
      }
      resolve({ code, events, stderr });
    });
  });
}
