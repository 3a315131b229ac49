/**
 * The `Producer`: Java `DefaultMQProducer` options and sends, with failover awareness built in (latency fault
 * tolerance on by default, retries across broker groups inside one `sendMsgTimeout` budget, an immediate merged
 * route refresh and a fast re-poll when a group's master fails, heartbeats to new leaders), backpressure through a
 * `maxInflight` gate (SendLimiter), and OpenTelemetry spans, metrics and trace-context propagation.
 *
 * Retries can duplicate messages: an attempt that timed out may still have been stored (a DLedger quorum timeout, a
 * lost response), and the retry stores it again, possibly on another group. Both copies carry the same UNIQ_KEY
 * (`SendResult.msgId`, `MessageExt.msgId` on the consumer), so consumers deduplicate by msgId — see
 * `docs/failover.md`.
 * @module
 */

import { EventEmitter } from 'node:events';
import { AbortError, ClientStateError, RocketMQError, ValidationError } from '../errors.js';
import { BrokerPool } from '../client/broker-pool.js';
import { buildClientId } from '../client/client-id.js';
import { LatencyFaultTolerance, type BrokerIsolatedEvent, type BrokerRecoveredEvent, type FaultItem } from '../client/latency-fault.js';
import { NamesrvAddrWatcher } from '../client/namesrv-addr.js';
import { NamesrvClient } from '../client/namesrv-client.js';
import { RouteManager, type RouteChangeEvent } from '../client/route-manager.js';
import { securedTransport } from '../client/security.js';
import type { TransportOptions } from '../client/transport.js';
import type { MessageQueue, TopicPublishInfo } from '../client/topic-publish-info.js';
import { MessageConst } from '../message/constants.js';
import { encodeProperties } from '../message/properties.js';
import { recordSend } from '../telemetry/metrics.js';
import { Attr } from '../telemetry/names.js';
import { contextWithSpan, endSendSpan, injectTraceContext, startSendSpan, tracingEnabled } from '../telemetry/tracing.js';
import type { Attributes } from '@opentelemetry/api';
import { encodeBatch, prepareBatch } from './batch.js';
import { HeartbeatService } from './heartbeat.js';
import {
  resolveOptions,
  type MessageInput,
  type ProducerOptions,
  type ResolvedProducerOptions,
  type SendCallback,
  type SendOptions,
  type SendResult,
} from './options.js';
import { orderedQueues, pickerFor } from './ordered.js';
import { RouteWatch } from './route-watch.js';
import { SendLimiter } from './limiter.js';
import type { SendDeps, SendRetryEvent } from './send.js';
import { aloneRequest, sendOnWire, type WireContext, type WireSend } from './wire.js';
import { normalizeAbort, noop, waitOrTimeout, type InflightSend } from './settle.js';
import { ProduceAccumulator } from './accumulator.js';
import { quickEligible, quickSend, type QuickSendHost } from './async-send.js';
import { checkPropertiesLength, prepareMessage, validateProducerOptions, withNamespace, type PrepareLimits } from './validate.js';

/** Payload of the producer's `leaderChange` event. */
export interface ProducerLeaderChangeEvent {
  /** Broker group. */
  brokerName: string;
  /** Previous master address (undefined when the group had none). */
  from?: string;
  /** New master address (undefined when the group lost it, e.g. mid-election). */
  to?: string;
  /** Topic whose route showed it. */
  topic: string;
}

/** Events of {@link Producer}. */
export interface ProducerEvents {
  /** A topic's route changed. */
  routeChange: [RouteChangeEvent];
  /** A broker group's master moved, appeared or disappeared. */
  leaderChange: [ProducerLeaderChangeEvent];
  /** A broker group was isolated by the latency fault table. */
  brokerIsolated: [BrokerIsolatedEvent];
  /** An isolated broker group was re-admitted. */
  brokerRecovered: [BrokerRecoveredEvent];
  /** A send attempt failed and another one follows. */
  sendRetry: [SendRetryEvent];
}

/** Lifecycle state of a {@link Producer}. */
export type ProducerState = 'CREATED' | 'STARTING' | 'RUNNING' | 'STOPPING' | 'STOPPED';

/** Diagnostics of a running producer (see {@link Producer.diagnostics}). */
export interface ProducerDiagnostics {
  /** Sends running. */
  inflight: number;
  /** Sends waiting for a slot. */
  pending: number;
  /** Groups under fast route re-poll, as `topic/brokerName`. */
  watchedGroups: string[];
  /** Fast route re-polls made so far. */
  fastRoutePolls: number;
  /** Heartbeats answered so far. */
  heartbeats: number;
  /** The latency fault table. */
  faults: FaultItem[];
}

/** A RocketMQ producer. Create, `start()`, send, `shutdown()`. */
export class Producer extends EventEmitter<ProducerEvents> {
  /** Options after defaults. */
  readonly options: Readonly<ResolvedProducerOptions>;
  /** Client id, `ip@instance[@unit]`, as Java builds it. */
  readonly clientId: string;
  private readonly group: string;
  /** The `maxInflight` gate. */
  private readonly limiter: SendLimiter;
  private readonly faults: LatencyFaultTolerance | undefined;
  private readonly faultTable: LatencyFaultTolerance;
  private readonly pool: BrokerPool;
  /** Connection settings of every nameserver and broker connection (`transport` plus the top-level keys and tls). */
  private readonly transport: TransportOptions;
  /**
   * Sends holding or awaiting a slot, each with the reject of its caller-facing promise: shutdown fails them with
   * this.stopReason directly, so a send needs no AbortController (nor a listener on a shared signal) of its own.
   */
  private readonly inflightSends = new Set<InflightSend>();
  private readonly attrsByTopic = new Map<string, Attributes>();
  /** Every `maxInflight` slot is held (auto batching: nothing more can join a batch). */
  private readonly limiterFull = (): boolean => this.limiter.pending >= this.options.maxInflight;
  /** Read by the send loop before each attempt, so a send orphaned by shutdown stops retrying. */
  private readonly stopped = (): RocketMQError | undefined => this.stopReason;
  private stopReason: ClientStateError | undefined;
  private addrWatcher: NamesrvAddrWatcher | undefined;
  private namesrv: NamesrvClient | undefined;
  private routes: RouteManager | undefined;
  private watch: RouteWatch | undefined;
  private heartbeat: HeartbeatService | undefined;
  private wire: WireContext | undefined;
  /** Auto batching (undefined unless `autoBatch`). */
  private accumulator: ProduceAccumulator | undefined;
  /** The `sendAsync` quick path (set by start). */
  private quick: QuickSendHost | undefined;
  private _state: ProducerState = 'CREATED';
  private stopping: Promise<void> | undefined;

  /**
   * @param options - see {@link ProducerOptions}
   * @throws ValidationError for bad options
   */
  constructor(options: ProducerOptions) {
    super();
    validateProducerOptions(options);
    this.options = Object.freeze(resolveOptions(options));
    this.group = withNamespace(this.options.namespace, this.options.producerGroup);
    this.clientId = buildClientId({ instanceName: this.options.instanceName, unitName: this.options.unitName, clientIP: this.options.clientIP });
    this.limiter = new SendLimiter(this.options.maxInflight);
    this.faultTable = new LatencyFaultTolerance({
      onIsolated: (e) => this.emit('brokerIsolated', e),
      onRecovered: (e) => this.emit('brokerRecovered', e),
    });
    this.faults = this.options.sendLatencyFaultEnable ? this.faultTable : undefined;
    // Top-level keys and tls become the transport's credentials/tls (validated here: bad keys fail construction).
    this.transport = securedTransport(this.options.transport, this.options);
    this.pool = new BrokerPool({ ...this.transport });
  }

  /** Lifecycle state. */
  get state(): ProducerState {
    return this._state;
  }

  /**
   * Resolves the nameserver addresses (option, `NAMESRV_ADDR`, address server), starts the route poll, the heartbeats
   * and the fast re-poll. Idempotent while running.
   * @throws ClientStateError after shutdown; NoNameServerError / ValidationError when no address can be found
   */
  async start(): Promise<void> {
    if (this._state === 'RUNNING' || this._state === 'STARTING') return;
    if (this._state !== 'CREATED') throw new ClientStateError(`producer ${this.options.producerGroup} was shut down; create a new one`);
    this._state = 'STARTING';
    const o = this.options;
    try {
      this.addrWatcher = new NamesrvAddrWatcher({
        namesrvAddr: o.namesrvAddr,
        wsAddr: o.wsAddr,
        namesrvDomain: o.namesrvDomain,
        namesrvDomainSubgroup: o.namesrvDomainSubgroup,
        unitName: o.unitName,
      });
      await this.addrWatcher.start();
      const watcher = this.addrWatcher;
      this.namesrv = new NamesrvClient({ ...this.transport, addrs: () => watcher.current, timeoutMs: o.mqClientApiTimeout });
      const routes = new RouteManager({ source: this.namesrv, pollNameServerInterval: o.pollNameServerInterval, faultTolerance: this.faults });
      this.routes = routes;
      this.watch = new RouteWatch(
        { refresh: (t) => routes.refresh(t), masterAddr: (b) => routes.findBrokerAddressInPublish(b) },
        { intervalMs: o.fastRoutePollIntervalMs, windowMs: o.fastRoutePollWindowMs },
      );
      this.heartbeat = new HeartbeatService(
        {
          masterAddrs: () => [...new Set(routes.brokerAddrs().filter((b) => b.brokerId === 0).map((b) => b.addr))],
          invoke: (addr, cmd, opt) => this.pool.invoke(addr, cmd, opt),
        },
        { clientId: this.clientId, producerGroup: this.group, intervalMs: o.heartbeatBrokerInterval, timeoutMs: o.mqClientApiTimeout },
      );
      this.wireRouteEvents(routes);
      const deps: SendDeps = {
        getPublishInfo: (t) => routes.getPublishInfo(t),
        cachedPublishInfo: (t) => routes.cachedPublishInfo(t),
        refresh: (t) => routes.refresh(t),
        masterAddr: (b) => routes.findBrokerAddressInPublish(b),
        invoke: (addr, cmd, opt) => this.pool.invoke(addr, cmd, opt),
        invokeOneway: (addr, cmd) => this.pool.invokeOneway(addr, cmd),
        faults: this.faults,
        onRetry: (e) => this.emit('sendRetry', e),
        onRouteSuspect: (topic, brokerName, addr) => this.watch?.watch(topic, brokerName, addr),
        onStored: (topic, brokerName) => this.watch?.resolved(topic, brokerName),
      };
      const wire: WireContext = {
        deps,
        group: this.group,
        defaultTopicQueueNums: o.defaultTopicQueueNums,
        retryNotStoreOK: o.retryAnotherBrokerWhenNotStoreOK,
        stopped: this.stopped,
      };
      this.wire = wire;
      if (o.autoBatch) {
        const limits = { batchMaxDelayMs: o.batchMaxDelayMs, batchMaxBytes: o.batchMaxBytes, totalBatchMaxBytes: o.totalBatchMaxBytes, maxMessageSize: o.maxMessageSize, budgetMs: o.sendMsgTimeout };
        this.accumulator = new ProduceAccumulator(limits, (s) => sendOnWire(wire, s));
      }
      this.quick = { limiter: this.limiter, maxInflight: o.maxInflight, accumulator: this.accumulator, inflightSends: this.inflightSends,
        retries: o.retryTimesWhenSendAsyncFailed, budgetMs: o.sendMsgTimeout, limits: this.limits(), limiterFull: this.limiterFull,
        attributes: (t) => this.sendAttributes(t), sendAlone: (s) => sendOnWire(wire, s) };
      routes.start();
      this.heartbeat.start();
      this._state = 'RUNNING';
    } catch (err) {
      this._state = 'CREATED';
      await this.release();
      throw err;
    }
  }

  private wireRouteEvents(routes: RouteManager): void {
    routes.on('routeChange', (e) => {
      for (const lc of e.leaderChanges) if (lc.to === undefined) this.watch?.watch(e.topic, lc.brokerName, lc.from);
      this.emit('routeChange', e);
    });
    routes.on('leaderChange', (e) => {
      const ev: ProducerLeaderChangeEvent = { brokerName: e.brokerName, topic: e.topic };
      if (e.from !== undefined) ev.from = e.from;
      if (e.to !== undefined) ev.to = e.to;
      // A new master learns about this producer group at once instead of at the next 30 s round.
      if (e.to !== undefined) void this.heartbeat?.sendTo(e.to);
      this.emit('leaderChange', ev);
    });
    // Poll failures keep the old route; the send path reports its own errors.
    routes.on('refreshError', () => undefined);
  }

  /**
   * Sends one message, or a batch (an array: SEND_BATCH_MESSAGE, one topic, no delay). Waits for a slot when
   * `maxInflight` sends are running; the `sendMsgTimeout` budget starts when the send starts.
   * @param msg - the message or the batch
   * @param options - abort signal, budget, ordered-send choice
   * @returns where and how the broker stored it
   * @throws ValidationError (bad input, nothing sent), ClientStateError (not running), AbortError, SendFailedError
   */
  async send(msg: MessageInput | readonly MessageInput[], options: SendOptions = {}): Promise<SendResult> {
    return this.dispatch(msg, options, this.options.retryTimesWhenSendFailed, false);
  }

  /**
   * Sends without waiting for the result: resolves as soon as the send holds a slot (so a fast loop gets
   * backpressure), and reports the outcome to `callback`. Uses `retryTimesWhenSendAsyncFailed`.
   * @param msg - the message or the batch
   * @param callback - receives the error or the result @default none (outcome dropped)
   * @param options - abort signal, budget, ordered-send choice
   * @throws ValidationError / ClientStateError synchronously detected problems (as a rejection)
   */
  async sendAsync(msg: MessageInput | readonly MessageInput[], callback?: SendCallback, options: SendOptions = {}): Promise<void> {
    this.assertRunning();
    // Backpressure: wait until nothing is queued behind the running sends.
    if (this.limiter.size > 0 || this.limiter.pending >= this.options.maxInflight) await this.limiter.onNoWaiters();
    const q = this.quick;
    if (q !== undefined && this._state === 'RUNNING' && quickEligible(q, msg, options) && !tracingEnabled()) return quickSend(q, msg, callback);
    const p = this.dispatch(msg, options, this.options.retryTimesWhenSendAsyncFailed, false);
    p.then(
      (r) => callback?.(undefined, r),
      (e: unknown) => callback?.(e as Error),
    );
  }

  /**
   * Sends one message oneway: written to one broker, no response, no retry (Java `sendOneway`).
   * @param msg - the message
   * @param options - abort signal, budget, ordered-send choice
   */
  async sendOneway(msg: MessageInput, options: SendOptions = {}): Promise<void> {
    if (Array.isArray(msg)) throw new ValidationError('sendOneway takes one message, not a batch');
    await this.dispatch(msg, options, 0, true);
  }

  /** Diagnostics: queue depth, watched groups, fault table. */
  diagnostics(): ProducerDiagnostics {
    return {
      inflight: this.limiter.pending,
      pending: this.limiter.size,
      watchedGroups: this.watch?.watched() ?? [],
      fastRoutePolls: this.watch?.polls ?? 0,
      heartbeats: this.heartbeat?.sent ?? 0,
      faults: this.faultTable.snapshot(),
    };
  }

  /**
   * The writable queues of a topic (fetching its route when not cached), e.g. to build a selector.
   * @param topic - topic name (namespace applied)
   */
  async fetchPublishMessageQueues(topic: string): Promise<MessageQueue[]> {
    this.assertRunning();
    const info = await this.requireRoutes().getPublishInfo(withNamespace(this.options.namespace, topic));
    return [...info.messageQueues];
  }

  /**
   * Stops accepting sends, waits for sends in flight up to `shutdownTimeoutMs` (then aborts them with
   * ClientStateError), unregisters from every broker, and closes every socket and timer. Idempotent.
   */
  async shutdown(): Promise<void> {
    if (this._state === 'STOPPED') return;
    if (this.stopping) return this.stopping;
    this.stopping = this.doShutdown();
    return this.stopping;
  }

  private async doShutdown(): Promise<void> {
    const wasRunning = this._state === 'RUNNING';
    this._state = 'STOPPING';
    if (wasRunning) {
      // Held messages go out now instead of at their batch timers.
      this.accumulator?.flushAll();
      await waitOrTimeout(this.limiter.onIdle(), this.options.shutdownTimeoutMs);
      const reason = new ClientStateError('the producer was shut down while the send was in flight');
      this.stopReason = reason;
      this.limiter.rejectWaiting(reason);
      for (const entry of this.inflightSends) entry.reject(reason);
      await waitOrTimeout(this.limiter.onIdle(), 1000);
      this.heartbeat?.stop();
      await this.heartbeat?.unregisterAll(Math.min(1000, this.options.mqClientApiTimeout));
    }
    await this.release();
    this._state = 'STOPPED';
  }

  private async release(): Promise<void> {
    this.routes?.stop();
    this.watch?.stop();
    this.heartbeat?.stop();
    this.addrWatcher?.stop();
    await Promise.all([this.pool.close(), this.namesrv?.close()]);
  }

  private assertRunning(): void {
    if (this._state !== 'RUNNING') {
      throw new ClientStateError(
        this._state === 'CREATED' || this._state === 'STARTING'
          ? `producer ${this.options.producerGroup} is not started; call start() first`
          : `producer ${this.options.producerGroup} is shut down`,
      );
    }
  }

  private requireRoutes(): RouteManager {
    if (!this.routes) throw new ClientStateError('producer is not started');
    return this.routes;
  }

  private limits(): PrepareLimits {
    const o = this.options;
    return { maxMessageSize: o.maxMessageSize, compressOver: o.compressMsgBodyOverHowmuch, compressLevel: o.compressLevel, namespace: o.namespace };
  }

  /** Metric attributes of a topic's sends, built once per topic (recordSend copies them when it records). */
  private sendAttributes(topic: string): Attributes {
    let a = this.attrsByTopic.get(topic);
    if (a === undefined) {
      a = { [Attr.SYSTEM]: 'rocketmq', [Attr.DESTINATION]: topic };
      if (this.attrsByTopic.size < 1024) this.attrsByTopic.set(topic, a);
    }
    return a;
  }

  /** Validates, traces, queues and runs one send. */
  private async dispatch(
    input: MessageInput | readonly MessageInput[],
    options: SendOptions,
    retries: number,
    oneway: boolean,
  ): Promise<SendResult> {
    this.assertRunning();
    const started = Date.now();
    const o = this.options;
    const ordered = (options.queue !== undefined ? 1 : 0) + (options.selector !== undefined ? 1 : 0) + (options.shardingKey !== undefined ? 1 : 0);
    if (ordered > 1) throw new ValidationError('give at most one of queue, selector and shardingKey');
    if (options.timeoutMs !== undefined && (!Number.isInteger(options.timeoutMs) || options.timeoutMs <= 0)) {
      throw new ValidationError(`timeoutMs must be a positive integer, got ${String(options.timeoutMs)}`);
    }
    if (options.shardingKey !== undefined && (typeof options.shardingKey !== 'string' || options.shardingKey === '')) {
      throw new ValidationError('shardingKey must be a non-empty string');
    }
    if (options.signal?.aborted) throw new AbortError(undefined, { cause: options.signal.reason });

    // 1. Validate and build the wire form: nothing is sent if this throws.
    const isBatch = Array.isArray(input);
    const batch = isBatch ? prepareBatch(input as readonly MessageInput[], this.limits()) : undefined;
    const single = isBatch ? undefined : prepareMessage(input as MessageInput, this.limits());
    const first = batch ? batch.items[0] : (single as NonNullable<typeof single>);
    const topic = batch ? batch.topic : first.topic;
    const msgId = batch ? batch.msgId : first.msgId;
    if (options.shardingKey !== undefined) {
      for (const m of batch ? batch.items : [first]) m.properties[MessageConst.SHARDINGKEY] = options.shardingKey;
    }

    // 2. Span + trace context (skipped entirely, attribute bag included, when no tracer provider is registered).
    const span = !tracingEnabled() ? undefined : startSendSpan({
      topic,
      group: this.group,
      messageId: msgId,
      keys: first.keys,
      tag: first.tags,
      messageType: ordered > 0 ? 'fifo' : first.delayTimeLevel !== undefined || first.deliverTimeMs !== undefined ? 'delay' : 'normal',
      deliveryTimestamp: first.deliverTimeMs,
      delayTimeLevel: first.delayTimeLevel,
      shardingKey: options.shardingKey,
      batchCount: batch ? batch.items.length : undefined,
    });
    try {
      if (span) {
        const ctx = contextWithSpan(span);
        for (const m of batch ? batch.items : [first]) injectTraceContext(m.properties, ctx);
      }
      // Without a span the properties are final: prepareMessage already encoded (and length-checked) them.
      const propsText = batch ? encodeProperties(batch.properties) : span ? checkPropertiesLength(first.properties) : first.propertiesText;
      const signal = options.signal;
      // Auto batching takes plain single sends only (see ProducerOptions.autoBatch).
      const batchable =
        this.accumulator !== undefined && !batch && !oneway && ordered === 0 && signal === undefined && options.timeoutMs === undefined &&
        first.sysFlag === 0 && first.delayTimeLevel === undefined && first.deliverTimeMs === undefined && !topic.startsWith('%RETRY%');
      const wire: WireSend | undefined = batchable ? undefined : {
        topic,
        msgId,
        body: batch ? encodeBatch(batch, o.maxMessageSize) : first.body,
        properties: propsText,
        sysFlag: batch ? 0 : first.sysFlag,
        flag: batch ? 0 : first.flag,
        batch: batch !== undefined,
        budgetMs: options.timeoutMs ?? o.sendMsgTimeout,
        retries,
        oneway,
        signal,
      };
      const picker = pickerFor(options, input as MessageInput);
      if (picker && wire) wire.pick = (info: TopicPublishInfo) => picker(orderedQueues(info));
      // The caller's signal (if any) goes straight to the send loop and the connection; shutdown does not need a
      // signal of its own (see inflightSends), so the common send allocates no AbortController and no listener.
      const entry: InflightSend = { reject: noop, holds: false, done: false };
      let result: SendResult;
      try {
        result = await new Promise<SendResult>((resolve, reject) => {
          entry.reject = reject;
          this.inflightSends.add(entry);
          const go = (): void => {
            entry.holds = true;
            if (this.stopReason) reject(this.stopReason);
            else if (batchable && this.accumulator?.add(first, propsText, retries, resolve, reject)) {
              // Every slot is held: nothing more can join a batch until one is answered, so waiting is useless.
              if (this.limiter.pending >= o.maxInflight) this.accumulator.flushWhenFull(this.limiterFull);
            } else sendOnWire(this.wire as WireContext, wire ?? aloneRequest(first, propsText, retries, o.sendMsgTimeout)).then((w) => resolve(w.result), reject);
          };
          const wait = this.limiter.enter(signal);
          if (wait === undefined) go();
          else {
            wait.then(() => {
              // Shutdown already failed this send while the slot was being handed over: give it back.
              if (entry.done) this.limiter.leave();
              else go();
            }, reject);
          }
        });
      } catch (err) {
        throw normalizeAbort(err, signal);
      } finally {
        entry.done = true;
        this.inflightSends.delete(entry);
        if (entry.holds) this.limiter.leave();
      }
      if (span) {
        const r = result;
        endSendSpan(span, { retries: r.attempts - 1, brokerAddr: r.brokerAddr, brokerName: r.messageQueue.brokerName, queueId: r.messageQueue.queueId, status: r.status });
      }
      recordSend('success', Date.now() - started, this.sendAttributes(topic), batch?.items.length ?? 1);
      return result;
    } catch (err) {
      const e = err instanceof RocketMQError ? err : normalizeAbort(err, options.signal);
      if (span) endSendSpan(span, { retries: 0, error: e });
      recordSend('failure', Date.now() - started, { [Attr.SYSTEM]: 'rocketmq', [Attr.DESTINATION]: topic, [Attr.ERROR_TYPE]: e.code }, batch?.items.length ?? 1);
      throw e;
    }
  }
}
