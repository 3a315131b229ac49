/**
 * One RocketMQ `broker.conf` file, read into typed fields with the real keys and the real defaults of Java's
 * `BrokerConfig` / `MessageStoreConfig` / `NettyServerConfig`. Keys the mock has no use for (deleteWhen,
 * fileReservedTime, brokerIP2, …) are kept in {@link BrokerConf.extra} and otherwise ignored. A value that cannot
 * be what its key needs is a {@link ValidationError} naming the file, the line and the key.
 * @module
 */
import { readFileSync } from 'node:fs';
import { ValidationError } from '../../errors.js';
import type { BrokerRole } from '../broker/options.js';
import { parseJavaProperties, type PropertyEntry } from './properties.js';

/** `flushDiskType`. */
export type FlushDiskType = 'ASYNC_FLUSH' | 'SYNC_FLUSH';

/** One `dLegerPeers` entry, `n0-host:port`. */
export interface DLedgerPeer {
  /** Peer id: the text before the first `-`. */
  id: string;
  /** Host of its DLedger port. */
  host: string;
  /** Its DLedger (replication) port, not the broker's listenPort. */
  port: number;
}

/** A parsed `broker.conf`. Optional fields are undefined when the file does not set them. */
export interface BrokerConf {
  /** The file it came from (as given). */
  file: string;
  /**
   * brokerClusterName.
   * @default 'DefaultCluster'
   */
  brokerClusterName: string;
  /** brokerName (Java falls back to the host name; we leave it unset so the caller can decide). */
  brokerName?: string;
  /**
   * brokerId: 0 for a master, > 0 for a slave (ignored with DLedger, where the role decides).
   * @default 0
   */
  brokerId: number;
  /**
   * brokerRole.
   * @default 'ASYNC_MASTER'
   */
  brokerRole: BrokerRole;
  /**
   * flushDiskType (the mock flushes on its own schedule; kept for display).
   * @default 'ASYNC_FLUSH'
   */
  flushDiskType: FlushDiskType;
  /**
   * listenPort, the port clients use.
   * @default 10911
   */
  listenPort: number;
  /** namesrvAddr, split on `;`. */
  namesrvAddr?: {
    /** Nameserver host. */
    host: string;
    /** Nameserver port. */
    port: number;
  }[];
  /** storePathRootDir (the last one, when the file repeats it, as Java does). */
  storePathRootDir?: string;
  /** storePathCommitLog. */
  storePathCommitLog?: string;
  /** autoCreateTopicEnable (Java's default is true; the shipped configs set false). */
  autoCreateTopicEnable?: boolean;
  /**
   * enableDLegerCommitLog.
   * @default false
   */
  enableDLegerCommitLog: boolean;
  /** dLegerGroup. */
  dLegerGroup?: string;
  /** dLegerPeers, in file order. */
  dLegerPeers?: DLedgerPeer[];
  /** dLegerSelfId. */
  dLegerSelfId?: string;
  /**
   * slaveReadEnable.
   * @default false
   */
  slaveReadEnable: boolean;
  /** brokerIP1, the address the broker registers. */
  brokerIP1?: string;
  /** mappedFileSizeCommitLog in bytes. */
  mappedFileSizeCommitLog?: number;
  /** Every other key, unescaped, last occurrence wins. */
  extra: Record<string, string>;
  /** Line of the (last) occurrence of each key, for error messages. */
  lines: Record<string, number>;
}

const ROLES: readonly BrokerRole[] = ['ASYNC_MASTER', 'SYNC_MASTER', 'SLAVE'];
const FLUSH: readonly FlushDiskType[] = ['ASYNC_FLUSH', 'SYNC_FLUSH'];

/** Throws the error every bad value gets. */
function bad(file: string, e: PropertyEntry, why: string): never {
  throw new ValidationError(`${file}:${e.line}: ${e.key}: ${why} (got ${JSON.stringify(e.value)})`);
}

function int(file: string, e: PropertyEntry, min: number, max: number): number {
  if (!/^[+-]?\d+$/.test(e.value)) bad(file, e, 'not an integer');
  const n = Number(e.value);
  if (!Number.isSafeInteger(n) || n < min || n > max) bad(file, e, `must be between ${min} and ${max}`);
  return n;
}

/** Java's Boolean.parseBoolean maps every typo to false; we refuse anything but true/false instead. */
function bool(file: string, e: PropertyEntry): boolean {
  const v = e.value.toLowerCase();
  if (v === 'true') return true;
  if (v === 'false') return false;
  return bad(file, e, 'must be true or false');
}

function oneOf<T extends string>(file: string, e: PropertyEntry, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(e.value)) bad(file, e, `must be one of ${allowed.join(', ')}`);
  return e.value as T;
}

function text(file: string, e: PropertyEntry): string {
  if (e.value === '') bad(file, e, 'must not be empty');
  return e.value;
}

/** `host:port`, for namesrvAddr and the address half of a DLedger peer. */
function hostPort(file: string, e: PropertyEntry, s: string): { host: string; port: number } {
  const i = s.lastIndexOf(':');
  const host = i > 0 ? s.slice(0, i).replace(/^\[(.*)\]$/, '$1') : '';
  const portText = s.slice(i + 1);
  const port = Number(portText);
  if (i <= 0 || host === '' || !/^\d+$/.test(portText) || port < 1 || port > 65535) bad(file, e, `"${s}" is not host:port`);
  return { host, port };
}

function peers(file: string, e: PropertyEntry): DLedgerPeer[] {
  const list = e.value.split(';').filter((p) => p !== '');
  if (list.length === 0) bad(file, e, 'no peers');
  const seen = new Set<string>();
  return list.map((p) => {
    const dash = p.indexOf('-');
    if (dash <= 0) bad(file, e, `peer "${p}" is not id-host:port`);
    const id = p.slice(0, dash);
    if (seen.has(id)) bad(file, e, `peer id ${id} appears twice`);
    seen.add(id);
    return { id, ...hostPort(file, e, p.slice(dash + 1)) };
  });
}

/**
 * Parses the text of one `broker.conf`.
 * @param content - the file's text
 * @param file - its name, for error messages
 * @throws ValidationError naming file, line and key for a value of the wrong shape
 */
export function parseBrokerConf(content: string, file = '<broker.conf>'): BrokerConf {
  const last = new Map<string, PropertyEntry>();
  for (const e of parseJavaProperties(content, file)) last.set(e.key, e);
  const conf: BrokerConf = {
    file,
    brokerClusterName: 'DefaultCluster',
    brokerId: 0,
    brokerRole: 'ASYNC_MASTER',
    flushDiskType: 'ASYNC_FLUSH',
    listenPort: 10911,
    enableDLegerCommitLog: false,
    slaveReadEnable: false,
    extra: {},
    lines: {},
  };
  for (const [key, raw] of last) {
    conf.lines[key] = raw.line;
    // Java's Properties keeps trailing blanks in values; `brokerId = 0 ` is still meant as 0, so typed keys trim.
    const e = { ...raw, value: raw.value.trim() };
    switch (key) {
      case 'brokerClusterName': conf.brokerClusterName = text(file, e); break;
      case 'brokerName': conf.brokerName = text(file, e); break;
      case 'brokerId': conf.brokerId = int(file, e, 0, 2 ** 31 - 1); break;
      case 'brokerRole': conf.brokerRole = oneOf(file, e, ROLES); break;
      case 'flushDiskType': conf.flushDiskType = oneOf(file, e, FLUSH); break;
      case 'listenPort': conf.listenPort = int(file, e, 0, 65535); break;
      case 'namesrvAddr': conf.namesrvAddr = text(file, e).split(';').filter((a) => a !== '').map((a) => hostPort(file, e, a.trim())); break;
      case 'storePathRootDir': conf.storePathRootDir = text(file, e); break;
      case 'storePathCommitLog': conf.storePathCommitLog = text(file, e); break;
      case 'autoCreateTopicEnable': conf.autoCreateTopicEnable = bool(file, e); break;
      case 'enableDLegerCommitLog': conf.enableDLegerCommitLog = bool(file, e); break;
      case 'dLegerGroup': conf.dLegerGroup = text(file, e); break;
      case 'dLegerPeers': conf.dLegerPeers = peers(file, e); break;
      case 'dLegerSelfId': conf.dLegerSelfId = text(file, e); break;
      case 'slaveReadEnable': conf.slaveReadEnable = bool(file, e); break;
      case 'brokerIP1': conf.brokerIP1 = text(file, e); break;
      case 'mappedFileSizeCommitLog': conf.mappedFileSizeCommitLog = int(file, e, 4096, 2 ** 31 - 1); break;
      default: conf.extra[key] = raw.value;
    }
  }
  if (conf.dLegerSelfId !== undefined && conf.dLegerPeers && !conf.dLegerPeers.some((p) => p.id === conf.dLegerSelfId)) {
    bad(file, last.get('dLegerSelfId')!, `not one of the dLegerPeers ids (${conf.dLegerPeers.map((p) => p.id).join(', ')})`);
  }
  return conf;
}

/**
 * Reads and parses a `broker.conf` file (UTF-8).
 * @param path - file path
 * @throws ValidationError when it cannot be read or a value is invalid
 */
export function loadBrokerConf(path: string): BrokerConf {
  let content: string;
  try {
    content = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ValidationError(`${path}: cannot read broker.conf: ${(err as Error).message}`, { cause: err });
  }
  return parseBrokerConf(content, path);
}
