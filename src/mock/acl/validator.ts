/**
 * The mock's ACL 1.0 check (the real broker's `PlainAccessValidator` + `PlainPermissionManager.validate`):
 * global IP whitelist → AccessKey present → known account → account IP whitelist → signature → admin code →
 * per-topic / per-group permissions, with the real remarks. Failures answer NO_PERMISSION (16) with the bare
 * message, as 5.x brokers do (`AbortProcessException(NO_PERMISSION, message)`).
 * @module
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { ValidationError } from '../../errors.js';
import type { RemotingCommand } from '../../remoting/command.js';
import { compileAddressPattern, parsePerm, parseResourcePerms, permits, type AddressMatcher } from './permission.js';
import { ADMIN_CODES, neededAccess } from './resources.js';

/** NO_PERMISSION. Local copy of the protocol table's value, kept next to the remarks it goes with. */
export const NO_PERMISSION = 16;

/** One account (a `plain_acl.yml` `accounts` entry). */
export interface MockAclAccount {
  /** Access key. */
  accessKey: string;
  /** Secret key. */
  secretKey: string;
  /** May use admin codes (create topic, update config, …) and, without explicit perms, everything. @default false */
  admin?: boolean;
  /** Requests from matching IPs skip the signature and permission checks. @default '' (none) */
  whiteRemoteAddress?: string;
  /** Permission on topics not listed in `topicPerms`. @default 'DENY' */
  defaultTopicPerm?: string;
  /** Permission on groups not listed in `groupPerms`. @default 'DENY' */
  defaultGroupPerm?: string;
  /** Per-topic permissions: `['topicA=PUB', 'topicB=PUB|SUB']` or `{ topicA: 'PUB' }`. @default none */
  topicPerms?: readonly string[] | Readonly<Record<string, string>>;
  /** Per-group permissions, same shapes. @default none */
  groupPerms?: readonly string[] | Readonly<Record<string, string>>;
}

/** ACL configuration of a mock nameserver or broker. */
export interface MockAclConfig {
  /** Accounts. */
  accounts: readonly MockAclAccount[];
  /** Requests from these IP patterns pass unchecked (`globalWhiteRemoteAddresses`). @default [] */
  globalWhiteRemoteAddresses?: readonly string[];
  /**
   * Request codes never checked: the cluster's own traffic (REGISTER_BROKER 103, UNREGISTER_BROKER 104,
   * QUERY_DATA_VERSION 322, BROKER_HEARTBEAT 904), which the mock's brokers send unsigned.
   * @default [103, 104, 322, 904]
   */
  exemptCodes?: readonly number[];
}

/** Why a request was refused. */
export interface AclRejection {
  /** Response code (NO_PERMISSION). */
  code: number;
  /** The real broker's message. */
  remark: string;
}

interface Account {
  accessKey: string;
  secretKey: string;
  admin: boolean;
  white: AddressMatcher;
  defaultTopicPerm: number;
  defaultGroupPerm: number;
  topicPerms: Map<string, number> | undefined;
  groupPerms: Map<string, number> | undefined;
}

/** The signed content as the broker rebuilds it: sorted extField values without `Signature`, then the body. */
export function serverSignedContent(extFields: Readonly<Record<string, string>>, body: Buffer | undefined): Buffer {
  const keys = Object.keys(extFields).filter((k) => k !== 'Signature');
  keys.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const head = Buffer.from(keys.map((k) => extFields[k]).join(''), 'utf8');
  return body && body.length > 0 ? Buffer.concat([head, body]) : head;
}

/** Compiled ACL rules; {@link AclValidator.check} decides one request. */
export class AclValidator {
  private readonly accounts = new Map<string, Account>();
  private readonly globalWhite: AddressMatcher[];
  private readonly exempt: ReadonlySet<number>;

  /**
   * @param config - accounts and whitelists
   * @throws ValidationError for a malformed account, permission entry or address pattern
   */
  constructor(config: MockAclConfig) {
    if (!config || !Array.isArray(config.accounts)) throw new ValidationError('ACL config needs an accounts array');
    for (const a of config.accounts) {
      if (typeof a?.accessKey !== 'string' || a.accessKey === '' || typeof a.secretKey !== 'string' || a.secretKey === '') {
        throw new ValidationError('every ACL account needs a non-empty accessKey and secretKey');
      }
      const topicPerms = parseResourcePerms(a.topicPerms);
      const groupPerms = parseResourcePerms(a.groupPerms);
      this.accounts.set(a.accessKey, {
        accessKey: a.accessKey,
        secretKey: a.secretKey,
        admin: a.admin === true,
        white: compileAddressPattern(a.whiteRemoteAddress),
        defaultTopicPerm: parsePerm(a.defaultTopicPerm),
        defaultGroupPerm: parsePerm(a.defaultGroupPerm),
        // Java keeps "no perms configured" (null map) apart from an empty one: an admin without perms may do all.
        topicPerms: topicPerms.size > 0 ? topicPerms : undefined,
        groupPerms: groupPerms.size > 0 ? groupPerms : undefined,
      });
    }
    this.globalWhite = (config.globalWhiteRemoteAddresses ?? []).map((p) => compileAddressPattern(p));
    this.exempt = new Set(config.exemptCodes ?? [103, 104, 322, 904]);
  }

  /**
   * Decides one request.
   * @param req - the request as received
   * @param remoteIp - the peer's IP
   * @returns undefined when allowed, else the answer to send
   */
  check(req: RemotingCommand, remoteIp: string): AclRejection | undefined {
    if (this.exempt.has(req.code)) return undefined;
    if (this.globalWhite.some((m) => m(remoteIp))) return undefined;
    const fields = req.extFields ?? {};
    const ak = fields.AccessKey;
    if (ak === undefined) return deny('No accessKey is configured');
    const account = this.accounts.get(ak);
    if (!account) return deny(`No acl config for ${ak}`);
    if (account.white(remoteIp)) return undefined;
    const expected = createHmac('sha1', Buffer.from(account.secretKey, 'utf8')).update(serverSignedContent(fields, req.body)).digest();
    const given = Buffer.from(fields.Signature ?? '', 'utf8');
    const want = Buffer.from(expected.toString('base64'), 'utf8');
    if (given.length !== want.length || !timingSafeEqual(given, want)) return deny(`Check signature failed for accessKey=${ak}`);
    if (ADMIN_CODES.has(req.code) && !account.admin) {
      return deny(`Need admin permission for request code=${req.code}, but accessKey=${ak} is not`);
    }
    const need = neededAccess(req);
    if (account.admin && !account.topicPerms && !account.groupPerms) return undefined;
    for (const [topic, perm] of need.topics) {
      if (!permits(perm, account.topicPerms?.get(topic) ?? account.defaultTopicPerm)) return deny(`No default permission for topic:${topic}`);
    }
    for (const [group, perm] of need.groups) {
      if (!permits(perm, account.groupPerms?.get(group) ?? account.defaultGroupPerm)) return deny(`No default permission for group:${group}`);
    }
    return undefined;
  }
}

function deny(remark: string): AclRejection {
  return { code: NO_PERMISSION, remark };
}
