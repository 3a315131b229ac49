/**
 * Remoting request codes (Java `RequestCode`), limited to the ones this SDK and its mock speak or must recognise.
 * Grouped as in the Java source: client → broker, broker → client, nameserver, and the 5.x HA/controller codes
 * that only brokers exchange (listed so a mock or a log line can name them).
 * @module
 */

/** Request code constants, keyed by their Java names. */
export const RequestCode = {
  // client → broker: messages
  /** Send one message (v1 header, long field names). */
  SEND_MESSAGE: 10,
  /** Pull messages from a consume queue (long polling). */
  PULL_MESSAGE: 11,
  /** Query messages by key or unique key in the index. */
  QUERY_MESSAGE: 12,
  /** Read one message at a commit-log offset (offsetMsgId). */
  VIEW_MESSAGE_BY_ID: 33,
  /** Send one message (v2 header, single-letter field names). */
  SEND_MESSAGE_V2: 310,
  /** Send a batch of messages to one topic. */
  SEND_BATCH_MESSAGE: 320,
  /** Send a reply message (request/reply, v1 header). */
  SEND_REPLY_MESSAGE: 324,
  /** Send a reply message (request/reply, v2 header). */
  SEND_REPLY_MESSAGE_V2: 325,
  /** Pull for a lite pull consumer (same layout as PULL_MESSAGE). */
  LITE_PULL_MESSAGE: 361,
  // client → broker: offsets
  /** Legacy broker offset query (recognised only). */
  QUERY_BROKER_OFFSET: 13,
  /** Read a consumer group's committed offset of one queue. */
  QUERY_CONSUMER_OFFSET: 14,
  /** Commit a consumer group's offset of one queue. */
  UPDATE_CONSUMER_OFFSET: 15,
  /** Find the queue offset of a store time. */
  SEARCH_OFFSET_BY_TIMESTAMP: 29,
  /** A queue's max offset (next offset to be written). */
  GET_MAX_OFFSET: 30,
  /** A queue's min offset. */
  GET_MIN_OFFSET: 31,
  /** Store time of the oldest message of a queue. */
  GET_EARLIEST_MSG_STORETIME: 32,
  /** Every consumer offset a broker holds (admin). */
  GET_ALL_CONSUMER_OFFSET: 43,
  // client → broker: clients and groups
  /** Client heartbeat with its producer and consumer groups. */
  HEART_BEAT: 34,
  /** A client leaves its producer / consumer group. */
  UNREGISTER_CLIENT: 35,
  /** Hand a failed message back for retry (or the DLQ). */
  CONSUMER_SEND_MSG_BACK: 36,
  /** Commit or roll back a half (transactional) message. */
  END_TRANSACTION: 37,
  /** Client ids of a consumer group (for rebalance). */
  GET_CONSUMER_LIST_BY_GROUP: 38,
  /** Lock queues for an orderly consumer. */
  LOCK_BATCH_MQ: 41,
  /** Unlock queues of an orderly consumer. */
  UNLOCK_BATCH_MQ: 42,
  // client → broker: admin
  /** Create or update a topic on a broker. */
  UPDATE_AND_CREATE_TOPIC: 17,
  /** A broker's runtime table (role, version, offsets). */
  GET_BROKER_RUNTIME_INFO: 28,
  // client → broker: pop
  /** Pop consumption: queues assigned to a client (recognised only). */
  QUERY_ASSIGNMENT: 400,
  /** Pop consumption: pop messages (recognised only). */
  POP_MESSAGE: 200050,
  /** Pop consumption: acknowledge a popped message (recognised only). */
  ACK_MESSAGE: 200051,
  // broker → client
  /** Broker asks a producer for the state of a half message. */
  CHECK_TRANSACTION_STATE: 39,
  /** Broker tells consumers that their group's members changed. */
  NOTIFY_CONSUMER_IDS_CHANGED: 40,
  /** Broker tells a consumer to reset its offsets. */
  RESET_CONSUMER_CLIENT_OFFSET: 220,
  /** Broker asks a consumer for its offsets (legacy). */
  GET_CONSUMER_STATUS_FROM_CLIENT: 221,
  /** Broker asks a consumer for its running info. */
  GET_CONSUMER_RUNNING_INFO: 307,
  /** Broker asks a consumer to consume one message now. */
  CONSUME_MESSAGE_DIRECTLY: 309,
  /** Broker pushes a reply message to the requesting producer. */
  PUSH_REPLY_MESSAGE_TO_CLIENT: 326,
  // nameserver
  /** Store a key/value config on the nameserver. */
  PUT_KV_CONFIG: 100,
  /** Read a key/value config from the nameserver. */
  GET_KV_CONFIG: 101,
  /** Delete a key/value config on the nameserver. */
  DELETE_KV_CONFIG: 102,
  /** A broker registers (or re-registers) with the nameserver. */
  REGISTER_BROKER: 103,
  /** A broker leaves the nameserver. */
  UNREGISTER_BROKER: 104,
  /** A topic's route (broker groups, addresses, queues). */
  GET_ROUTEINFO_BY_TOPIC: 105,
  /** The cluster table: clusters, groups, addresses. */
  GET_BROKER_CLUSTER_INFO: 106,
  /** Remove a broker's write permission on the nameserver. */
  WIPE_WRITE_PERM_OF_BROKER: 205,
  /** Every topic the nameserver knows. */
  GET_ALL_TOPIC_LIST_FROM_NAMESERVER: 206,
  /** Whether a broker's registration data changed. */
  QUERY_DATA_VERSION: 322,
  /** Restore a broker's write permission on the nameserver. */
  ADD_WRITE_PERM_OF_BROKER: 327,
  // 5.x HA and controller (broker ↔ nameserver/controller only)
  /** 5.x: the members of a broker group. */
  GET_BROKER_MEMBER_GROUP: 901,
  /** 5.x: broker heartbeat to the nameserver / controller. */
  BROKER_HEARTBEAT: 904,
  /** 5.x: the lowest broker id of a group changed. */
  NOTIFY_MIN_BROKER_ID_CHANGE: 905,
  /** 5.x controller: change the in-sync replica set. */
  CONTROLLER_ALTER_SYNC_STATE_SET: 1001,
  /** 5.x controller: elect a master. */
  CONTROLLER_ELECT_MASTER: 1002,
  /** 5.x controller: register a broker. */
  CONTROLLER_REGISTER_BROKER: 1003,
  /** 5.x controller: replica info of a group. */
  CONTROLLER_GET_REPLICA_INFO: 1004,
  /** 5.x controller: the controller's metadata. */
  CONTROLLER_GET_METADATA_INFO: 1005,
  /** 5.x controller: in-sync state of groups. */
  CONTROLLER_GET_SYNC_STATE_DATA: 1006,
  /** 5.x: a broker's epoch cache. */
  GET_BROKER_EPOCH_CACHE: 1007,
  /** 5.x controller: a broker's role changed. */
  NOTIFY_BROKER_ROLE_CHANGED: 1008,
  /** 5.x controller: update its config. */
  UPDATE_CONTROLLER_CONFIG: 1009,
  /** 5.x controller: read its config. */
  GET_CONTROLLER_CONFIG: 1010,
  /** 5.x controller: drop a broker's data. */
  CLEAN_BROKER_DATA: 1011,
  /** 5.x controller: next free broker id. */
  CONTROLLER_GET_NEXT_BROKER_ID: 1012,
  /** 5.x controller: claim a broker id. */
  CONTROLLER_APPLY_BROKER_ID: 1013,
} as const;

/** Name of a request code, e.g. `'SEND_MESSAGE_V2'`. */
export type RequestCodeName = keyof typeof RequestCode;
/** Numeric value of a known request code. */
export type RequestCodeValue = (typeof RequestCode)[RequestCodeName];

const NAMES: ReadonlyMap<number, string> = new Map(
  Object.entries(RequestCode).map(([name, code]) => [code, name] as const),
);

/**
 * Name of a request code for logs and error messages; unknown codes come back as `UNKNOWN_<n>`.
 * @param code - numeric request code
 */
export function requestCodeName(code: number): string {
  return NAMES.get(code) ?? `UNKNOWN_${code}`;
}
