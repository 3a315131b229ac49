/**
 * Where the nameservers are. Order of precedence, as in the Java client (`ClientConfig`, `DefaultTopAddressing`,
 * protocol.md §8 "Address server"): the `namesrvAddr` option; else the `NAMESRV_ADDR` environment variable; else an
 * HTTP GET to the address server, `http://{domain}:8080/rocketmq/{subgroup}`, whose body is `h:p;h:p`.
 * When the address server is used, {@link NamesrvAddrWatcher} re-reads it periodically (first after 10 s, then every
 * 120 s) and reports changes.
 * @module
 */

import { request } from 'undici';
import { NoNameServerError, ValidationError } from '../errors.js';

/** The address server host Java falls back to (`rocketmq.namesrv.domain`). */
export const DEFAULT_NAMESRV_DOMAIN = 'jmenv.tbsite.net';
/** The address server path segment Java falls back to (`rocketmq.namesrv.domain.subgroup`). */
export const DEFAULT_NAMESRV_SUBGROUP = 'nsaddr';

/** Options of {@link resolveNamesrvAddrs} and {@link NamesrvAddrWatcher}. */
export interface NamesrvAddrOptions {
  /** Explicit addresses: `h:p;h:p` (an `http://` prefix is stripped) or a list. @default none */
  namesrvAddr?: string | readonly string[];
  /** Full address-server URL, overriding domain and subgroup. @default derived from `namesrvDomain` */
  wsAddr?: string;
  /** Address-server host (with optional `:port`; without one, port 8080 is used). @default 'jmenv.tbsite.net' */
  namesrvDomain?: string;
  /** Address-server path segment. @default 'nsaddr' */
  namesrvDomainSubgroup?: string;
  /** Unit name; adds `-{unit}?nofix=1` to the derived URL (Java unit mode). @default none */
  unitName?: string;
  /** Environment to read `NAMESRV_ADDR` from. @default process.env */
  env?: Readonly<Record<string, string | undefined>>;
  /** Timeout of one HTTP request, in ms. @default 3000 */
  httpTimeoutMs?: number;
}

/** Where {@link resolveNamesrvAddrs} found the addresses. */
export type NamesrvAddrSource = 'option' | 'env' | 'http';

/** Result of {@link resolveNamesrvAddrs}. */
export interface ResolvedNamesrvAddrs {
  /** `host:port` list, never empty. */
  addrs: string[];
  /** Where they came from. */
  source: NamesrvAddrSource;
  /** The address-server URL, when `source` is 'http'. */
  url?: string;
}

const HOST_PORT = /^(?:\[[0-9A-Fa-f:.]+\]|[^\s:;/[\]]+):(\d{1,5})$/;

/** Whether `addr` looks like `host:port` (IPv6 hosts in brackets) with a port in 1..65535. */
export function isHostPort(addr: string): boolean {
  const m = HOST_PORT.exec(addr);
  if (!m) return false;
  const port = Number(m[1]);
  return port > 0 && port <= 65535;
}

/**
 * Splits a `;`-separated address list: trims items, strips `http://`/`https://` and trailing `/`, drops empty items.
 * @param text - e.g. `"10.0.0.1:9876; http://10.0.0.2:9876"`
 */
export function parseNamesrvAddrList(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.split(';')) {
    const addr = raw.trim().replace(/^https?:\/\//i, '').replace(/\/+$/, '');
    if (addr) out.push(addr);
  }
  return out;
}

/**
 * Cleans an address-server reply as Java's `clearNewLine` does: trim, then cut at the first CR or LF; then splits
 * it and keeps the well-formed `host:port` items.
 * @param body - the HTTP response body
 */
export function parseAddressServerReply(body: string): string[] {
  let text = body.trim();
  const cut = text.search(/[\r\n]/);
  if (cut >= 0) text = text.slice(0, cut);
  return parseNamesrvAddrList(text).filter(isHostPort);
}

/**
 * The address-server URL: `wsAddr` if set, else `http://{domain}[:8080]/rocketmq/{subgroup}[-{unit}?nofix=1]`.
 * @param options - domain, subgroup, unit, override
 */
export function addressServerUrl(options: NamesrvAddrOptions = {}): string {
  if (options.wsAddr) return options.wsAddr;
  const domain = (options.namesrvDomain ?? DEFAULT_NAMESRV_DOMAIN).trim();
  const subgroup = (options.namesrvDomainSubgroup ?? DEFAULT_NAMESRV_SUBGROUP).trim();
  // A domain that already names a port (or is a bracketed IPv6 with port) keeps it.
  const hasPort = /:\d+$/.test(domain) && (!domain.includes('[') || /\]:\d+$/.test(domain));
  const hostPart = hasPort ? domain : `${domain}:8080`;
  const unit = options.unitName ? `-${options.unitName}?nofix=1` : '';
  return `http://${hostPart}/rocketmq/${subgroup}${unit}`;
}

/**
 * GETs the address server once. Resolves with the addresses; rejects with {@link NoNameServerError} on a network
 * error, a non-200 status, a timeout or an empty list.
 * @param url - address-server URL
 * @param timeoutMs - budget for the whole request @default 3000
 */
export async function fetchNamesrvAddrs(url: string, timeoutMs = 3000): Promise<string[]> {
  const signal = AbortSignal.timeout(timeoutMs);
  let status: number;
  let text: string;
  try {
    // reset: one request every two minutes does not need a pooled keep-alive socket lingering in between.
    const res = await request(url, { method: 'GET', signal, reset: true, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
    status = res.statusCode;
    text = await res.body.text();
  } catch (err) {
    const why = signal.aborted ? `timed out after ${timeoutMs} ms` : err instanceof Error ? err.message : String(err);
    throw new NoNameServerError(`address server ${url}: ${why}`, { cause: err });
  }
  if (status !== 200) throw new NoNameServerError(`address server ${url} answered HTTP ${status}`);
  const addrs = parseAddressServerReply(text);
  if (addrs.length === 0) throw new NoNameServerError(`address server ${url} returned no nameserver address`);
  return addrs;
}

/**
 * Resolves the nameserver addresses once: option, else `NAMESRV_ADDR`, else the address server.
 * @param options - see {@link NamesrvAddrOptions}
 * @throws ValidationError when an explicit list holds a malformed address
 * @throws NoNameServerError when nothing yields an address
 */
export async function resolveNamesrvAddrs(options: NamesrvAddrOptions = {}): Promise<ResolvedNamesrvAddrs> {
  const explicit = explicitAddrs(options.namesrvAddr);
  if (explicit.length > 0) return { addrs: validated(explicit, 'namesrvAddr'), source: 'option' };
  const env = (options.env ?? process.env).NAMESRV_ADDR;
  const fromEnv = env ? parseNamesrvAddrList(env) : [];
  if (fromEnv.length > 0) return { addrs: validated(fromEnv, 'NAMESRV_ADDR'), source: 'env' };
  const url = addressServerUrl(options);
  const addrs = await fetchNamesrvAddrs(url, options.httpTimeoutMs ?? 3000);
  return { addrs, source: 'http', url };
}

function explicitAddrs(v: string | readonly string[] | undefined): string[] {
  if (v === undefined) return [];
  if (typeof v === 'string') return parseNamesrvAddrList(v);
  return v.flatMap((s) => parseNamesrvAddrList(String(s)));
}

function validated(addrs: string[], where: string): string[] {
  const bad = addrs.find((a) => !isHostPort(a));
  if (bad !== undefined) throw new ValidationError(`${where}: ${JSON.stringify(bad)} is not host:port`);
  return addrs;
}

/** Options of {@link NamesrvAddrWatcher}. */
export interface NamesrvAddrWatcherOptions extends NamesrvAddrOptions {
  /** Delay of the first periodic fetch, in ms. @default 10000 */
  initialDelayMs?: number;
  /** Interval of the following fetches, in ms. @default 120000 */
  intervalMs?: number;
  /** Called when a fetch returns a different list. @default none */
  onChange?: (addrs: string[]) => void;
  /** Called when a periodic fetch fails (the old list stays). @default none */
  onError?: (err: NoNameServerError) => void;
}

/**
 * Resolves the addresses at {@link NamesrvAddrWatcher.start} and, only when they came from the address server,
 * keeps re-reading it. Timers are unref'd and cleared by {@link NamesrvAddrWatcher.stop}.
 */
export class NamesrvAddrWatcher {
  private addrs: string[] = [];
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private inFlight: Promise<void> | undefined;
  private readonly options: NamesrvAddrWatcherOptions;

  /** @param options - resolution options, refresh timing and callbacks */
  constructor(options: NamesrvAddrWatcherOptions = {}) {
    this.options = options;
  }

  /** The current list (empty before {@link NamesrvAddrWatcher.start}). */
  get current(): readonly string[] {
    return this.addrs;
  }

  /** Resolves once and, for the address server, schedules the refreshes. */
  async start(): Promise<ResolvedNamesrvAddrs> {
    this.stopped = false;
    const resolved = await resolveNamesrvAddrs(this.options);
    this.addrs = resolved.addrs;
    if (resolved.source === 'http' && !this.stopped) this.schedule(this.options.initialDelayMs ?? 10_000);
    return resolved;
  }

  /** Fetches the address server now; resolves when done (errors go to `onError`). */
  refresh(): Promise<void> {
    this.inFlight ??= this.fetchOnce().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  /** Stops the periodic refresh. */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.refresh().then(() => {
        if (!this.stopped) this.schedule(this.options.intervalMs ?? 120_000);
      });
    }, delayMs);
    this.timer.unref();
  }

  private async fetchOnce(): Promise<void> {
    try {
      const addrs = await fetchNamesrvAddrs(addressServerUrl(this.options), this.options.httpTimeoutMs ?? 3000);
      if (this.stopped) return;
      if (addrs.join(';') !== this.addrs.join(';')) {
        this.addrs = addrs;
        this.options.onChange?.(addrs);
      }
    } catch (err) {
      if (!this.stopped) this.options.onError?.(err as NoNameServerError);
    }
  }
}
