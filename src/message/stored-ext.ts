/**
 * The MessageExt objects the stored-record decoder returns. Fields that cost string work (properties, ids,
 * host text) and the 64-bit numbers a consumer rarely reads (commit-log offset, timestamps, prepared offset) are
 * read from the record bytes on first access, so a consumer that only looks at bodies and queue offsets pays for
 * neither — one object per message, no side object of positions.
 * @module
 */
import { decodeIp } from './hosts.js';
import { KEY_SEPARATOR, MessageConst, MessageSysFlag } from './constants.js';
import { decodeProperties } from './properties.js';
import type { MessageExt } from './types.js';

const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).toUpperCase().padStart(2, '0'));

/** Upper-case hex of `buf[start, end)` (UtilAll.bytes2string). */
export function hexUpper(buf: Uint8Array, start = 0, end = buf.length): string {
  let s = '';
  for (let i = start; i < end; i++) s += HEX[buf[i]];
  return s;
}

const TWO_32 = 2 ** 32;

/** Reads a signed int64 as a number without BigInt (exact up to 2^53). */
function readInt64(buf: Buffer, pos: number): number {
  return buf.readInt32BE(pos) * TWO_32 + buf.readUInt32BE(pos + 4);
}

/**
 * The lazy fields of one message, apart from the message object: a consumer that reads only bodies and queue
 * offsets keeps each message at a dozen fields and never allocates this.
 */
interface LazyFields {
  _commitLogOffset: number | undefined;
  _bornTimestamp: number | undefined;
  _storeTimestamp: number | undefined;
  _preparedTransactionOffset: number | undefined;
  _bodyCRC: number | undefined;
  _properties: Record<string, string> | undefined;
  _keys: string[] | undefined;
  /** null = not looked up yet (undefined is a valid answer). */
  _tags: string | undefined | null;
  _msgId: string | undefined;
  _offsetMsgId: string | undefined;
  _bornHost: string | undefined;
  _storeHost: string | undefined;
  /** null = not looked up yet. */
  _transactionId: string | undefined | null;
}

/** Every field present from the start, so all such objects share one shape. */
function newLazyFields(): LazyFields {
  return {
    _commitLogOffset: undefined,
    _bornTimestamp: undefined,
    _storeTimestamp: undefined,
    _preparedTransactionOffset: undefined,
    _bodyCRC: undefined,
    _properties: undefined,
    _keys: undefined,
    _tags: null,
    _msgId: undefined,
    _offsetMsgId: undefined,
    _bornHost: undefined,
    _storeHost: undefined,
    _transactionId: null,
  };
}

/**
 * A decoded stored message; see {@link MessageExt}. Built by `decodeStoredMessage(s)`, which checks the record's
 * layout first: the constructor trusts it.
 */
export class StoredMessageExt implements MessageExt {
  /** {@inheritDoc MessageExt.topic} */
  topic: string;
  /** {@inheritDoc MessageExt.body} */
  body: Buffer;
  /** {@inheritDoc MessageExt.queueId} */
  queueId: number;
  /** {@inheritDoc MessageExt.queueOffset} */
  queueOffset: number;
  /** {@inheritDoc MessageExt.sysFlag} */
  sysFlag: number;
  /** {@inheritDoc MessageExt.flag} */
  flag: number;
  /** {@inheritDoc MessageExt.reconsumeTimes} */
  reconsumeTimes: number;
  /** {@inheritDoc MessageExt.storeSize} */
  storeSize: number;

  private readonly src: Buffer;
  private readonly recordStart: number;
  /** The record's own host V6 bits (the public sysFlag may be changed by the application). */
  private readonly hostBits: number;
  /** Absolute position of the properties bytes (they end at the record end). */
  private readonly propsStart: number;
  /** Computed or assigned values of the lazy fields; created on the first access to any of them. */
  private lazy: LazyFields | undefined;

  /**
   * @param src - the buffer the record was read from (kept for the lazy fields).
   * @param recordStart - offset of the record in `src`.
   * @param topic - the decoded topic.
   * @param body - the body (a view into `src`, or the inflated copy).
   * @param sysFlag - the record's sysFlag (COMPRESSED cleared when the body was inflated).
   * @param propsStart - absolute position of the properties bytes in `src`.
   */
  constructor(src: Buffer, recordStart: number, topic: string, body: Buffer, sysFlag: number, propsStart: number) {
    this.src = src;
    this.recordStart = recordStart;
    this.topic = topic;
    this.body = body;
    this.storeSize = src.readInt32BE(recordStart);
    this.queueId = src.readInt32BE(recordStart + 12);
    this.flag = src.readInt32BE(recordStart + 16);
    this.queueOffset = readInt64(src, recordStart + 20);
    this.sysFlag = sysFlag;
    const hostBits = sysFlag & (MessageSysFlag.BORNHOST_V6 | MessageSysFlag.STOREHOSTADDRESS_V6);
    this.hostBits = hostBits;
    // RECONSUMETIMES follows born host, store timestamp and store host; computed inline (no getter chain) because
    // the first thousands of messages run in the interpreter, where each call shows.
    const hosts = (hostBits & MessageSysFlag.BORNHOST_V6 ? 16 : 4) + (hostBits & MessageSysFlag.STOREHOSTADDRESS_V6 ? 16 : 4);
    this.reconsumeTimes = src.readInt32BE(recordStart + 48 + hosts + 16);
    this.propsStart = propsStart;
  }

  private get bornIpLen(): 4 | 16 {
    return this.hostBits & MessageSysFlag.BORNHOST_V6 ? 16 : 4;
  }

  private get storeIpLen(): 4 | 16 {
    return this.hostBits & MessageSysFlag.STOREHOSTADDRESS_V6 ? 16 : 4;
  }

  /** Absolute position of STORETIMESTAMP (after BORNHOST ip + port). */
  private get storeTimestampPos(): number {
    return this.recordStart + 48 + this.bornIpLen + 4;
  }

  /** Absolute position of the STOREHOST ip. */
  private get storeHostPos(): number {
    return this.storeTimestampPos + 8;
  }

  private get z(): LazyFields {
    return (this.lazy ??= newLazyFields());
  }

  /** {@inheritDoc MessageExt.commitLogOffset} */
  get commitLogOffset(): number {
    return (this.z._commitLogOffset ??= readInt64(this.src, this.recordStart + 28));
  }
  set commitLogOffset(value: number) {
    this.z._commitLogOffset = value;
  }

  /** {@inheritDoc MessageExt.bornTimestamp} */
  get bornTimestamp(): number {
    return (this.z._bornTimestamp ??= readInt64(this.src, this.recordStart + 40));
  }
  set bornTimestamp(value: number) {
    this.z._bornTimestamp = value;
  }

  /** {@inheritDoc MessageExt.storeTimestamp} */
  get storeTimestamp(): number {
    return (this.z._storeTimestamp ??= readInt64(this.src, this.storeTimestampPos));
  }
  set storeTimestamp(value: number) {
    this.z._storeTimestamp = value;
  }

  /** {@inheritDoc MessageExt.preparedTransactionOffset} */
  get preparedTransactionOffset(): number {
    return (this.z._preparedTransactionOffset ??= readInt64(this.src, this.storeHostPos + this.storeIpLen + 8));
  }
  set preparedTransactionOffset(value: number) {
    this.z._preparedTransactionOffset = value;
  }

  /** {@inheritDoc MessageExt.bodyCRC} */
  get bodyCRC(): number {
    return (this.z._bodyCRC ??= this.src.readInt32BE(this.recordStart + 8));
  }
  set bodyCRC(value: number) {
    this.z._bodyCRC = value;
  }

  /** {@inheritDoc MessageExt.properties} */
  get properties(): Record<string, string> {
    if (this.z._properties === undefined) {
      const end = this.recordStart + this.src.readInt32BE(this.recordStart);
      this.z._properties = end > this.propsStart ? decodeProperties(this.src.toString('utf8', this.propsStart, end)) : {};
    }
    return this.z._properties;
  }
  set properties(value: Record<string, string>) {
    this.z._properties = value;
  }

  /** {@inheritDoc MessageExt.keys} */
  get keys(): string[] {
    if (this.z._keys === undefined) {
      const raw = this.properties[MessageConst.KEYS];
      this.z._keys = raw === undefined ? [] : raw.split(KEY_SEPARATOR).filter((k) => k.length > 0);
    }
    return this.z._keys;
  }
  set keys(value: string[]) {
    this.z._keys = value;
  }

  /** {@inheritDoc MessageExt.tags} */
  get tags(): string | undefined {
    if (this.z._tags === null) this.z._tags = this.properties[MessageConst.TAGS];
    return this.z._tags;
  }
  set tags(value: string | undefined) {
    this.z._tags = value;
  }

  /** {@inheritDoc MessageExt.offsetMsgId} */
  get offsetMsgId(): string {
    if (this.z._offsetMsgId === undefined) {
      const s = this.storeHostPos;
      // storeIP + port are contiguous in the record, and so is PHYSICALOFFSET (at +28).
      this.z._offsetMsgId =
        hexUpper(this.src, s, s + this.storeIpLen + 4) +
        hexUpper(this.src, this.recordStart + 28, this.recordStart + 36);
    }
    return this.z._offsetMsgId;
  }
  set offsetMsgId(value: string) {
    this.z._offsetMsgId = value;
  }

  /** {@inheritDoc MessageExt.msgId} */
  get msgId(): string {
    return this.z._msgId ?? this.properties[MessageConst.UNIQ_KEY] ?? this.offsetMsgId;
  }
  set msgId(value: string) {
    this.z._msgId = value;
  }

  /** {@inheritDoc MessageExt.bornHost} */
  get bornHost(): string {
    if (this.z._bornHost === undefined) this.z._bornHost = this.hostAt(this.recordStart + 48, this.bornIpLen);
    return this.z._bornHost;
  }
  set bornHost(value: string) {
    this.z._bornHost = value;
  }

  /** {@inheritDoc MessageExt.storeHost} */
  get storeHost(): string {
    if (this.z._storeHost === undefined) this.z._storeHost = this.hostAt(this.storeHostPos, this.storeIpLen);
    return this.z._storeHost;
  }
  set storeHost(value: string) {
    this.z._storeHost = value;
  }

  /** {@inheritDoc MessageExt.transactionId} */
  get transactionId(): string | undefined {
    if (this.z._transactionId === null) this.z._transactionId = this.properties[MessageConst.TRANSACTION_ID];
    return this.z._transactionId;
  }
  set transactionId(value: string | undefined) {
    this.z._transactionId = value;
  }

  private hostAt(pos: number, ipLen: 4 | 16): string {
    const ip = decodeIp(this.src, pos, ipLen);
    const port = this.src.readInt32BE(pos + ipLen);
    return ipLen === 16 ? `[${ip}]:${port}` : `${ip}:${port}`;
  }

  /** A plain-object copy with every field computed (what `JSON.stringify` and test equality see). */
  toJSON(): MessageExt {
    const o: MessageExt = {
      topic: this.topic,
      body: this.body,
      keys: this.keys,
      properties: this.properties,
      msgId: this.msgId,
      offsetMsgId: this.offsetMsgId,
      queueId: this.queueId,
      queueOffset: this.queueOffset,
      commitLogOffset: this.commitLogOffset,
      sysFlag: this.sysFlag,
      flag: this.flag,
      bornTimestamp: this.bornTimestamp,
      bornHost: this.bornHost,
      storeTimestamp: this.storeTimestamp,
      storeHost: this.storeHost,
      reconsumeTimes: this.reconsumeTimes,
      preparedTransactionOffset: this.preparedTransactionOffset,
      bodyCRC: this.bodyCRC,
      storeSize: this.storeSize,
    };
    if (this.tags !== undefined) o.tags = this.tags;
    if (this.transactionId !== undefined) o.transactionId = this.transactionId;
    return o;
  }
}
