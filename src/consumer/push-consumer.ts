/**
 * `PushConsumer` (Java `DefaultMQPushConsumer`): subscribes, rebalances queues across the group, long-polls each
 * owned queue, feeds a concurrent or orderly listener, retries failures through the broker, and commits offsets.
 *
 * Lifecycle: `subscribe` + `registerMessageListener`, then `start()` (heartbeat, first rebalance, timers) and
 * `shutdown()` (stop pulling, let running handlers finish within a bound, persist offsets, unlock, unregister, close).
 * @module
 */

import { EventEmitter } from 'node:events';
import { ClientStateError, ValidationError } from '../errors.js';
import type { HeartbeatData, SubscriptionData } from '../protocol/heartbeat.js';
import { securedTransport } from '../client/security.js';
import { ConcurrentConsumeService } from './consume-concurrently.js';
import { Sleeper, within, type ConsumeHost } from './consume-host.js';
import { OrderlyConsumeService } from './consume-orderly.js';
import { ConsumerClient } from './consumer-client.js';
import { defaultOffsetStoreDir, LocalFileOffsetStore, RemoteBrokerOffsetStore, type OffsetStore } from './offset-store.js';
import { ProcessQueue } from './process-queue.js';
import { installPushHandlers } from './push-handlers.js';
import { resolvePushOptions, type PushConsumerOptions, type ResolvedPushOptions } from './push-options.js';
import type { OffsetMovedEvent, OffsetMoveSuspectedEvent } from './offset-move.js';
import { newQueueState, runPushPullLoop, type PushPullHost, type PushQueueState } from './push-pull.js';
import { allocationFor, groupByBroker } from './rebalance.js';
import { parseSubscription } from './tag-filter.js';
import { queueKey, retryTopicOf, type AsyncMessageListener, type ListenerOptions, type MessageExt, type MessageListener, type MessageQueue, type SyncMessageListener } from './types.js';

/** Payload of the `rebalance` event. */
export interface RebalanceEvent {
  /** Topic rebalanced. */
  topic: string;
  /** Queues taken on. */
  added: MessageQueue[];
  /** Queues given up. */
  removed: MessageQueue[];
}

/** Events of {@link PushConsumer}. */
export interface PushConsumerEvents {
  /** The owned queues of a topic changed. */
  rebalance: [RebalanceEvent];
  /** A PULL_OFFSET_MOVED was obeyed (a forward move at once, a backward one after confirmation). */
  offsetMoved: [OffsetMovedEvent];
  /** A PULL_OFFSET_MOVED that would move a queue backwards was not obeyed (yet): the offset was kept. */
  offsetMoveSuspected: [OffsetMoveSuspectedEvent];
}

type QueueState = PushQueueState;

type State = 'created' | 'starting' | 'running' | 'stopping' | 'stopped';

/** A push consumer. */
export class PushConsumer extends EventEmitter<PushConsumerEvents> implements ConsumeHost, PushPullHost {
  /** Resolved options. */
  readonly settings: ResolvedPushOptions;
  /** Wire calls (created at construction; connects on start). */
  readonly client: ConsumerClient;
  private _offsetStore: OffsetStore | undefined;
  private _listener: MessageListener | undefined;
  private orderly = false;
  private readonly subs = new Map<string, SubscriptionData>();
  private readonly table = new Map<string, QueueState>();
  private state: State = 'created';
  private concurrent: ConcurrentConsumeService | undefined;
  private orderlySvc: OrderlyConsumeService | undefined;
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly sleeper = new Sleeper();
  private rebalancing: Promise<void> | undefined;
  private rebalanceAgain = false;
  private quickRebalance: NodeJS.Timeout | undefined;
  private readonly pullLoops = new Set<Promise<void>>();
  private removeHooks: (() => void)[] = [];
  /** When start() finished (ms), for running info. */
  startTimestamp = 0;

  /** @param options - see {@link PushConsumerOptions} */
  constructor(options: PushConsumerOptions) {
    super();
    this.settings = resolvePushOptions(options);
    this.client = new ConsumerClient({
      namesrvAddr: this.settings.namesrvAddr,
      instanceName: this.settings.instanceName,
      pollNameServerInterval: this.settings.pollNameServerInterval,
      heartbeatBrokerInterval: this.settings.heartbeatBrokerInterval,
      mqClientApiTimeout: this.settings.mqClientApiTimeout,
      transport: securedTransport(this.settings.transport, this.settings),
    });
  }

  /** This client's id. */
  get clientId(): string {
    return this.client.clientId;
  }

  /** The consumer group. */
  get consumerGroup(): string {
    return this.settings.consumerGroup;
  }

  /** The offset store (after start). */
  get offsetStore(): OffsetStore {
    if (!this._offsetStore) throw new ClientStateError('the consumer is not started');
    return this._offsetStore;
  }

  /** The registered listener. */
  get listener(): MessageListener {
    if (!this._listener) throw new ClientStateError('no message listener registered');
    return this._listener;
  }

  /** Whether the listener is orderly. */
  get isOrderly(): boolean {
    return this.orderly;
  }

  /** Subscriptions (the retry topic included once started, in clustering). */
  subscriptions(): SubscriptionData[] {
    return [...this.subs.values()];
  }

  /**
   * Subscribes to a topic (before or after start; a later call for the same topic replaces the expression).
   * @param topic - topic
   * @param expression - `*` or `TagA || TagB` @default '*'
   */
  subscribe(topic: string, expression = '*'): void {
    if (this.state === 'stopping' || this.state === 'stopped') throw new ClientStateError('the consumer is shut down');
    this.subs.set(topic, parseSubscription(topic, expression));
    if (this.state === 'running') {
      this.client.routes.addTopic(topic);
      void this.client.sendHeartbeat().then(() => this.rebalanceNow());
    }
  }

  /**
   * Stops consuming a topic (its queues are dropped at the next rebalance).
   * @param topic - topic
   */
  unsubscribe(topic: string): void {
    this.subs.delete(topic);
    if (this.state === 'running') void this.client.sendHeartbeat().then(() => this.rebalanceNow());
  }

  /**
   * Registers an async listener (once, before start). A separate overload for async and sync handlers lets
   * TypeScript keep a bare `'CONSUME_SUCCESS'` literal returned from an `async` arrow: with one union return type
   * it would widen the literal to `string` and reject the handler.
   * @param listener - the handler
   * @param options - `{ orderly: true }` for an orderly listener
   */
  registerMessageListener(listener: AsyncMessageListener, options?: ListenerOptions): void;
  /**
   * Registers a synchronous listener (once, before start).
   * @param listener - the handler
   * @param options - `{ orderly: true }` for an orderly listener
   */
  registerMessageListener(listener: SyncMessageListener, options?: ListenerOptions): void;
  registerMessageListener(listener: MessageListener | SyncMessageListener, options: ListenerOptions = {}): void {
    if (typeof listener !== 'function') throw new ValidationError('listener must be a function');
    if (this.state !== 'created') throw new ClientStateError('register the listener before start()');
    this._listener = listener as MessageListener;
    this.orderly = options.orderly === true;
  }

  /** Whether new work may start. */
  isRunning(): boolean {
    return this.state === 'running';
  }

  /** Queues owned now. */
  assignedQueues(): MessageQueue[] {
    return [...this.table.values()].map((s) => s.pq.mq);
  }

  /** @internal The process queues (running info, tests). */
  processQueues(): ProcessQueue[] {
    return [...this.table.values()].map((s) => s.pq);
  }

  /**
   * {@inheritDoc ConsumeHost.brokerAddrOf}
   * @internal
   */
  brokerAddrOf(pq: ProcessQueue): string | undefined {
    return this.table.get(queueKey(pq.mq))?.brokerAddr;
  }

  /** Starts: heartbeat, first rebalance, timers. */
  async start(): Promise<void> {
    if (this.state !== 'created') throw new ClientStateError(`cannot start a consumer that is ${this.state}`);
    if (!this._listener) throw new ClientStateError('no message listener registered');
    if (this.subs.size === 0) throw new ClientStateError('subscribe to at least one topic before start()');
    this.state = 'starting';
    const s = this.settings;
    try {
      this._offsetStore =
        s.messageModel === 'CLUSTERING'
          ? new RemoteBrokerOffsetStore(this.client, s.consumerGroup)
          : new LocalFileOffsetStore(s.offsetStoreDir ?? defaultOffsetStoreDir(), s.instanceName, s.consumerGroup);
      await this._offsetStore.load();
      if (s.messageModel === 'CLUSTERING') this.subs.set(retryTopicOf(s.consumerGroup), parseSubscription(retryTopicOf(s.consumerGroup), '*'));
      if (this.orderly) this.orderlySvc = new OrderlyConsumeService(this);
      else this.concurrent = new ConcurrentConsumeService(this);
      await this.client.start(() => this.heartbeatData());
      this.removeHooks = installPushHandlers(this);
      await Promise.all([...this.subs.keys()].map((t) => this.client.routes.refresh(t).catch(() => undefined)));
      await this.client.sendHeartbeat();
      // Installed after the first heartbeat, which already covers the routes just read (not one more per topic).
      this.client.routes.on('routeChange', () => void this.client.sendHeartbeat());
    } catch (err) {
      this.state = 'stopped';
      await this.client.close();
      throw err;
    }
    this.state = 'running';
    this.startTimestamp = Date.now();
    await this.rebalanceNow();
    this.every(s.rebalanceInterval, () => void this.rebalanceNow());
    this.every(s.persistConsumerOffsetInterval, () => void this.persistOffsets(true));
    if (this.orderly && s.messageModel === 'CLUSTERING') this.every(s.lockInterval, () => void this.lockAll());
  }

  private every(ms: number, fn: () => void): void {
    const t = setInterval(fn, ms);
    t.unref();
    this.timers.push(t);
  }

  /** The heartbeat body. @internal */
  heartbeatData(): HeartbeatData {
    const s = this.settings;
    return {
      clientID: this.clientId,
      producerDataSet: [{ groupName: 'CLIENT_INNER_PRODUCER' }],
      consumerDataSet: [
        {
          groupName: s.consumerGroup,
          consumeType: 'CONSUME_PASSIVELY',
          messageModel: s.messageModel,
          consumeFromWhere: s.consumeFromWhere,
          subscriptionDataSet: [...this.subs.values()],
          unitMode: false,
        },
      ],
    };
  }

  /** Rebalances now (coalesces concurrent calls: one more pass runs after the current one). */
  rebalanceNow(): Promise<void> {
    if (this.state !== 'running') return Promise.resolve();
    if (this.rebalancing) {
      this.rebalanceAgain = true;
      return this.rebalancing;
    }
    this.rebalancing = (async () => {
      do {
        this.rebalanceAgain = false;
        await this.rebalanceOnce();
      } while (this.rebalanceAgain && this.state === 'running');
    })().finally(() => {
      this.rebalancing = undefined;
    });
    return this.rebalancing;
  }

  private async rebalanceOnce(): Promise<void> {
    const s = this.settings;
    let incomplete = false;
    // Topics side by side: each costs round trips (member list, offsets), and start-up waits for all of them.
    await Promise.all(
      [...this.subs.keys()].map(async (topic) => {
        const mine = await allocationFor(this.client, s.consumerGroup, topic, s.messageModel, s.allocateMessageQueueStrategy);
        if (!mine || !(await this.applyAllocation(topic, mine))) incomplete = true;
      }),
    );
    for (const st of [...this.table.values()]) {
      if (!this.subs.has(st.pq.mq.topic)) await this.removeQueue(st);
    }
    // A missing route (e.g. a retry topic not registered yet) or a refused lock: try again soon, not in 20 s.
    if (incomplete && this.state === 'running' && !this.quickRebalance) {
      this.quickRebalance = setTimeout(() => {
        this.quickRebalance = undefined;
        // An empty member list usually means a broker restarted and does not know us until the next heartbeat
        // (30 s by default): introduce ourselves first.
        void this.client
          .sendHeartbeat()
          .catch(() => undefined)
          .then(() => this.rebalanceNow());
      }, Math.min(1000, s.rebalanceInterval));
    }
  }

  /** @returns false when some queue could not be taken on yet */
  private async applyAllocation(topic: string, mine: MessageQueue[]): Promise<boolean> {
    const wanted = new Map(mine.map((q) => [queueKey(q), q]));
    const removed: MessageQueue[] = [];
    for (const [k, st] of [...this.table]) {
      if (st.pq.mq.topic !== topic || wanted.has(k)) continue;
      removed.push(st.pq.mq);
      await this.removeQueue(st);
    }
    let fresh = mine.filter((q) => !this.table.has(queueKey(q)));
    let complete = true;
    if (fresh.length > 0 && this.orderly && this.settings.messageModel === 'CLUSTERING') {
      const locked = await this.lockQueues(fresh);
      complete = locked.length === fresh.length;
      fresh = locked;
    }
    const started = new Set<MessageQueue>();
    // Every queue's offset is asked for at once and each queue starts pulling as soon as its own answer is in:
    // one round trip before the first pull instead of one per queue.
    await Promise.all(
      fresh.map(async (mq) => {
        let offset: number;
        try {
          offset = await this.computePullFromWhere(mq);
        } catch {
          complete = false;
          return;
        }
        if (this.state !== 'running') return;
        const pq = new ProcessQueue(mq, offset);
        if (this.orderly) {
          pq.locked = true;
          pq.lastLockTimestamp = Date.now();
        }
        this.offsetStore.update(mq, offset, false);
        const st = newQueueState(pq, this.settings);
        this.table.set(queueKey(mq), st);
        const loop = runPushPullLoop(this, st);
        this.pullLoops.add(loop);
        void loop.finally(() => this.pullLoops.delete(loop));
        started.add(mq);
      }),
    );
    const added = fresh.filter((mq) => started.has(mq));
    if (added.length > 0 || removed.length > 0) this.emit('rebalance', { topic, added, removed });
    return complete;
  }

  private async computePullFromWhere(mq: MessageQueue): Promise<number> {
    const stored = await this.offsetStore.readStore(mq);
    if (stored >= 0) return stored;
    const s = this.settings;
    if (mq.topic.startsWith('%RETRY%')) return 0;
    switch (s.consumeFromWhere) {
      case 'CONSUME_FROM_FIRST_OFFSET':
        return 0;
      case 'CONSUME_FROM_TIMESTAMP':
        return this.client.searchOffset(mq, s.consumeTimestamp);
      default:
        return this.client.maxOffset(mq);
    }
  }

  /** Drops a queue: stop its pull, wait for an orderly step, persist its offset, unlock. */
  private async removeQueue(st: QueueState): Promise<void> {
    const { pq } = st;
    this.table.delete(queueKey(pq.mq));
    pq.dropped = true;
    st.abort.abort();
    const orderlyClustering = this.orderly && this.settings.messageModel === 'CLUSTERING';
    let finished = true;
    if (this.orderly) finished = await within(pq.idle, 10_000);
    await this.offsetStore.persistAll([pq.mq], false);
    this.offsetStore.remove(pq.mq);
    // A step still running after the bound keeps the lock until the broker expires it, so nobody overlaps it.
    if (orderlyClustering && finished) await this.client.unlockBatch(pq.mq.brokerName, this.settings.consumerGroup, [pq.mq]).catch(() => undefined);
  }

  private async lockQueues(mqs: MessageQueue[]): Promise<MessageQueue[]> {
    const out: MessageQueue[] = [];
    for (const [brokerName, list] of groupByBroker(mqs)) {
      try {
        const ok = new Set((await this.client.lockBatch(brokerName, this.settings.consumerGroup, list)).map(queueKey));
        out.push(...list.filter((q) => ok.has(queueKey(q))));
      } catch {
        // No master: none of this group's queues can be locked now.
      }
    }
    return out;
  }

  /** {@inheritDoc ConsumeHost.lock} @internal */
  async lock(pq: ProcessQueue): Promise<boolean> {
    if (pq.dropped || this.state !== 'running') return false;
    const ok = (await this.lockQueues([pq.mq])).length === 1;
    pq.locked = ok;
    if (ok) pq.lastLockTimestamp = Date.now();
    return ok;
  }

  /** Renews every lock (orderly, clustering). */
  private async lockAll(): Promise<void> {
    const states = [...this.table.values()];
    const ok = new Set((await this.lockQueues(states.map((s) => s.pq.mq))).map(queueKey));
    for (const st of states) {
      st.pq.locked = ok.has(queueKey(st.pq.mq));
      if (st.pq.locked) {
        st.pq.lastLockTimestamp = Date.now();
        this.orderlySvc?.submit(st.pq);
      }
    }
  }

  /** {@inheritDoc PushPullHost.subscriptionOf} @internal */
  subscriptionOf(topic: string): SubscriptionData | undefined {
    return this.subs.get(topic);
  }

  /** {@inheritDoc PushPullHost.sleep} @internal */
  sleep(ms: number): Promise<void> {
    return this.sleeper.sleep(ms);
  }

  /** {@inheritDoc PushPullHost.deliver} @internal */
  deliver(pq: ProcessQueue, added: MessageExt[]): void {
    if (this.orderlySvc) this.orderlySvc.submit(pq);
    else this.concurrent?.submit(pq, added);
  }

  /** {@inheritDoc PushPullHost.offsetMoved} @internal */
  async offsetMoved(st: QueueState, event: OffsetMovedEvent): Promise<void> {
    // The offset is gone (or the queue was truncated): restart the queue where the broker says, persisted first.
    this.table.delete(queueKey(st.pq.mq));
    st.pq.dropped = true;
    this.offsetStore.update(st.pq.mq, event.to, false);
    await this.offsetStore.persistAll([st.pq.mq], false);
    this.emit('offsetMoved', event);
    void this.rebalanceNow();
  }

  /** {@inheritDoc PushPullHost.offsetMoveSuspected} @internal */
  offsetMoveSuspected(event: OffsetMoveSuspectedEvent): void {
    this.emit('offsetMoveSuspected', event);
  }

  /**
   * Persists the offsets of every owned queue.
   * @param oneway - periodic commit (fire and forget) or a confirmed write
   */
  async persistOffsets(oneway = false): Promise<void> {
    if (!this._offsetStore) return;
    await this._offsetStore.persistAll(this.assignedQueues(), oneway).catch(() => undefined);
  }

  /**
   * @internal Drops the listed queues and rebalances so they restart from the offsets now stored (RESET_CONSUMER_CLIENT_OFFSET).
   * @param entries - queue → new offset
   */
  async resetOffsets(entries: readonly { mq: MessageQueue; offset: number }[]): Promise<void> {
    const touched: MessageQueue[] = [];
    for (const { mq, offset } of entries) {
      const st = this.table.get(queueKey(mq));
      if (!st) continue;
      this.table.delete(queueKey(mq));
      st.pq.dropped = true;
      st.abort.abort();
      if (this.orderly) await within(st.pq.idle, 10_000);
      this.offsetStore.update(mq, offset, false);
      touched.push(mq);
    }
    await this.offsetStore.persistAll(touched, false);
    await this.rebalanceNow();
  }

  /** Graceful shutdown; idempotent. */
  async shutdown(): Promise<void> {
    if (this.state === 'stopped' || this.state === 'stopping') return;
    if (this.state === 'created') {
      this.state = 'stopped';
      await this.client.close();
      return;
    }
    this.state = 'stopping';
    for (const t of this.timers) clearInterval(t);
    if (this.quickRebalance) clearTimeout(this.quickRebalance);
    for (const st of this.table.values()) st.abort.abort();
    this.sleeper.cancelAll();
    await this.rebalancing?.catch(() => undefined);
    const bound = this.settings.awaitTerminationMillisWhenShutdown;
    await this.concurrent?.shutdown(bound);
    await this.orderlySvc?.shutdown(bound);
    await within(Promise.all(this.processQueues().map((pq) => pq.idle)), bound);
    await Promise.all([...this.pullLoops]);
    const states = [...this.table.values()];
    for (const st of states) st.pq.dropped = true;
    await this.persistOffsets(false);
    if (this.orderly && this.settings.messageModel === 'CLUSTERING') {
      const byBroker = groupByBroker(states.map((st) => st.pq.mq));
      await Promise.all([...byBroker].map(([b, l]) => this.client.unlockBatch(b, this.settings.consumerGroup, l).catch(() => undefined)));
    }
    this.table.clear();
    for (const r of this.removeHooks) r();
    await this.client.unregister(this.settings.consumerGroup);
    await this.client.close();
    this.state = 'stopped';
  }
}
