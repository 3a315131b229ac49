/**
 * ACL 1.0 permission bits and remote-address patterns, as the real broker's `Permission` and
 * `RemoteAddressStrategyFactory` define them (plain_acl.yml semantics).
 * @module
 */
import { ValidationError } from '../../errors.js';

/** Permission bits (Java `Permission`): DENY wins over everything; ANY asks for PUB or SUB. */
export const Perm = Object.freeze({
  /** Nothing is allowed. */
  DENY: 1,
  /** Needs PUB or SUB (either will do). */
  ANY: 2,
  /** Publish (send). */
  PUB: 4,
  /** Subscribe (pull, offsets, heartbeat). */
  SUB: 8,
});

/** A permission as written in plain_acl.yml. */
export type PermName = 'DENY' | 'PUB' | 'SUB' | 'PUB|SUB' | 'SUB|PUB';

/**
 * Parses `DENY`, `PUB`, `SUB`, `PUB|SUB`; anything else is DENY, like Java `Permission.parsePermFromString`.
 * @param text - permission text
 */
export function parsePerm(text: string | undefined): number {
  switch ((text ?? '').trim().toUpperCase()) {
    case 'PUB':
      return Perm.PUB;
    case 'SUB':
      return Perm.SUB;
    case 'PUB|SUB':
    case 'SUB|PUB':
      return Perm.PUB | Perm.SUB;
    default:
      return Perm.DENY;
  }
}

/**
 * Whether an owned permission grants a needed one (Java `Permission.checkPermission`).
 * @param needed - bits the request needs
 * @param owned - bits the account has
 */
export function permits(needed: number, owned: number): boolean {
  if ((owned & Perm.DENY) !== 0) return false;
  if ((needed & Perm.ANY) !== 0) return (owned & (Perm.PUB | Perm.SUB)) !== 0;
  return (needed & owned) !== 0;
}

/**
 * Parses `name=PERM` entries (plain_acl.yml `topicPerms` / `groupPerms`) or a record into a map.
 * @param perms - entries such as `topicA=PUB|SUB`, or `{ topicA: 'PUB' }`
 * @throws ValidationError for an entry without `=`
 */
export function parseResourcePerms(perms: readonly string[] | Readonly<Record<string, string>> | undefined): Map<string, number> {
  const out = new Map<string, number>();
  if (!perms) return out;
  if (Array.isArray(perms)) {
    for (const entry of perms as readonly string[]) {
      const i = typeof entry === 'string' ? entry.indexOf('=') : -1;
      if (i <= 0) throw new ValidationError(`bad permission entry ${JSON.stringify(entry)} (want name=PERM)`);
      out.set(entry.slice(0, i).trim(), parsePerm(entry.slice(i + 1)));
    }
  } else {
    for (const [name, p] of Object.entries(perms)) out.set(name, parsePerm(p));
  }
  return out;
}

/** Tests an IP (v4, or v6 by exact text) against a whitelist pattern. */
export type AddressMatcher = (ip: string) => boolean;

/** One IPv4 segment pattern: `*`, `n` or `n-m`. */
function segmentMatcher(seg: string): ((n: number) => boolean) | undefined {
  if (seg === '*') return () => true;
  const range = /^(\d{1,3})-(\d{1,3})$/.exec(seg);
  if (range) {
    const lo = Number(range[1]);
    const hi = Number(range[2]);
    return (n) => n >= lo && n <= hi;
  }
  if (/^\d{1,3}$/.test(seg)) {
    const v = Number(seg);
    return (n) => n === v;
  }
  return undefined;
}

/** Expands `192.168.0.{1,2}` into `192.168.0.1`, `192.168.0.2`. */
function expandBraces(pattern: string): string[] {
  const m = /^(.*)\{([^}]*)\}(.*)$/.exec(pattern);
  if (!m) return [pattern];
  return m[2].split(',').map((x) => `${m[1]}${x.trim()}${m[3]}`);
}

/** Splits at commas that are not inside braces. */
function splitTop(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of text) {
    if (ch === '{') depth++;
    if (ch === '}') depth = Math.max(0, depth - 1);
    if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out.map((s) => s.trim()).filter((s) => s.length > 0);
}

/** `::ffff:1.2.3.4` (an IPv4 peer on a dual-stack socket) → `1.2.3.4`. */
export function normaliseIp(ip: string | undefined): string {
  if (!ip) return '';
  return ip.startsWith('::ffff:') && ip.includes('.') ? ip.slice(7) : ip;
}

/**
 * Compiles a whitelist pattern: empty matches nothing; `*` or `*.*.*.*` matches all; otherwise comma-separated
 * entries, each an exact IP, segments with `*` or `n-m` ranges, or a `{a,b}` list in the last segment.
 * @param pattern - pattern text
 * @throws ValidationError for an unparsable IPv4 pattern
 */
export function compileAddressPattern(pattern: string | undefined): AddressMatcher {
  const text = (pattern ?? '').trim();
  if (text === '') return () => false;
  if (text === '*' || text === '*.*.*.*') return () => true;
  const tests: AddressMatcher[] = [];
  for (const entry of splitTop(text).flatMap(expandBraces)) {
    if (entry.includes(':')) {
      tests.push((ip) => ip === entry);
      continue;
    }
    const segs = entry.split('.');
    const matchers = segs.map(segmentMatcher);
    if (segs.length !== 4 || matchers.some((m) => m === undefined)) throw new ValidationError(`bad remote address pattern ${JSON.stringify(entry)}`);
    tests.push((ip) => {
      const parts = ip.split('.');
      if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p))) return false;
      return parts.every((p, i) => matchers[i]!(Number(p)));
    });
  }
  return (ip) => {
    const n = normaliseIp(ip);
    return tests.some((t) => t(n));
  };
}
