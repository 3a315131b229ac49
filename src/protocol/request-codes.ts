/**
 * Remoting request codes (Java `RequestCode`), limited to the ones this SDK and its mock speak or must recognise.
 * Grouped as in the Java source: client → broker, broker → client, nameserver, and the 5.x HA/controller codes
 * that only brokers exchange (listed so a mock or a log line can name them).
 * @module
 */

/** Request code constants, keyed by their Java names. */
export const RequestCode = {
  // client → broker: messages
  SEND_MESSAGE: 10,
  PULL_MESSAGE: 11,
  QUERY_MESSAGE: 12,
  VIEW_MESSAGE_BY_ID: 33,
  SEND_MESSAGE_V2: 310,
  SEND_BATCH_MESSAGE: 320,
  SEND_REPLY_MESSAGE: 324,
  SEND_REPLY_MESSAGE_V2: 325,
  LITE_PULL_MESSAGE: 361,
  // client → broker: offsets
  QUERY_BROKER_OFFSET: 13,
  QUERY_CONSUMER_OFFSET: 14,
  UPDATE_CONSUMER_OFFSET: 15,
  SEARCH_OFFSET_BY_TIMESTAMP: 29,
  GET_MAX_OFFSET: 30,
  GET_MIN_OFFSET: 31,
  GET_EARLIEST_MSG_STORETIME: 32,
  GET_ALL_CONSUMER_OFFSET: 43,
  // client → broker: clients and groups
  HEART_BEAT: 34,
  UNREGISTER_CLIENT: 35,
  CONSUMER_SEND_MSG_BACK: 36,
  END_TRANSACTION: 37,
  GET_CONSUMER_LIST_BY_GROUP: 38,
  LOCK_BATCH_MQ: 41,
  UNLOCK_BATCH_MQ: 42,
  // client → broker: admin
  UPDATE_AND_CREATE_TOPIC: 17,
  GET_BROKER_RUNTIME_INFO: 28,
  // client → broker: pop
  QUERY_ASSIGNMENT: 400,
  POP_MESSAGE: 200050,
  ACK_MESSAGE: 200051,
  // broker → client
  CHECK_TRANSACTION_STATE: 39,
  NOTIFY_CONSUMER_IDS_CHANGED: 40,
  RESET_CONSUMER_CLIENT_OFFSET: 220,
  GET_CONSUMER_STATUS_FROM_CLIENT: 221,
  GET_CONSUMER_RUNNING_INFO: 307,
  CONSUME_MESSAGE_DIRECTLY: 309,
  PUSH_REPLY_MESSAGE_TO_CLIENT: 326,
  // nameserver
  PUT_KV_CONFIG: 100,
  GET_KV_CONFIG: 101,
  DELETE_KV_CONFIG: 102,
  REGISTER_BROKER: 103,
  UNREGISTER_BROKER: 104,
  GET_ROUTEINFO_BY_TOPIC: 105,
  GET_BROKER_CLUSTER_INFO: 106,
  WIPE_WRITE_PERM_OF_BROKER: 205,
  GET_ALL_TOPIC_LIST_FROM_NAMESERVER: 206,
  QUERY_DATA_VERSION: 322,
  ADD_WRITE_PERM_OF_BROKER: 327,
  // 5.x HA and controller (broker ↔ nameserver/controller only)
  GET_BROKER_MEMBER_GROUP: 901,
  BROKER_HEARTBEAT: 904,
  NOTIFY_MIN_BROKER_ID_CHANGE: 905,
  CONTROLLER_ALTER_SYNC_STATE_SET: 1001,
  CONTROLLER_ELECT_MASTER: 1002,
  CONTROLLER_REGISTER_BROKER: 1003,
  CONTROLLER_GET_REPLICA_INFO: 1004,
  CONTROLLER_GET_METADATA_INFO: 1005,
  CONTROLLER_GET_SYNC_STATE_DATA: 1006,
  GET_BROKER_EPOCH_CACHE: 1007,
  NOTIFY_BROKER_ROLE_CHANGED: 1008,
  UPDATE_CONTROLLER_CONFIG: 1009,
  GET_CONTROLLER_CONFIG: 1010,
  CLEAN_BROKER_DATA: 1011,
  CONTROLLER_GET_NEXT_BROKER_ID: 1012,
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
