/**
 * Java side of the interop harness: finding the tools, fetching a RocketMQ release, JVM flags,
 * and running short-lived Java programs (mqadmin, our InteropClient).
 * @module
 */
import { execFile, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ClientStateError, ValidationError } from '../../../src/errors.js';
import { createRunDir, trackChild } from './procs.js';

/** `test/interop/`. */
export const INTEROP_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** Pinned 5.x release. */
export const ROCKETMQ_5 = '5.3.3';
/** Pinned 4.9.x release (4.9.8's namesrv/broker jars are not on Maven Central). */
export const ROCKETMQ_4 = '4.9.7';

/** A fetched RocketMQ release. */
export interface RocketMQDist {
  /** Version string, e.g. `5.3.3`. */
  version: string;
  /** `test/interop/.cache/rocketmq-<version>`. */
  dir: string;
  /** Folder with every runtime jar. */
  libDir: string;
  /** Compiled InteropClient. */
  classesDir: string;
  /** Java classpath covering the jars (wildcard form). */
  classpath: string;
  /** How long {@link ensureRocketMQ} took for this version in this process, in ms (≈0 when cached). */
  fetchMs: number;
}

/** Returns the tools (`java`, `javac`, `mvn`) missing from PATH; empty when everything is there. */
export function missingJavaTools(): string[] {
  return ['java', 'javac', 'mvn'].filter((t) => spawnSync('sh', ['-c', `command -v ${t}`]).status !== 0);
}

/** True for the 4.x line, whose logging and flags differ. */
export function isLegacy(version: string): boolean {
  return version.startsWith('4.');
}

function checkVersion(version: string): void {
  if (!/^\d+\.\d+\.\d+$/.test(version)) throw new ValidationError(`not a RocketMQ version: ${JSON.stringify(version)}`);
}

const fetches = new Map<string, Promise<RocketMQDist>>();

/** Runs `fetch-rocketmq.sh <version>` once per process (a no-op when the cache is complete). */
export function ensureRocketMQ(version: string): Promise<RocketMQDist> {
  checkVersion(version);
  let p = fetches.get(version);
  if (!p) {
    const started = Date.now();
    p = new Promise<RocketMQDist>((resolve, reject) => {
      execFile('bash', [path.join(INTEROP_DIR, 'fetch-rocketmq.sh'), version], { timeout: 600_000 }, (err, stdout, stderr) => {
        if (err) {
          reject(new ClientStateError(`fetch-rocketmq.sh ${version} failed: ${stderr || err.message}`, { cause: err }));
          return;
        }
        const dir = stdout.trim().split('\n').pop() ?? '';
        const libDir = path.join(dir, 'lib');
        if (!path.isAbsolute(dir) || !fs.existsSync(libDir)) {
          reject(new ClientStateError(`fetch-rocketmq.sh ${version} answered ${JSON.stringify(dir)}, not a cache folder with lib/`));
          return;
        }
        resolve({
          version,
          dir,
          libDir,
          classesDir: path.join(dir, 'classes'),
          classpath: `${libDir}/*`,
          fetchMs: Date.now() - started,
        });
      });
    });
    fetches.set(version, p);
    p.catch(() => fetches.delete(version));
  }
  return p;
}

/** Minimal logback 1.2 config for the 4.x servers and tools, which load `${home}/conf/logback_<x>.xml`. */
function legacyLogback(file: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<configuration>
  <appender name="FILE" class="ch.qos.logback.core.FileAppender">
    <file>\${user.home}/logs/rocketmqlogs/${file}</file>
    <encoder><pattern>%d{HH:mm:ss.SSS} %-5p [%t] %c{0} - %m%n</pattern></encoder>
  </appender>
  <root level="INFO"><appender-ref ref="FILE"/></root>
</configuration>
`;
}

/**
 * Creates a ROCKETMQ_HOME folder. 5.x only needs the path to be set (its logback configs ship in
 * the jars); 4.x reads `conf/logback_{namesrv,broker,tools}.xml`, which only the binary zip has.
 */
export function writeRocketMQHome(dir: string): string {
  const conf = path.join(dir, 'conf');
  fs.mkdirSync(conf, { recursive: true });
  for (const kind of ['namesrv', 'broker', 'tools']) {
    fs.writeFileSync(path.join(conf, `logback_${kind}.xml`), legacyLogback(`${kind}.log`));
  }
  return dir;
}

/** Which bundled 5.x logback config a JVM should use (with one classpath they would all pick the broker's). */
export type JvmKind = 'namesrv' | 'broker' | 'tools' | 'client';

/**
 * JVM flags for 2 cores: small heaps, serial GC, C1 only (faster start, fewer compiler threads),
 * and the JDK 17 opens that 4.9.x and DLedger need for unmapping files.
 */
export function jvmArgs(kind: JvmKind, home: string, userHome: string): string[] {
  const heap =
    kind === 'broker' ? ['-Xms128m', '-Xmx256m', '-Xmn96m', '-XX:MaxDirectMemorySize=256m'] : ['-Xms32m', '-Xmx128m'];
  return [
    ...heap,
    '-XX:+UseSerialGC',
    '-XX:TieredStopAtLevel=1',
    '-XX:+IgnoreUnrecognizedVMOptions',
    '-XX:-OmitStackTraceInFastThrow',
    '--add-opens=java.base/java.nio=ALL-UNNAMED',
    '--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED',
    '--add-opens=java.base/java.lang=ALL-UNNAMED',
    '--add-exports=java.base/sun.nio.ch=ALL-UNNAMED',
    `-Duser.home=${userHome}`,
    `-Drocketmq.home.dir=${home}`,
    `-Drmq.logback.configurationFile=rmq.${kind}.logback.xml`,
  ];
}

let toolHome: string | undefined;
/** A scratch ROCKETMQ_HOME / user.home for short-lived tools, removed with the other temp dirs. */
function toolDir(): string {
  if (!toolHome) toolHome = writeRocketMQHome(createRunDir('tools'));
  return toolHome;
}

/** Result of a short-lived Java program. */
export interface JavaRunResult {
  /** Exit code (`null` after a signal). */
  code: number | null;
  /** Everything printed on stdout. */
  stdout: string;
  /** Everything printed on stderr. */
  stderr: string;
  /** Every stdout line that parsed as a JSON object. */
  json: Record<string, unknown>[];
  /** Wall time, in ms. */
  durationMs: number;
}

/** Options for {@link runJavaMain}. */
export interface RunJavaOptions {
  /** Kill the JVM after this long. @default 120000 */
  timeoutMs?: number;
}

/** Runs `main` from the release's classpath (plus the InteropClient classes) and collects its output. */
export async function runJavaMain(
  version: string,
  kind: JvmKind,
  main: string,
  args: string[],
  opts: RunJavaOptions = {},
): Promise<JavaRunResult> {
  const dist = await ensureRocketMQ(version);
  const home = toolDir();
  const cp = `${dist.classesDir}${path.delimiter}${dist.classpath}`;
  const started = Date.now();
  return new Promise<JavaRunResult>((resolve) => {
    const child = execFile(
      'java',
      [...jvmArgs(kind, home, home), '-cp', cp, main, ...args],
      { timeout: opts.timeoutMs ?? 120_000, killSignal: 'SIGKILL', maxBuffer: 64 << 20, env: { ...process.env, ROCKETMQ_HOME: home } },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : null) : 0;
        const json: Record<string, unknown>[] = [];
        for (const line of stdout.split('\n')) {
          const t = line.trim();
          if (!t.startsWith('{')) continue;
          try {
            const v: unknown = JSON.parse(t);
            if (v !== null && typeof v === 'object' && !Array.isArray(v)) json.push(v as Record<string, unknown>);
          } catch {
            // not one of our JSON lines
          }
        }
        resolve({ code, stdout, stderr, json, durationMs: Date.now() - started });
      },
    );
    // An exec that failed to start has no pid; its callback still reports the error.
    if (child.pid !== undefined) trackChild(`${main}#${child.pid}`, child);
  });
}

/**
 * Runs our `InteropClient` (see java/InteropClient.java): `produce`, `consume` or `query`.
 * Each stdout JSON line is in `json`.
 */
export function runJava(version: string, args: string[], opts?: RunJavaOptions): Promise<JavaRunResult> {
  return runJavaMain(version, 'client', 'InteropClient', args, opts);
}

/** Runs `mqadmin` (MQAdminStartup). Its exit code is 0 even on errors: check stdout. */
export function mqadmin(version: string, args: string[], opts?: RunJavaOptions): Promise<JavaRunResult> {
  return runJavaMain(version, 'tools', 'org.apache.rocketmq.tools.command.MQAdminStartup', args, opts);
}

/** One row of `mqadmin clusterList`. */
export interface ClusterListEntry {
  /** `#Cluster Name`. */
  cluster: string;
  /** `#Broker Name`. */
  brokerName: string;
  /** `#BID`: 0 for the master / DLedger leader. */
  brokerId: number;
  /** `#Addr` (`ip:port`). */
  addr: string;
}

/** Parses `clusterList` output: data rows are `cluster brokerName bid addr …`. */
export function parseClusterList(stdout: string): ClusterListEntry[] {
  const rows: ClusterListEntry[] = [];
  for (const line of stdout.split('\n')) {
    const cols = line.trim().split(/\s+/);
    if (cols.length < 4 || cols[0].startsWith('#')) continue;
    const id = Number(cols[2]);
    if (!Number.isInteger(id) || !/^[\d.]+:\d+$/.test(cols[3])) continue;
    rows.push({ cluster: cols[0], brokerName: cols[1], brokerId: id, addr: cols[3] });
  }
  return rows;
}

/** `mqadmin clusterList -n <namesrvAddr>`, parsed. */
export async function clusterList(version: string, namesrvAddr: string): Promise<ClusterListEntry[]> {
  const r = await mqadmin(version, ['clusterList', '-n', namesrvAddr], { timeoutMs: 60_000 });
  return parseClusterList(r.stdout);
}
