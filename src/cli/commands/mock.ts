/**
 * `rmq mock`: serves a {@link MockCluster} on fixed loopback ports for other processes (a Java client, ali-ons, a
 * test suite in another language), prints the nameserver address and the replicas, and stays up until SIGINT or
 * SIGTERM, then stops everything cleanly. Groups come from `--groups` shorthand and/or real `broker.conf` files.
 *
 * Contract with the dispatcher (`src/cli/main.ts`): {@link runMock}`(argv, io?)` resolves with the exit code —
 * 0 after a clean shutdown or `--help`, 2 for bad arguments or invalid conf files, 1 when the cluster cannot start
 * (a port in use). It stops when `io.signal` aborts, or on the process's own SIGINT/SIGTERM when no signal is given.
 * @module
 */
import { parseArgs } from 'node:util';
import { RocketMQError, ValidationError } from '../../errors.js';
import { MockCluster } from '../../mock/cluster.js';
import type { MockClusterOptions, MockGroupOptions, ReplicationMode } from '../../mock/cluster-options.js';
import { loadBrokerConf } from '../../mock/conf/broker-conf.js';
import { planClusterFromConfs } from '../../mock/conf/cluster-plan.js';
import { renderTable } from '../format.js';
import type { CliIO } from '../io.js';

/** Usage text of `rmq mock --help`. */
export const mockHelp = `Serve an in-process mock RocketMQ cluster (nameserver, brokers, DLedger groups) until Ctrl-C.

Usage: rmq mock [options]

Options:
  --groups LIST        broker groups, comma-separated NAME:MODE[:N]; MODE is single, master-slave (N = sync for a
                       SYNC_MASTER) or dledger (N replicas, default 3). Default: broker-a:single unless --conf is given
  --conf FILE          a RocketMQ broker.conf (repeatable); files are grouped by brokerName
  --namesrv-port PORT  nameserver port; 0 picks a free one (default: the conf files' namesrvAddr port, else 9876)
  --cluster-name NAME  cluster name (default: the conf files' brokerClusterName, else DefaultCluster)
  --store-dir DIR      keep stores here across runs (default: a temporary directory removed on exit)
  --time-scale X       multiply every period (registration, expiry, DLedger timers) by X > 0 (default 1); it
                       also shortens the 120 s client expiry, so clients heartbeating every 30 s need X >= 0.3
  --auto-create-topic  brokers create unknown topics on send (default: off, as in the shipped configs)
  --topic NAME[:Q]     create a topic with Q queues (default 4) on every group (repeatable)
  --json               print one JSON line instead of the table
  -h, --help           this help

The first output line is "namesrv 127.0.0.1:PORT". Broker ports are picked free; the table lists them.
`;

/** Output channels and stop signal; the real process's when not given. */
export type MockCommandIO = Pick<CliIO, 'out' | 'err' | 'signal'>;

const NAME = /^[A-Za-z0-9_-]{1,127}$/;
const TOPIC = /^[A-Za-z0-9_%|-]{1,127}$/;

/** What the arguments ask for. */
interface MockPlan {
  options: MockClusterOptions;
  topics: { name: string; queues: number }[];
  json: boolean;
  warnings: string[];
}

function usage(message: string): never {
  throw new ValidationError(message);
}

/** Parses one `NAME:MODE[:N]` item of `--groups`. */
function parseGroup(item: string): MockGroupOptions {
  const [name, mode, extra, ...rest] = item.split(':');
  if (rest.length > 0 || !name || !mode) usage(`--groups: "${item}" is not NAME:MODE[:N]`);
  if (!NAME.test(name)) usage(`--groups: bad broker name "${name}"`);
  const modes: ReplicationMode[] = ['single', 'master-slave', 'dledger'];
  if (!(modes as string[]).includes(mode)) usage(`--groups: mode of ${name} must be single, master-slave or dledger, got "${mode}"`);
  if (mode === 'dledger') {
    if (extra !== undefined && !/^[1-9]$/.test(extra)) usage(`--groups: replicas of ${name} must be 1-9, got "${extra}"`);
    return { brokerName: name, mode, replicas: extra === undefined ? 3 : Number(extra) };
  }
  if (mode === 'master-slave') {
    if (extra !== undefined && extra !== 'sync' && extra !== 'async') usage(`--groups: ${name}: master-slave takes sync or async, got "${extra}"`);
    return { brokerName: name, mode, syncMaster: extra === 'sync' };
  }
  if (extra !== undefined) usage(`--groups: ${name}: single takes no third field`);
  return { brokerName: name, mode: 'single' };
}

function parsePort(text: string): number {
  if (!/^\d{1,5}$/.test(text) || Number(text) > 65535) usage(`--namesrv-port must be 0-65535, got "${text}"`);
  return Number(text);
}

/** Turns argv into cluster options; throws ValidationError for anything wrong. */
function planFrom(argv: string[]): MockPlan | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        groups: { type: 'string', multiple: true },
        conf: { type: 'string', multiple: true },
        'namesrv-port': { type: 'string' },
        'cluster-name': { type: 'string' },
        'store-dir': { type: 'string' },
        'time-scale': { type: 'string' },
        'auto-create-topic': { type: 'boolean' },
        topic: { type: 'string', multiple: true },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    // parseArgs throws plain TypeErrors (ERR_PARSE_ARGS_*): the user's mistake, so a usage error.
    throw new ValidationError((err as Error).message.replace(/\. To specify a positional argument.*$/s, ''), { cause: err });
  }
  if (values.help) return 'help';

  const warnings: string[] = [];
  let options: MockClusterOptions = { groups: [] };
  if (values.conf?.length) {
    const plan = planClusterFromConfs(values.conf.map((f) => loadBrokerConf(f)));
    options = plan.options;
    warnings.push(...plan.warnings);
  }
  const extra = (values.groups ?? []).flatMap((g) => g.split(',').filter((s) => s !== '')).map(parseGroup);
  options.groups = [...options.groups, ...extra];
  if (options.groups.length === 0) options.groups = [{ brokerName: 'broker-a', mode: 'single' }];
  const seen = new Set<string>();
  for (const g of options.groups) {
    if (seen.has(g.brokerName)) usage(`broker group ${g.brokerName} is defined twice`);
    seen.add(g.brokerName);
  }

  options.namesrvPort = values['namesrv-port'] !== undefined ? parsePort(values['namesrv-port']) : (options.namesrvPort ?? 9876);
  if (values['cluster-name'] !== undefined) {
    if (!NAME.test(values['cluster-name'])) usage(`--cluster-name: bad name "${values['cluster-name']}"`);
    options.clusterName = values['cluster-name'];
  }
  if (values['store-dir'] !== undefined) {
    if (values['store-dir'] === '') usage('--store-dir needs a directory');
    options.storeDir = values['store-dir'];
  }
  if (values['time-scale'] !== undefined) {
    const t = Number(values['time-scale']);
    if (!Number.isFinite(t) || t <= 0 || values['time-scale'].trim() === '') usage(`--time-scale must be a number > 0, got "${values['time-scale']}"`);
    options.timeScale = t;
  }
  if (values['auto-create-topic']) options.autoCreateTopicEnable = true;

  const topics = (values.topic ?? []).map((t) => {
    const [name, q, ...rest] = t.split(':');
    if (rest.length > 0 || !TOPIC.test(name)) usage(`--topic: bad topic "${t}" (NAME[:QUEUES])`);
    if (q !== undefined && (!/^\d{1,4}$/.test(q) || Number(q) < 1 || Number(q) > 1024)) usage(`--topic: queues of ${name} must be 1-1024, got "${q}"`);
    return { name, queues: q === undefined ? 4 : Number(q) };
  });
  return { options, topics, json: values.json === true, warnings };
}

/** One row per replica: what a client would see. */
function describe(cluster: MockCluster): { brokerName: string; mode: ReplicationMode; nodes: { id: string; role: string; brokerId: number; addr: string }[] }[] {
  return cluster.brokerNames.map((name) => ({
    brokerName: name,
    mode: cluster.group(name).mode,
    nodes: cluster.nodes(name).map((n) => ({ id: n.id, role: n.broker.role, brokerId: n.broker.brokerId, addr: n.broker.addr })),
  }));
}

/** Resolves when the signal aborts (or SIGINT/SIGTERM arrive, without a signal); `dispose` drops the listeners. */
function stopRequested(signal: AbortSignal | undefined): { stopped: Promise<string>; dispose: () => void } {
  let dispose = (): void => {};
  const stopped = new Promise<string>((resolve) => {
    if (signal) {
      const on = (): void => resolve('abort');
      if (signal.aborted) resolve('abort');
      else signal.addEventListener('abort', on, { once: true });
      dispose = () => signal.removeEventListener('abort', on);
      return;
    }
    const on = (sig: NodeJS.Signals): void => {
      dispose();
      resolve(sig);
    };
    dispose = () => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
  return { stopped, dispose };
}

/**
 * Runs `rmq mock`.
 * @param argv - arguments after `mock`
 * @param io - output channels and stop signal (default: the process's stdout/stderr and its SIGINT/SIGTERM)
 * @returns the exit code: 0 after a clean stop or `--help`, 2 for bad arguments/conf files, 1 when starting fails
 */
export async function runMock(argv: string[], io: Partial<MockCommandIO> = {}): Promise<number> {
  const out = io.out ?? ((t: string) => void process.stdout.write(t));
  const err = io.err ?? ((t: string) => void process.stderr.write(t));
  let plan: MockPlan | 'help';
  try {
    plan = planFrom(argv);
  } catch (e) {
    if (!(e instanceof ValidationError)) throw e;
    err(`rmq mock: ${e.message}\nRun 'rmq mock --help' for usage.\n`);
    return 2;
  }
  if (plan === 'help') {
    out(mockHelp);
    return 0;
  }
  for (const w of plan.warnings) err(`rmq mock: note: ${w}\n`);

  // Listen for the stop request before starting, so a Ctrl-C during a slow election still ends the run cleanly.
  const stop = stopRequested(io.signal);
  let cluster: MockCluster | undefined;
  try {
    cluster = await MockCluster.start(plan.options);
    for (const g of plan.options.groups) if (g.mode !== 'single') await cluster.waitForLeader(g.brokerName);
    for (const t of plan.topics) await cluster.createTopic(t.name, { queues: t.queues });
  } catch (e) {
    stop.dispose();
    await cluster?.stop();
    const what = e instanceof RocketMQError ? e.message : e instanceof Error ? `${(e as NodeJS.ErrnoException).code ?? e.name}: ${e.message}` : String(e);
    err(`rmq mock: cannot start the cluster: ${what}\n`);
    return 1;
  }

  const groups = describe(cluster);
  if (plan.json) {
    out(`${JSON.stringify({ namesrv: cluster.namesrvAddr, clusterName: plan.options.clusterName ?? 'DefaultCluster', storeDir: cluster.storeDir, groups, topics: plan.topics })}\n`);
  } else {
    const rows = groups.flatMap((g) => g.nodes.map((n) => [g.brokerName, g.mode, n.id, n.role, n.brokerId, n.addr]));
    out(`namesrv ${cluster.namesrvAddr}\n${renderTable(['#Broker', '#Mode', '#Replica', '#Role', '#BID', '#Addr'], rows)}`);
    if (plan.topics.length > 0) out(`topics: ${plan.topics.map((t) => `${t.name}(${t.queues})`).join(', ')}\n`);
    out(`store: ${cluster.storeDir}\n`);
  }
  err('rmq mock: serving; press Ctrl-C to stop\n');

  const why = await stop.stopped;
  stop.dispose();
  err(`rmq mock: ${why === 'abort' ? 'stopping' : `${why}, stopping`}\n`);
  await cluster.stop();
  err('rmq mock: stopped\n');
  return 0;
}
