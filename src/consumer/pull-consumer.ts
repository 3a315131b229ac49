/**
 * `PullConsumer` (Java `DefaultLitePullConsumer`): background long-polling fills a buffer per queue; the application
 * takes messages with `poll()` or `for await (const msg of consumer)`. Offsets: a queue's *consumed* offset moves when
 * messages are handed out (for `for await`: when the loop body asks for the next message, so a crash mid-body
 * redelivers it); `commit()` stores consumed offsets on the broker, automatically every `autoCommitIntervalMillis`
 * unless `autoCommit: false`. `subscribe` shares queues with the group by rebalance; `assign` takes fixed queues.
 * @module
 */

import { EventEmitter } from 'node:events';
import { ClientStateError, ValidationError } from '../errors.js';
import type { HeartbeatData, SubscriptionData } from '../protocol/heartbeat.js';
import { PullSysFlag } from '../protocol/pull-message.js';
import { allocateMessageQueueAveragely } from './allocate.js';
import { Sleeper } from './consume-host.js';
import { ConsumerClient } from './consumer-client.js';
import { RemoteBrokerOffsetStore } from './offset-store.js';
import { pullStep } from './pull-step.js';
import { allocationFor } from './rebalance.js';
import { parseSubscription } from './tag-filter.js';
import { securedTransport } from '../client/security.js';
import type { PullConsumerOptions } from './pull-options.js';
import { OffsetMoveGuard, type OffsetMovedEvent, type OffsetMoveSuspectedEvent } from './offset-move.js';
import { queueKey, type MessageExt, type MessageQueue } from './types.js';

interface LiteQueue {
  mq: MessageQueue;
  /** Next offset to pull. */
  pullOffset: number;
  /** Next offset not yet handed to the application. */
  consumed: number;
  /** Last offset stored on the broker. */
  committed: number;
  paused: boolean;
  dropped: boolean;
  /** Bumped by seek: a pull started before it is discarded. */
  epoch: number;
  buffer: { msgs: MessageExt[]; next: number }[];
  buffered: number;
  abort: AbortController;
  brokerId: number;
  guard: OffsetMoveGuard;
}

/** Events of {@link PullConsumer}. */
export interface PullConsumerEvents {
  /** A PULL_OFFSET_MOVED was obeyed (a forward move at once, a backward one after confirmation). */
  offsetMoved: [OffsetMovedEvent];
  /** A PULL_OFFSET_MOVED that would move a queue backwards was not obeyed (yet): the offset was kept. */
  offsetMoveSuspected: [OffsetMoveSuspectedEvent];
}

type State = 'created' | 'running' | 'stopped';

/** A lite pull consumer. */
export class PullConsumer extends EventEmitter<PullConsumerEvents> implements AsyncIterable<MessageExt> {
  private readonly o: PullConsumerOptions;
  private readonly client: ConsumerClient;
  private readonly store: RemoteBrokerOffsetStore;
  private readonly subs = new Map<string, SubscriptionData>();
  private assigned: MessageQueue[] | undefined;
  private readonly queues = new Map<string, LiteQueue>();
  private state: State = 'created';
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly sleeper = new Sleeper();
  private waiters: (() => void)[] = [];
  private rebalancing: Promise<void> | undefined;
  private readonly loops = new Set<Promise<void>>();
  private pendingIter: { lq: LiteQueue; offset: number; epoch: number } | undefined;

  /** @param options - see {@link PullConsumerOptions} */
  constructor(options: PullConsumerOptions) {
    super();
    if (!options || typeof options.consumerGroup !== 'string' || options.consumerGroup.trim() === '') throw new ValidationError('consumerGroup is required');
    for (const k of ['autoCommitIntervalMillis', 'pullBatchSize', 'pullThresholdForQueue', 'rebalanceInterval'] as const) {
      const v = options[k];
      if (v !== undefined && (!Number.isFinite(v) || v < 1)) throw new ValidationError(`${k} must be >= 1`);
    }
    const rewind = options.offsetRewindConfirmMillis;
    if (rewind !== undefined && (!Number.isFinite(rewind) || rewind < 0)) throw new ValidationError('offsetRewindConfirmMillis must be >= 0');
    this.o = options;
    this.client = new ConsumerClient({
      namesrvAddr: options.namesrvAddr,
      instanceName: options.instanceName,
      pollNameServerInterval: options.pollNameServerInterval,
      heartbeatBrokerInterval: options.heartbeatBrokerInterval,
      mqClientApiTimeout: options.mqClientApiTimeout,
      transport: securedTransport(options.transport, options),
    });
    this.store = new RemoteBrokerOffsetStore(this.client, options.consumerGroup);
  }

  /** This client's id. */
  get clientId(): string {
    return this.client.clientId;
  }

  /**
   * Subscribes to a topic; queues are shared with the group (not with {@link PullConsumer.assign}).
   * @param topic - topic
   * @param expression - `*` or `TagA || TagB` @default '*'
   */
  subscribe(topic: string, expression = '*'): void {
    if (this.assigned) throw new ClientStateError('subscribe and assign cannot be mixed');
    if (this.state === 'stopped') throw new ClientStateError('the consumer is shut down');
    this.subs.set(topic, parseSubscription(topic, expression));
    if (this.state === 'running') void this.client.sendHeartbeat().then(() => this.rebalance());
  }

  /**
   * Takes exactly these queues (no rebalance).
   * @param queues - the queues
   */
  assign(queues: readonly MessageQueue[]): void {
    if (this.subs.size > 0 && !this.assigned) throw new ClientStateError('subscribe and assign cannot be mixed');
    if (!Array.isArray(queues)) throw new ValidationError('assign() takes an array of queues');
    for (const q of queues) {
      if (!q || typeof q.topic !== 'string' || typeof q.brokerName !== 'string' || !Number.isInteger(q.queueId) || q.queueId < 0) {
        throw new ValidationError('every queue needs topic, brokerName and a non-negative integer queueId');
      }
    }
    this.assigned = queues.map((q) => ({ topic: q.topic, brokerName: q.brokerName, queueId: q.queueId }));
    for (const q of this.assigned) if (!this.subs.has(q.topic)) this.subs.set(q.topic, parseSubscription(q.topic, '*'));
    if (this.state === 'running') void this.applyQueues(this.assigned);
  }

  /** Starts: routes, heartbeat, first rebalance (or the assigned queues), auto-commit timer. */
  async start(): Promise<void> {
    if (this.state !== 'created') throw new ClientStateError(`cannot start a consumer that is ${this.state}`);
    if (this.subs.size === 0) throw new ClientStateError('subscribe() or assign() before start()');
    await this.client.start(() => this.heartbeatData());
    this.state = 'running';
    try {
      await Promise.all([...this.subs.keys()].map((t) => this.client.routes.refresh(t).catch(() => undefined)));
      await this.client.sendHeartbeat();
      this.client.routes.on('routeChange', () => void this.client.sendHeartbeat());
      if (this.assigned) await this.applyQueues(this.assigned);
      else {
        await this.rebalance();
        this.every(this.o.rebalanceInterval ?? 20_000, () => void this.rebalance());
        this.client.onBrokerRequest(40, (req) => {
          if (req.extFields?.consumerGroup === this.o.consumerGroup) void this.rebalance();
          return undefined;
        });
      }
    } catch (err) {
      await this.shutdown();
      throw err;
    }
    if (this.o.autoCommit !== false) this.every(this.o.autoCommitIntervalMillis ?? 5000, () => void this.commit().catch(() => undefined));
  }

  private every(ms: number, fn: () => void): void {
    const t = setInterval(fn, ms);
    t.unref();
    this.timers.push(t);
  }

  private heartbeatData(): HeartbeatData {
    return {
      clientID: this.clientId,
      producerDataSet: [],
      consumerDataSet: [
        {
          groupName: this.o.consumerGroup,
          consumeType: 'CONSUME_ACTIVELY',
          messageModel: 'CLUSTERING',
          consumeFromWhere: this.o.consumeFromWhere ?? 'CONSUME_FROM_LAST_OFFSET',
          subscriptionDataSet: this.assigned ? [] : [...this.subs.values()],
          unitMode: false,
        },
      ],
    };
  }

  /** Rebalances now (subscribe mode). */
  rebalance(): Promise<void> {
    if (this.state !== 'running' || this.assigned) return Promise.resolve();
    this.rebalancing ??= (async () => {
      const mine: MessageQueue[] = [];
      for (const topic of this.subs.keys()) {
        const got = await allocationFor(this.client, this.o.consumerGroup, topic, 'CLUSTERING', this.o.allocateMessageQueueStrategy ?? allocateMessageQueueAveragely);
        // Unknown allocation: keep this topic's current queues.
        mine.push(...(got ?? [...this.queues.values()].filter((q) => q.mq.topic === topic).map((q) => q.mq)));
      }
      await this.applyQueues(mine);
    })().finally(() => {
      this.rebalancing = undefined;
    });
    return this.rebalancing;
  }

  private async applyQueues(mine: readonly MessageQueue[]): Promise<void> {
    const wanted = new Set(mine.map(queueKey));
    const gone = [...this.queues.values()].filter((q) => !wanted.has(queueKey(q.mq)));
    for (const lq of gone) {
      this.queues.delete(queueKey(lq.mq));
      lq.dropped = true;
      lq.abort.abort();
    }
    await this.commitQueues(gone);
    for (const mq of mine) {
      if (this.queues.has(queueKey(mq)) || this.state !== 'running') continue;
      let offset: number;
      try {
        offset = await this.startOffset(mq);
      } catch {
        continue; // next rebalance (subscribe) or the next assign() call retries
      }
      const lq: LiteQueue = { mq, pullOffset: offset, consumed: offset, committed: offset, paused: false, dropped: false, epoch: 0, buffer: [], buffered: 0, abort: new AbortController(), brokerId: 0, guard: this.newGuard() };
      this.queues.set(queueKey(mq), lq);
      const loop = this.pullLoop(lq);
      this.loops.add(loop);
      void loop.finally(() => this.loops.delete(loop));
    }
  }

  private newGuard(): OffsetMoveGuard {
    const confirmMillis = this.o.offsetRewindConfirmMillis ?? 10_000;
    return new OffsetMoveGuard({ confirmMillis, confirmPulls: confirmMillis === 0 ? 1 : 3 });
  }

  private async startOffset(mq: MessageQueue): Promise<number> {
    const stored = await this.store.readStore(mq);
    if (stored >= 0) return stored;
    switch (this.o.consumeFromWhere ?? 'CONSUME_FROM_LAST_OFFSET') {
      case 'CONSUME_FROM_FIRST_OFFSET':
        return this.client.minOffset(mq);
      case 'CONSUME_FROM_TIMESTAMP':
        return this.client.searchOffset(mq, this.o.consumeTimestamp ?? Date.now() - 30 * 60_000);
      default:
        return this.client.maxOffset(mq);
    }
  }

  private async pullLoop(lq: LiteQueue): Promise<void> {
    const threshold = this.o.pullThresholdForQueue ?? 1000;
    while (this.state === 'running' && !lq.dropped) {
      if (lq.paused || lq.buffered >= threshold) {
        await this.sleeper.sleep(50);
        continue;
      }
      const sub = this.subs.get(lq.mq.topic);
      if (!sub) return;
      const epoch = lq.epoch;
      const r = await pullStep({
        client: this.client,
        group: this.o.consumerGroup,
        mq: lq.mq,
        sub,
        offset: lq.pullOffset,
        maxMsgNums: this.o.pullBatchSize ?? 10,
        brokerId: lq.brokerId,
        commitOffset: 0,
        suspendTimeoutMillis: this.o.suspendTimeoutMillis ?? 15_000,
        extraFlags: PullSysFlag.LITE_PULL,
        signal: lq.abort.signal,
      });
      if (lq.dropped || this.state !== 'running') return;
      if (epoch !== lq.epoch) {
        // seek() happened meanwhile; a fresh controller replaced the aborted one.
        continue;
      }
      if (r.kind === 'error') {
        lq.brokerId = 0;
        if (r.subscriptionLost) void this.client.sendHeartbeat();
        await this.sleeper.sleep(this.o.pullTimeDelayMillsWhenException ?? 1000);
        continue;
      }
      lq.brokerId = r.suggestWhichBrokerId;
      if (r.status === 'OFFSET_ILLEGAL') {
        const from = lq.pullOffset;
        const verdict = lq.guard.judge(from, r.nextBeginOffset, r.brokerAddr);
        if (verdict.kind === 'suspect') {
          // Maybe a stale or rebuilding master (see offset-move.ts): keep the offset, refresh the route, ask again.
          this.emit('offsetMoveSuspected', { mq: lq.mq, from, to: r.nextBeginOffset, brokerAddr: r.brokerAddr, brokerMaxOffset: r.maxOffset, confirmations: verdict.confirmations });
          lq.brokerId = 0;
          await this.client.routes.refresh(lq.mq.topic).catch(() => undefined);
          await this.sleeper.sleep(lq.guard.retryDelay());
          continue;
        }
        lq.pullOffset = r.nextBeginOffset;
        if (lq.buffered === 0) lq.consumed = r.nextBeginOffset;
        this.emit('offsetMoved', { mq: lq.mq, from, to: r.nextBeginOffset, backward: r.nextBeginOffset < from, brokerAddr: r.brokerAddr, confirmations: verdict.confirmations });
        continue;
      }
      lq.guard.clear();
      lq.pullOffset = r.nextBeginOffset;
      if (r.msgs.length > 0 || lq.buffer.length > 0) {
        lq.buffer.push({ msgs: r.msgs, next: r.nextBeginOffset });
        lq.buffered += r.msgs.length;
      } else lq.consumed = r.nextBeginOffset;
      this.wake();
    }
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  private takeReady(max: number): { lq: LiteQueue; msgs: MessageExt[]; next: number } | undefined {
    for (const lq of this.queues.values()) {
      if (lq.paused) continue;
      while (lq.buffer.length > 0) {
        const head = lq.buffer[0];
        if (head.msgs.length === 0) {
          lq.buffer.shift();
          if (lq.buffer.length === 0) lq.consumed = head.next;
          continue;
        }
        const msgs = head.msgs.splice(0, max);
        lq.buffered -= msgs.length;
        let next = msgs[msgs.length - 1].queueOffset + 1;
        if (head.msgs.length === 0) {
          lq.buffer.shift();
          next = head.next;
        }
        return { lq, msgs, next };
      }
    }
    return undefined;
  }

  /**
   * Takes buffered messages (at most `pullBatchSize`, from one queue), waiting up to `timeoutMs` for some. They count
   * as consumed at once: the next commit stores the offset after them.
   * @param timeoutMs - wait bound @default pollTimeoutMillis (5000)
   * @returns the messages, empty on timeout or shutdown
   */
  async poll(timeoutMs = this.o.pollTimeoutMillis ?? 5000): Promise<MessageExt[]> {
    if (this.state !== 'running') throw new ClientStateError('the consumer is not running');
    const got = await this.take(timeoutMs);
    if (!got) return [];
    got.lq.consumed = got.next;
    return got.msgs;
  }

  private async take(timeoutMs: number): Promise<{ lq: LiteQueue; msgs: MessageExt[]; next: number } | undefined> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const got = this.takeReady(this.o.pullBatchSize ?? 10);
      if (got || this.state !== 'running') return got;
      const left = deadline - Date.now();
      if (left <= 0) return undefined;
      await new Promise<void>((resolve) => {
        const t = setTimeout(done, left);
        function done(): void {
          clearTimeout(t);
          resolve();
        }
        this.waiters.push(done);
      });
    }
  }

  /**
   * Async iteration: yields messages one at a time until shutdown. A message counts as consumed once the loop body
   * asks for the next one (or leaves the loop with `break`).
   */
  async *[Symbol.asyncIterator](): AsyncIterator<MessageExt> {
    try {
      while (this.state === 'running') {
        const got = await this.take(this.o.pollTimeoutMillis ?? 5000);
        if (!got) continue;
        for (let i = 0; i < got.msgs.length; i++) {
          const m = got.msgs[i];
          const after = i === got.msgs.length - 1 ? got.next : m.queueOffset + 1;
          this.pendingIter = { lq: got.lq, offset: after, epoch: got.lq.epoch };
          yield m;
          this.markIterConsumed();
        }
      }
    } finally {
      // `break` in the loop body: the message it was processing counts as done.
      this.markIterConsumed();
    }
  }

  private markIterConsumed(): void {
    const p = this.pendingIter;
    this.pendingIter = undefined;
    if (p && p.epoch === p.lq.epoch && p.offset > p.lq.consumed) p.lq.consumed = p.offset;
  }

  /**
   * Moves a queue: buffered messages are dropped and pulling restarts at `offset` (also the consumed offset).
   * @param mq - an owned queue
   * @param offset - new offset (between the queue's min and max offsets)
   * @throws ValidationError when the queue is not owned or the offset is out of range
   */
  async seek(mq: MessageQueue, offset: number): Promise<void> {
    const lq = this.queues.get(queueKey(mq));
    if (!lq) throw new ValidationError(`queue ${queueKey(mq)} is not assigned to this consumer`);
    if (!Number.isSafeInteger(offset) || offset < 0) throw new ValidationError('offset must be a non-negative integer');
    const [min, max] = await Promise.all([this.client.minOffset(mq), this.client.maxOffset(mq)]);
    if (offset < min || offset > max) throw new ValidationError(`offset ${offset} is outside [${min}, ${max}] of ${queueKey(mq)}`);
    lq.epoch++;
    lq.abort.abort();
    lq.abort = new AbortController();
    lq.buffer = [];
    lq.buffered = 0;
    lq.pullOffset = offset;
    lq.consumed = offset;
  }

  /**
   * Stops handing out (and pulling) messages of these queues.
   * @param queues - owned queues
   */
  pause(queues: readonly MessageQueue[]): void {
    for (const q of queues) {
      const lq = this.queues.get(queueKey(q));
      if (lq) lq.paused = true;
    }
  }

  /**
   * Undoes {@link PullConsumer.pause}.
   * @param queues - owned queues
   */
  resume(queues: readonly MessageQueue[]): void {
    for (const q of queues) {
      const lq = this.queues.get(queueKey(q));
      if (lq) lq.paused = false;
    }
    this.wake();
  }

  /** Queues owned now. */
  assignment(): MessageQueue[] {
    return [...this.queues.values()].map((q) => q.mq);
  }

  /**
   * Readable queues of a topic.
   * @param topic - topic
   */
  async fetchMessageQueues(topic: string): Promise<MessageQueue[]> {
    if (this.state !== 'running') throw new ClientStateError('the consumer is not running');
    return this.client.subscribeQueues(topic);
  }

  /**
   * The offset stored on the broker for a queue (−1 when none).
   * @param mq - queue
   */
  async committed(mq: MessageQueue): Promise<number> {
    return this.client.queryConsumerOffset(mq, this.o.consumerGroup);
  }

  /** Stores every owned queue's consumed offset on the broker (confirmed writes). */
  async commit(): Promise<void> {
    await this.commitQueues([...this.queues.values()]);
  }

  private async commitQueues(list: readonly LiteQueue[]): Promise<void> {
    await Promise.all(
      list.map(async (lq) => {
        if (lq.consumed === lq.committed) return;
        const offset = lq.consumed;
        try {
          await this.client.updateConsumerOffset(lq.mq, this.o.consumerGroup, offset, false);
          lq.committed = offset;
        } catch {
          // No master now: the next commit retries.
        }
      }),
    );
  }

  /** Stops pulling, commits (when auto-commit is on), unregisters and closes. Idempotent. */
  async shutdown(): Promise<void> {
    if (this.state === 'stopped') return;
    const wasRunning = this.state === 'running';
    this.state = 'stopped';
    for (const t of this.timers) clearInterval(t);
    for (const lq of this.queues.values()) lq.abort.abort();
    this.sleeper.cancelAll();
    this.wake();
    await this.rebalancing?.catch(() => undefined);
    await Promise.all([...this.loops]);
    if (wasRunning && this.o.autoCommit !== false) await this.commit();
    if (wasRunning) await this.client.unregister(this.o.consumerGroup);
    this.queues.clear();
    await this.client.close();
  }
}
