/**
 * Well-known property names, sysFlag bits and magic codes of stored messages.
 *
 * Wire strings follow `common/.../message/MessageConst.java` and `common/.../sysflag/MessageSysFlag.java`
 * (apache/rocketmq 5.x, unchanged since 4.9 for the names that exist there).
 * @module
 */

/**
 * Property names carried in a message's properties string. The values are the exact wire strings;
 * the keys are short aliases (Java's `PROPERTY_` prefix dropped).
 */
export const MessageConst = {
  /** Space-separated business keys (see {@link KEY_SEPARATOR}). */
  KEYS: 'KEYS',
  /** The message tag used by TAG subscriptions. */
  TAGS: 'TAGS',
  /** `"true"`/`"false"`: whether the broker should wait for the store (Java always sets true). */
  WAIT: 'WAIT',
  /** Delay level 1..18 (see {@link DELAY_LEVELS}). */
  DELAY: 'DELAY',
  /** Original topic of a message sent back for retry. */
  RETRY_TOPIC: 'RETRY_TOPIC',
  /** Original topic while parked in SCHEDULE_TOPIC_XXXX or RMQ_SYS_TRANS_HALF_TOPIC. */
  REAL_TOPIC: 'REAL_TOPIC',
  /** Original queue id while parked. */
  REAL_QID: 'REAL_QID',
  /** `"true"` on transactional half messages. */
  TRAN_MSG: 'TRAN_MSG',
  /** Producer group of a transactional message. */
  PGROUP: 'PGROUP',
  /** Queue min offset, set by the client after a pull. */
  MIN_OFFSET: 'MIN_OFFSET',
  /** Queue max offset, set by the client after a pull. */
  MAX_OFFSET: 'MAX_OFFSET',
  /** Buyer id (legacy Alibaba property). */
  BUYER_ID: 'BUYER_ID',
  /** Message id of the original message of a retry. */
  ORIGIN_MESSAGE_ID: 'ORIGIN_MESSAGE_ID',
  /** Legacy transfer flag. */
  TRANSFER_FLAG: 'TRANSFER_FLAG',
  /** Legacy correction flag. */
  CORRECTION_FLAG: 'CORRECTION_FLAG',
  /** Legacy MQ2 flag. */
  MQ2_FLAG: 'MQ2_FLAG',
  /** Number of times this message was re-consumed. */
  RECONSUME_TIME: 'RECONSUME_TIME',
  /** Region of the broker that stored the message. */
  MSG_REGION: 'MSG_REGION',
  /** `"true"`/`"false"`: message trace switch. */
  TRACE_ON: 'TRACE_ON',
  /** Client-side unique message id (the `msgId` users see). */
  UNIQ_KEY: 'UNIQ_KEY',
  /** Extended unique info. */
  EXTEND_UNIQ_INFO: 'EXTEND_UNIQ_INFO',
  /** Max re-consume times before the message goes to the DLQ. */
  MAX_RECONSUME_TIMES: 'MAX_RECONSUME_TIMES',
  /** Time the consumer started consuming (ms). */
  CONSUME_START_TIME: 'CONSUME_START_TIME',
  /** Number of inner messages of a 5.x auto batch. */
  INNER_NUM: 'INNER_NUM',
  /** Base queue offset of a 5.x auto batch. */
  INNER_BASE: 'INNER_BASE',
  /** Duplicate info. */
  DUP_INFO: 'DUP_INFO',
  /** Seconds a half message is immune from transaction checks. */
  CHECK_IMMUNITY_TIME_IN_SECONDS: 'CHECK_IMMUNITY_TIME_IN_SECONDS',
  /** Queue offset of the half message in the transaction queue. */
  TRAN_PREPARED_QUEUE_OFFSET: 'TRAN_PREPARED_QUEUE_OFFSET',
  /** Transaction id. */
  TRANSACTION_ID: '__transactionId__',
  /** Number of transaction checks done so far. */
  TRANSACTION_CHECK_TIMES: 'TRANSACTION_CHECK_TIMES',
  /** Instance id. */
  INSTANCE_ID: 'INSTANCE_ID',
  /** Request-reply correlation id. */
  CORRELATION_ID: 'CORRELATION_ID',
  /** Request-reply: client id to reply to. */
  REPLY_TO_CLIENT: 'REPLY_TO_CLIENT',
  /** Request-reply time to live (ms). */
  TTL: 'TTL',
  /** Request-reply arrival time. */
  ARRIVE_TIME: 'ARRIVE_TIME',
  /** Request-reply push time. */
  PUSH_REPLY_TIME: 'PUSH_REPLY_TIME',
  /** Cluster name, added by the broker. */
  CLUSTER: 'CLUSTER',
  /** Message type, e.g. `"reply"`. */
  MSG_TYPE: 'MSG_TYPE',
  /** POP checkpoint. */
  POP_CK: 'POP_CK',
  /** POP checkpoint offset. */
  POP_CK_OFFSET: 'POP_CK_OFFSET',
  /** First POP time. */
  FIRST_POP_TIME: '1ST_POP_TIME',
  /** Sharding key (5.x ordered messages). */
  SHARDINGKEY: '__SHARDINGKEY',
  /** Forward queue id. */
  FORWARD_QUEUE_ID: 'PROPERTY_FORWARD_QUEUE_ID',
  /** Redirect flag. */
  REDIRECT: 'REDIRECT',
  /** Multi-dispatch targets. */
  INNER_MULTI_DISPATCH: 'INNER_MULTI_DISPATCH',
  /** Multi-dispatch queue offsets. */
  INNER_MULTI_QUEUE_OFFSET: 'INNER_MULTI_QUEUE_OFFSET',
  /** Trace context. */
  TRACE_CONTEXT: 'TRACE_CONTEXT',
  /** 5.x timer: delay in seconds. */
  TIMER_DELAY_SEC: 'TIMER_DELAY_SEC',
  /** 5.x timer: absolute delivery time (ms). */
  TIMER_DELIVER_MS: 'TIMER_DELIVER_MS',
  /** 5.x timer: delay in milliseconds. */
  TIMER_DELAY_MS: 'TIMER_DELAY_MS',
  /** 5.x timer: enqueue time. */
  TIMER_ENQUEUE_MS: 'TIMER_ENQUEUE_MS',
  /** 5.x timer: dequeue time. */
  TIMER_DEQUEUE_MS: 'TIMER_DEQUEUE_MS',
  /** 5.x timer: roll times. */
  TIMER_ROLL_TIMES: 'TIMER_ROLL_TIMES',
  /** 5.x timer: out time. */
  TIMER_OUT_MS: 'TIMER_OUT_MS',
  /** 5.x timer: uniq key to delete. */
  TIMER_DEL_UNIQKEY: 'TIMER_DEL_UNIQKEY',
  /** 5.x timer: delay level. */
  TIMER_DELAY_LEVEL: 'TIMER_DELAY_LEVEL',
  /** Born host carried as a property (5.x proxy). */
  BORN_HOST: '__BORNHOST',
  /** Born timestamp carried as a property (5.x proxy). */
  BORN_TIMESTAMP: 'BORN_TIMESTAMP',
  /** Appended body CRC (5.x `enabledAppendPropCRC`). */
  CRC32: '__CRC32#',
  /** Original topic of a DLQ message. */
  DLQ_ORIGIN_TOPIC: 'DLQ_ORIGIN_TOPIC',
  /** Original message id of a DLQ message. */
  DLQ_ORIGIN_MESSAGE_ID: 'DLQ_ORIGIN_MESSAGE_ID',
  /** Prefix of transient properties the broker never stores. */
  TRANSIENT_PREFIX: '__RMQ.TRANSIENT.',
} as const;

/** Separator between the keys in the `KEYS` property. */
export const KEY_SEPARATOR = ' ';
/** Separates a property name from its value. */
export const NAME_VALUE_SEPARATOR = '\u0001';
/** Ends every name/value pair. */
export const PROPERTY_SEPARATOR = '\u0002';

/** Bits of a message's `sysFlag`. */
export const MessageSysFlag = {
  /** Body is compressed; the codec is in {@link MessageSysFlag.COMPRESSION_TYPE_MASK}. */
  COMPRESSED: 0x1,
  /** Legacy multi-tags flag. */
  MULTI_TAGS: 0x2,
  /** Not a transactional message. */
  TRANSACTION_NOT_TYPE: 0,
  /** Transactional half message. */
  TRANSACTION_PREPARED_TYPE: 0x4,
  /** Committed transactional message. */
  TRANSACTION_COMMIT_TYPE: 0x8,
  /** Rolled back transactional message. */
  TRANSACTION_ROLLBACK_TYPE: 0xc,
  /** Mask of the transaction type bits (same value as ROLLBACK). */
  TRANSACTION_TYPE_MASK: 0xc,
  /** Born host is IPv6 (16-byte address in the stored layout). */
  BORNHOST_V6: 0x10,
  /** Store host is IPv6. */
  STOREHOSTADDRESS_V6: 0x20,
  /** 5.x auto batch: the record wraps messages in the batch format. */
  NEED_UNWRAP: 0x40,
  /** 5.x inner batch. */
  INNER_BATCH: 0x80,
  /** Compression type LZ4. */
  COMPRESSION_LZ4_TYPE: 0x100,
  /** Compression type ZSTD. */
  COMPRESSION_ZSTD_TYPE: 0x200,
  /** Compression type ZLIB (0 also means zlib, from writers older than 4.9.4). */
  COMPRESSION_ZLIB_TYPE: 0x300,
  /** Mask of the compression type bits. */
  COMPRESSION_TYPE_MASK: 0x700,
} as const;

/** Magic code of stored-format version 1 (1-byte topic length): 0xDAA320A7. */
export const MESSAGE_MAGIC_CODE_V1 = -626843481;
/** Magic code of stored-format version 2 (2-byte topic length): 0xDAA320AB. */
export const MESSAGE_MAGIC_CODE_V2 = -626843477;
/** Magic code of the blank filler record at the end of a commit-log file: 0xCBD43194. */
export const BLANK_MAGIC_CODE = -875286124;

/** The broker's default delay levels (`messageDelayLevel`); level n is `DELAY_LEVELS[n - 1]`. */
export const DELAY_LEVELS: readonly string[] = Object.freeze([
  '1s', '5s', '10s', '30s', '1m', '2m', '3m', '4m', '5m', '6m', '7m', '8m', '9m', '10m', '20m', '30m', '1h', '2h',
]);
