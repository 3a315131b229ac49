/**
 * Message shapes shared by producer, consumer, protocol and mock.
 * @module
 */

/** A parsed `host:port` address. IPv6 hosts are held without brackets. */
export interface SocketAddress {
  /** IPv4 dotted quad, IPv6 text (no brackets) or a host name. */
  host: string;
  /** TCP port, 0..65535. */
  port: number;
}

/**
 * An outgoing message, normalised: the producer turns user input (tags, keys, delay, …) into properties
 * before it reaches the protocol layer.
 */
export interface Message {
  /** Destination topic. */
  topic: string;
  /** Body bytes (maybe compressed by the producer, in which case sysFlag says so). */
  body: Buffer;
  /** Application flag, stored as is. */
  flag: number;
  /** Properties (see `MessageConst`). Names and values must not contain 0x01 or 0x02. */
  properties: Record<string, string>;
}

/**
 * A message as stored by the broker and returned by PULL, QUERY, VIEW and CHECK_TRANSACTION_STATE.
 *
 * Objects returned by `decodeStoredMessages` compute `properties`, `keys`, `tags`, `msgId`, `offsetMsgId`,
 * `bornHost`, `storeHost` and `transactionId` on first access (accessors on the prototype, so an object
 * spread does not copy them; use `toJSON()` or read the fields).
 */
export interface MessageExt {
  /** Topic the message is stored under (e.g. `%RETRY%group` for retries). */
  topic: string;
  /** Body: a view into the response buffer, or a fresh buffer when it was decompressed. */
  body: Buffer;
  /** Keys from the `KEYS` property, split on spaces (empty pieces dropped). */
  keys: string[];
  /** The `TAGS` property, when present. */
  tags?: string;
  /** All properties. */
  properties: Record<string, string>;
  /** The id users see: the `UNIQ_KEY` property when present, else {@link MessageExt.offsetMsgId}. */
  msgId: string;
  /** Store host + commit-log offset as upper-case hex (32 chars for IPv4, 56 for IPv6). */
  offsetMsgId: string;
  /** Queue id. */
  queueId: number;
  /** Offset in the consume queue. */
  queueOffset: number;
  /** Physical offset in the commit log. */
  commitLogOffset: number;
  /** sysFlag bits (see `MessageSysFlag`); the COMPRESSED bit is cleared once the body is decompressed. */
  sysFlag: number;
  /** Application flag. */
  flag: number;
  /** Producer-side timestamp (ms). */
  bornTimestamp: number;
  /** Producer address, `ip:port` (`[ip6]:port` for IPv6). */
  bornHost: string;
  /** Broker-side store timestamp (ms). */
  storeTimestamp: number;
  /** Broker address, `ip:port` (`[ip6]:port` for IPv6). */
  storeHost: string;
  /** How many times the message has been re-consumed. */
  reconsumeTimes: number;
  /** Commit-log offset of the prepared (half) message, for transactional messages. */
  preparedTransactionOffset: number;
  /** CRC32 of the stored body & 0x7FFFFFFF, as stored. */
  bodyCRC: number;
  /** Size of the stored record in bytes. */
  storeSize: number;
  /** Transaction id: the `__transactionId__` property when present. */
  transactionId?: string;
}
