/**
 * The MessageExt objects the stored-record decoder returns. Fields that cost string work (properties, ids,
 * host text) are computed on first access from the record bytes, so a consumer that only looks at bodies
 * and offsets pays for neither.
 * @module
 */
import { decodeIp } from './hosts.js';
import { KEY_SEPARATOR, MessageConst } from './constants.js';
import { decodeProperties } from './properties.js';
import type { MessageExt } from './types.js';

/** Eagerly decoded fields and the byte positions of the lazy ones. */
export interface StoredMessageFields {
  /** See {@link MessageExt.topic}. */
  topic: string;
  /** See {@link MessageExt.body}. */
  body: Buffer;
  /** See {@link MessageExt.storeSize}. */
  storeSize: number;
  /** See {@link MessageExt.bodyCRC}. */
  bodyCRC: number;
  /** See {@link MessageExt.queueId}. */
  queueId: number;
  /** See {@link MessageExt.flag}. */
  flag: number;
  /** See {@link MessageExt.queueOffset}. */
  queueOffset: number;
  /** See {@link MessageExt.commitLogOffset}. */
  commitLogOffset: number;
  /** See {@link MessageExt.sysFlag}. */
  sysFlag: number;
  /** See {@link MessageExt.bornTimestamp}. */
  bornTimestamp: number;
  /** See {@link MessageExt.storeTimestamp}. */
  storeTimestamp: number;
  /** See {@link MessageExt.reconsumeTimes}. */
  reconsumeTimes: number;
  /** See {@link MessageExt.preparedTransactionOffset}. */
  preparedTransactionOffset: number;
  /** Absolute position of the born host IP. */
  bornPos: number;
  /** 4 or 16. */
  bornIpLen: 4 | 16;
  /** Absolute position of the store host IP. */
  storePos: number;
  /** 4 or 16. */
  storeIpLen: 4 | 16;
  /** Absolute position of the properties bytes (they end at the record end). */
  propsStart: number;
}

const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).toUpperCase().padStart(2, '0'));

/** Upper-case hex of `buf[start, end)` (UtilAll.bytes2string). */
export function hexUpper(buf: Uint8Array, start = 0, end = buf.length): string {
  let s = '';
  for (let i = start; i < end; i++) s += HEX[buf[i]];
  return s;
}

/** A decoded stored message; see {@link MessageExt}. */
export class StoredMessageExt implements MessageExt {
  /** {@inheritDoc MessageExt.topic} */
  topic: string;
  /** {@inheritDoc MessageExt.body} */
  body: Buffer;
  /** {@inheritDoc MessageExt.queueId} */
  queueId: number;
  /** {@inheritDoc MessageExt.queueOffset} */
  queueOffset: number;
  /** {@inheritDoc MessageExt.commitLogOffset} */
  commitLogOffset: number;
  /** {@inheritDoc MessageExt.sysFlag} */
  sysFlag: number;
  /** {@inheritDoc MessageExt.flag} */
  flag: number;
  /** {@inheritDoc MessageExt.bornTimestamp} */
  bornTimestamp: number;
  /** {@inheritDoc MessageExt.storeTimestamp} */
  storeTimestamp: number;
  /** {@inheritDoc MessageExt.reconsumeTimes} */
  reconsumeTimes: number;
  /** {@inheritDoc MessageExt.preparedTransactionOffset} */
  preparedTransactionOffset: number;
  /** {@inheritDoc MessageExt.bodyCRC} */
  bodyCRC: number;
  /** {@inheritDoc MessageExt.storeSize} */
  storeSize: number;

  private readonly src: Buffer;
  private readonly recordStart: number;
  private readonly f: StoredMessageFields;
  private _properties: Record<string, string> | undefined;
  private _keys: string[] | undefined;
  private _tags: string | undefined | null = null;
  private _msgId: string | undefined;
  private _offsetMsgId: string | undefined;
  private _bornHost: string | undefined;
  private _storeHost: string | undefined;
  private _transactionId: string | undefined | null = null;

  /**
   * @param src - the buffer the record was read from (kept for the lazy fields).
   * @param recordStart - offset of the record in `src`.
   */
  constructor(src: Buffer, recordStart: number, f: StoredMessageFields) {
    this.src = src;
    this.recordStart = recordStart;
    this.f = f;
    this.topic = f.topic;
    this.body = f.body;
    this.queueId = f.queueId;
    this.queueOffset = f.queueOffset;
    this.commitLogOffset = f.commitLogOffset;
    this.sysFlag = f.sysFlag;
    this.flag = f.flag;
    this.bornTimestamp = f.bornTimestamp;
    this.storeTimestamp = f.storeTimestamp;
    this.reconsumeTimes = f.reconsumeTimes;
    this.preparedTransactionOffset = f.preparedTransactionOffset;
    this.bodyCRC = f.bodyCRC;
    this.storeSize = f.storeSize;
  }

  /** {@inheritDoc MessageExt.properties} */
  get properties(): Record<string, string> {
    if (this._properties === undefined) {
      const end = this.recordStart + this.storeSize;
      this._properties =
        end > this.f.propsStart ? decodeProperties(this.src.toString('utf8', this.f.propsStart, end)) : {};
    }
    return this._properties;
  }
  set properties(value: Record<string, string>) {
    this._properties = value;
  }

  /** {@inheritDoc MessageExt.keys} */
  get keys(): string[] {
    if (this._keys === undefined) {
      const raw = this.properties[MessageConst.KEYS];
      this._keys = raw === undefined ? [] : raw.split(KEY_SEPARATOR).filter((k) => k.length > 0);
    }
    return this._keys;
  }
  set keys(value: string[]) {
    this._keys = value;
  }

  /** {@inheritDoc MessageExt.tags} */
  get tags(): string | undefined {
    if (this._tags === null) this._tags = this.properties[MessageConst.TAGS];
    return this._tags;
  }
  set tags(value: string | undefined) {
    this._tags = value;
  }

  /** {@inheritDoc MessageExt.offsetMsgId} */
  get offsetMsgId(): string {
    if (this._offsetMsgId === undefined) {
      const s = this.f.storePos;
      // storeIP + port are contiguous in the record, and so is PHYSICALOFFSET (at +28).
      this._offsetMsgId =
        hexUpper(this.src, s, s + this.f.storeIpLen + 4) +
        hexUpper(this.src, this.recordStart + 28, this.recordStart + 36);
    }
    return this._offsetMsgId;
  }
  set offsetMsgId(value: string) {
    this._offsetMsgId = value;
  }

  /** {@inheritDoc MessageExt.msgId} */
  get msgId(): string {
    return this._msgId ?? this.properties[MessageConst.UNIQ_KEY] ?? this.offsetMsgId;
  }
  set msgId(value: string) {
    this._msgId = value;
  }

  /** {@inheritDoc MessageExt.bornHost} */
  get bornHost(): string {
    if (this._bornHost === undefined) this._bornHost = this.hostAt(this.f.bornPos, this.f.bornIpLen);
    return this._bornHost;
  }
  set bornHost(value: string) {
    this._bornHost = value;
  }

  /** {@inheritDoc MessageExt.storeHost} */
  get storeHost(): string {
    if (this._storeHost === undefined) this._storeHost = this.hostAt(this.f.storePos, this.f.storeIpLen);
    return this._storeHost;
  }
  set storeHost(value: string) {
    this._storeHost = value;
  }

  /** {@inheritDoc MessageExt.transactionId} */
  get transactionId(): string | undefined {
    if (this._transactionId === null) this._transactionId = this.properties[MessageConst.TRANSACTION_ID];
    return this._transactionId;
  }
  set transactionId(value: string | undefined) {
    this._transactionId = value;
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
