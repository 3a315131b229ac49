/**
 * Auto batching (`autoBatch: true`), after the Java 5.x client's `ProduceAccumulator`: single sends to the same
 * topic are held for up to `batchMaxDelayMs`, or until their bodies pass `batchMaxBytes`, and go out as ONE
 * SEND_BATCH_MESSAGE. Each caller still gets its own outcome: its own `SendResult` (its own UNIQ_KEY as msgId, its
 * own offset message id split from the broker's comma-joined answer, `queueOffset` = the batch's first + its
 * index), or the batch's error. The batch goes through the same send loop as a single send (retries, failover,
 * `sendMsgTimeout` counted from when the batch leaves), and every held message keeps its own `maxInflight` slot.
 *
 * Differences from Java, on purpose: messages are grouped by topic and by retry count (send vs sendAsync), not by
 * tag — each inner message carries its own TAGS, which the broker indexes per message; a group of one goes out as a
 * plain SEND_MESSAGE_V2; a group is also sent at once when nothing more can join it (every `maxInflight` slot is
 * held, see {@link ProduceAccumulator.flushWhenFull}), instead of idling until its timer; and a batch never outgrows
 * `maxMessageSize`.
 * @module
 */

import { ProtocolError, type RocketMQError } from '../errors.js';
import { MessageConst } from '../message/constants.js';
import { encodeProperties } from '../message/properties.js';
import type { SendResult } from './options.js';
import type { PreparedMessage } from './validate.js';
import type { WireResult, WireSend } from './wire.js';

/** Limits of a {@link ProduceAccumulator} (the producer's options). */
export interface AccumulatorLimits {
  /** Longest hold of a group, in ms. */
  batchMaxDelayMs: number;
  /** A group is sent once its bodies add up to more than this. */
  batchMaxBytes: number;
  /** Bodies held by every group (waiting or on the wire) at most; past it messages are sent alone. */
  totalBatchMaxBytes: number;
  /** Largest encoded batch body. */
  maxMessageSize: number;
  /** `sendMsgTimeout` of a batch. */
  budgetMs: number;
}

/**
 * Where one held message's outcome goes: its own result, or the batch's error. Called at most once by the
 * accumulator.
 * @internal
 */
export interface SendSink {
  /** Receives the message's own result. */
  resolve(r: SendResult): void;
  /** Receives the batch's error. */
  reject(e: unknown): void;
}

/** One message waiting for its batch. */
interface Held {
  msg: PreparedMessage;
  /** Its encoded properties (trace context included). */
  props: string;
  /** Its encoded size inside a batch body. */
  size: number;
  sink: SendSink;
}

/** A group being gathered. */
interface Group {
  key: string;
  topic: string;
  retries: number;
  items: Held[];
  bodyBytes: number;
  encodedBytes: number;
  timer: NodeJS.Timeout | undefined;
}

/** Fixed bytes of one message inside a batch body (message/batch.ts): TOTALSIZE MAGIC BODYCRC FLAG BODYLEN PROPSLEN. */
const ITEM_FIXED = 22;
const BATCH_PROPERTIES = encodeProperties({ [MessageConst.WAIT]: 'true' });

/**
 * Gathers single sends into batches.
 * @internal
 */
export class ProduceAccumulator {
  private readonly groups = new Map<string, Group>();
  /** Bodies held by groups not yet answered (Java's currentlyHoldSize). */
  private heldBytes = 0;
  private heldCount = 0;
  private fullCheck: NodeJS.Immediate | undefined;

  /**
   * @param limits - hold time and sizes
   * @param send - sends one request through the producer's send loop
   */
  constructor(
    private readonly limits: AccumulatorLimits,
    private readonly send: (s: WireSend) => Promise<WireResult>,
  ) {}

  /** Messages waiting in a group (not yet on the wire). */
  get waiting(): number {
    return this.heldCount;
  }

  /**
   * Adds a message to its topic's group; `resolve` / `reject` get its own outcome. Returns false (and keeps
   * nothing) when `totalBatchMaxBytes` are already held: the caller then sends the message alone.
   * @param msg - the prepared message (not compressed, no delay)
   * @param props - its encoded properties
   * @param retries - retries of the send
   * @param resolve - receives its result
   * @param reject - receives the batch's error
   */
  add(msg: PreparedMessage, props: string, retries: number, resolve: (r: SendResult) => void, reject: (e: unknown) => void): boolean {
    return this.addSink(msg, props, retries, { resolve, reject });
  }

  /**
   * {@link add} with one sink object for both outcomes (the producer's quick path: no closure pair per message).
   * @param msg - the prepared message (not compressed, no delay)
   * @param props - its encoded properties
   * @param retries - retries of the send
   * @param sink - receives the outcome
   */
  addSink(msg: PreparedMessage, props: string, retries: number, sink: SendSink): boolean {
    if (this.heldBytes >= this.limits.totalBatchMaxBytes) return false;
    const size = ITEM_FIXED + msg.body.length + Buffer.byteLength(props, 'utf8');
    const key = retries === 0 ? msg.topic : `${retries}\u0000${msg.topic}`;
    let g = this.groups.get(key);
    // The encoded batch must stay within maxMessageSize: send what is gathered first.
    if (g !== undefined && g.encodedBytes + size > this.limits.maxMessageSize) {
      this.fire(g);
      g = undefined;
    }
    if (g === undefined) {
      g = { key, topic: msg.topic, retries, items: [], bodyBytes: 0, encodedBytes: 0, timer: undefined };
      const group = g;
      g.timer = setTimeout(() => this.fire(group), this.limits.batchMaxDelayMs);
      this.groups.set(key, g);
    }
    g.items.push({ msg, props, size, sink });
    g.bodyBytes += msg.body.length;
    g.encodedBytes += size;
    this.heldBytes += msg.body.length;
    this.heldCount++;
    if (g.bodyBytes > this.limits.batchMaxBytes) this.fire(g);
    return true;
  }

  /**
   * Sends every group at the end of this event-loop turn if `stillFull()` says then that no message can join them
   * (every `maxInflight` slot held). Not at once: when a batch's answer frees its slots they are handed over one by
   * one, each to a message that joins a group while the limiter is momentarily full again — an immediate flush
   * would send those one-message groups one by one. By the end of the turn every freed slot has been refilled.
   * @param stillFull - whether every slot is still held
   */
  flushWhenFull(stillFull: () => boolean): void {
    if (this.fullCheck !== undefined) return;
    this.fullCheck = setImmediate(() => {
      this.fullCheck = undefined;
      if (stillFull()) this.flushAll();
    });
  }

  /** Sends every group now (nothing more can join them: the producer stops). */
  flushAll(): void {
    if (this.fullCheck !== undefined) clearImmediate(this.fullCheck);
    this.fullCheck = undefined;
    for (const g of [...this.groups.values()]) this.fire(g);
  }

  private fire(g: Group): void {
    if (this.groups.get(g.key) !== g) return;
    this.groups.delete(g.key);
    clearTimeout(g.timer);
    const items = g.items;
    this.heldCount -= items.length;
    const single = items.length === 1 ? items[0].msg : undefined;
    const request: WireSend = {
      topic: g.topic,
      msgId: single ? single.msgId : items.map((h) => h.msg.msgId).join(','),
      body: single ? single.body : encodeItems(items, g.encodedBytes),
      properties: single ? items[0].props : BATCH_PROPERTIES,
      sysFlag: single ? single.sysFlag : 0,
      flag: single ? single.flag : 0,
      batch: single === undefined,
      budgetMs: this.limits.budgetMs,
      retries: g.retries,
      oneway: false,
    };
    let sent: Promise<WireResult>;
    try {
      sent = this.send(request);
    } catch (err) {
      sent = Promise.reject(err);
    }
    sent.then(
      (w) => {
        this.heldBytes -= g.bodyBytes;
        if (single) items[0].sink.resolve({ ...w.result, msgId: single.msgId });
        else settleSplit(items, w.result);
      },
      (err: unknown) => {
        this.heldBytes -= g.bodyBytes;
        for (const h of items) h.sink.reject(err);
      },
    );
  }
}

/** Gives each message of a stored batch its own result. */
function settleSplit(items: Held[], r: SendResult): void {
  const ids = r.offsetMsgId.split(',');
  if (ids.length !== items.length && ids.length !== 1) {
    const err: RocketMQError = new ProtocolError(
      `the broker answered ${ids.length} offset message ids for a batch of ${items.length} messages (stored at ${r.messageQueue.brokerName} queue ${r.messageQueue.queueId} from offset ${r.queueOffset})`,
      { context: { topic: r.messageQueue.topic, brokerName: r.messageQueue.brokerName } },
    );
    for (const h of items) h.sink.reject(err);
    return;
  }
  // One id for several messages: a broker that keeps the batch as one entry (Java hands everyone the same id).
  for (let i = 0; i < items.length; i++) {
    items[i].sink.resolve({
      status: r.status,
      msgId: items[i].msg.msgId,
      offsetMsgId: ids.length === 1 ? ids[0] : ids[i],
      messageQueue: { ...r.messageQueue },
      queueOffset: r.queueOffset + i,
      attempts: r.attempts,
      brokerAddr: r.brokerAddr,
    });
  }
}

/** The SEND_BATCH_MESSAGE body (message/batch.ts layout) from messages whose properties are already encoded. */
function encodeItems(items: readonly Held[], total: number): Buffer {
  const buf = Buffer.allocUnsafe(total);
  let pos = 0;
  for (const h of items) {
    const body = h.msg.body;
    buf.writeInt32BE(h.size, pos);
    buf.writeInt32BE(0, pos + 4);
    buf.writeInt32BE(0, pos + 8);
    buf.writeInt32BE(h.msg.flag, pos + 12);
    buf.writeInt32BE(body.length, pos + 16);
    body.copy(buf, pos + 20);
    const p = pos + 20 + body.length;
    buf.writeInt16BE(h.size - ITEM_FIXED - body.length, p);
    buf.write(h.props, p + 2, 'utf8');
    pos += h.size;
  }
  return buf;
}
