/**
 * What a request needs, per request code: the real broker's `PlainAccessValidator.parse` table (send → topic PUB,
 * or the group's SUB for a send to a `%RETRY%` topic; pull / offsets → topic SUB + group SUB; heartbeat → every
 * subscribed topic and group SUB; …) and the admin-only codes of `Permission.ADMIN_CODE`.
 * @module
 */
import type { RemotingCommand } from '../../remoting/command.js';
import { Perm } from './permission.js';

/** Resources one request touches and the permission each needs. */
export interface NeededAccess {
  /** Topic → needed bits. */
  topics: Map<string, number>;
  /** Consumer/producer group → needed bits. */
  groups: Map<string, number>;
}

/** Prefix of retry topics; sending to one needs the group's SUB, not the topic's PUB. */
export const RETRY_GROUP_TOPIC_PREFIX = '%RETRY%';

/**
 * Codes only admin accounts may use: Java's `Permission.ADMIN_CODE` (UPDATE_AND_CREATE_TOPIC 17,
 * UPDATE_BROKER_CONFIG 25, UPDATE_AND_CREATE_SUBSCRIPTIONGROUP 200, DELETE_SUBSCRIPTIONGROUP 207,
 * DELETE_TOPIC_IN_BROKER 215) plus, for the mock's nameserver, the KV/permission writes and ACL config codes
 * (PUT_KV_CONFIG 100, DELETE_KV_CONFIG 102, WIPE_WRITE_PERM_OF_BROKER 205, DELETE_TOPIC_IN_NAMESRV 216,
 * ADD_WRITE_PERM_OF_BROKER 327, UPDATE_AND_CREATE_ACL_CONFIG 50, DELETE_ACL_CONFIG 51,
 * UPDATE_GLOBAL_WHITE_ADDRS_CONFIG 52).
 */
export const ADMIN_CODES: ReadonlySet<number> = new Set([17, 25, 200, 207, 215, 100, 102, 205, 216, 327, 50, 51, 52]);

function add(map: Map<string, number>, name: string | undefined, perm: number): void {
  if (name === undefined || name === '') return;
  map.set(name, (map.get(name) ?? 0) | perm);
}

/** Adds a send's needs: PUB on the topic, or SUB on the group for a retry topic (consumer send-back path). */
function addSend(need: NeededAccess, topic: string | undefined, group: string | undefined): void {
  if (topic?.startsWith(RETRY_GROUP_TOPIC_PREFIX)) add(need.groups, group ?? topic.slice(RETRY_GROUP_TOPIC_PREFIX.length), Perm.SUB);
  else add(need.topics, topic, Perm.PUB);
}

/** Heartbeat body: every consumer group and its subscribed topics need SUB. Undecodable bodies need nothing more. */
function addHeartbeat(need: NeededAccess, body: Buffer | undefined): void {
  if (!body || body.length === 0) return;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return;
  }
  const set = (parsed as { consumerDataSet?: unknown })?.consumerDataSet;
  if (!Array.isArray(set)) return;
  for (const cd of set as Array<{ groupName?: unknown; subscriptionDataSet?: unknown }>) {
    if (typeof cd?.groupName === 'string') add(need.groups, cd.groupName, Perm.SUB);
    if (!Array.isArray(cd?.subscriptionDataSet)) continue;
    for (const sd of cd.subscriptionDataSet as Array<{ topic?: unknown }>) {
      if (typeof sd?.topic === 'string' && !sd.topic.startsWith(RETRY_GROUP_TOPIC_PREFIX)) add(need.topics, sd.topic, Perm.SUB);
    }
  }
}

/**
 * The topics and groups `req` touches and what it needs on each (empty for codes without resources).
 * @param req - the request as received
 */
export function neededAccess(req: RemotingCommand): NeededAccess {
  const need: NeededAccess = { topics: new Map(), groups: new Map() };
  const f = req.extFields ?? {};
  switch (req.code) {
    case 10: // SEND_MESSAGE
    case 324: // SEND_REPLY_MESSAGE
      addSend(need, f.topic, f.producerGroup);
      break;
    case 310: // SEND_MESSAGE_V2 (a = producerGroup, b = topic)
    case 320: // SEND_BATCH_MESSAGE
    case 325: // SEND_REPLY_MESSAGE_V2
      addSend(need, f.b, f.a);
      break;
    case 36: // CONSUMER_SEND_MSG_BACK
      add(need.groups, f.group, Perm.SUB);
      break;
    case 11: // PULL_MESSAGE
    case 361: // LITE_PULL_MESSAGE
    case 14: // QUERY_CONSUMER_OFFSET
    case 15: // UPDATE_CONSUMER_OFFSET
      add(need.topics, f.topic, Perm.SUB);
      add(need.groups, f.consumerGroup, Perm.SUB);
      break;
    case 12: // QUERY_MESSAGE
      add(need.topics, f.topic, Perm.SUB);
      break;
    case 34: // HEART_BEAT
      addHeartbeat(need, req.body);
      break;
    case 35: // UNREGISTER_CLIENT
      add(need.groups, f.consumerGroup, Perm.SUB);
      break;
    case 38: // GET_CONSUMER_LIST_BY_GROUP
      add(need.groups, f.consumerGroup, Perm.SUB);
      break;
    default:
      break;
  }
  // Java keeps groups as their retry topics and checks any `%RETRY%<group>` resource against the group's permission
  // (PlainPermissionManager.checkPerm), so a pull or offset request on a retry topic needs the group's SUB.
  for (const [topic, perm] of need.topics) {
    if (!topic.startsWith(RETRY_GROUP_TOPIC_PREFIX)) continue;
    need.topics.delete(topic);
    add(need.groups, topic.slice(RETRY_GROUP_TOPIC_PREFIX.length), perm);
  }
  return need;
}
