/**
 * The send loop: one message (or batch) within one time budget, across broker groups. It owns the failover rules;
 * the producer wires it to the route cache, the broker pool and the fault table through {@link SendDeps}, so unit
 * tests drive it with fakes and no sockets.
 *
 * Per attempt: pick a queue (round robin avoiding the last failed group and isolated groups, or the caller's ordered
 * choice), send to the group's master with whatever budget is left, decode. After a failure the pure
 * `decideRetry` policy says whether to retry, whether to isolate the group and whether to refresh the route; when no
 * other group can take the message the loop awaits the (single-flight) refresh and backs off with jitter. When the
 * route has no writable master at all (a one-group cluster mid-election) the loop keeps re-reading the route until
 * the budget ends; those waits do not count as attempts because nothing was sent.
 * @module
 */

import {
  AbortError,
  BrokerResponseError,
  NoRouteError,
  RequestTimeoutError,
  RocketMQError,
  SendFailedError,
  toRocketMQError,
  type SendAttempt,
} from '../errors.js';
import type { LatencyFaultTolerance } from '../client/latency-fault.js';
import { backoffDelay, classifyError, decideRetry } from '../client/retry-policy.js';
import type { MessageQueue, TopicPublishInfo } from '../client/topic-publish-info.js';
import { ResponseCode } from '../protocol/response-codes.js';
import { decodeSendMessageResponse, type SendMessageResult } from '../protocol/send-message.js';
import type { RemotingCommand } from '../remoting/command.js';

/** What the send loop needs from the producer. */
export interface SendDeps {
  /** Cached publish info, fetching the route when none is cached. */
  getPublishInfo(topic: string): Promise<TopicPublishInfo>;
  /**
   * The cached publish info, synchronously, or undefined when none is cached. Lets the common case (a known
   * topic) skip the deadline timer and abort listener that guard a route fetch. @default always undefined
   */
  cachedPublishInfo?(topic: string): TopicPublishInfo | undefined;
  /** Single-flight route refresh (concurrent callers share one nameserver request). */
  refresh(topic: string): Promise<unknown>;
  /** The master address of a group in the current route. */
  masterAddr(brokerName: string): string | undefined;
  /** Sends a request and waits for the response. */
  invoke(addr: string, cmd: RemotingCommand, options: { timeoutMs: number; signal?: AbortSignal }): Promise<RemotingCommand>;
  /** Writes a oneway request. */
  invokeOneway(addr: string, cmd: RemotingCommand): Promise<void>;
  /** Latency fault table (undefined when sendLatencyFaultEnable is false). */
  faults?: LatencyFaultTolerance;
  /** Clock. @default Date.now */
  now?: () => number;
  /** Randomness for the jitter. @default Math.random */
  random?: () => number;
  /** Called before each retry. */
  onRetry?: (event: SendRetryEvent) => void;
  /** Called when an attempt failed in a way that suggests the group's master moved. */
  onRouteSuspect?: (topic: string, brokerName: string, addr: string | undefined) => void;
  /** Called after a stored send. */
  onStored?: (topic: string, brokerName: string) => void;
}

/** Payload of the producer's `sendRetry` event. */
export interface SendRetryEvent {
  /** Topic. */
  topic: string;
  /** UNIQ_KEY of the message (batches: joined). */
  msgId: string;
  /** Number of the attempt that failed (1 = first); 0 when no broker could be tried at all. */
  attempt: number;
  /** Group that failed, if one was tried. */
  brokerName?: string;
  /** Address that failed, if one was tried. */
  brokerAddr?: string;
  /** Why. */
  error: RocketMQError;
  /** Wait before the next attempt, in ms. */
  delayMs: number;
}

/** One send as the loop sees it. */
export interface SendSpec {
  /** Topic on the wire. */
  topic: string;
  /** UNIQ_KEY (for events). */
  msgId: string;
  /** Builds the request for an attempt (fresh opaque each time). */
  build: (mq: MessageQueue) => RemotingCommand;
  /** Total budget in ms. */
  budgetMs: number;
  /** Most attempts that reach a broker. */
  maxAttempts: number;
  /** Ordered sends: picks the queue among the writable ones; undefined = "not possible right now". */
  pick?: (info: TopicPublishInfo) => MessageQueue | undefined;
  /** Retry on another group when the status is not SEND_OK. */
  retryNotStoreOK?: boolean;
  /** Oneway: write and return (one attempt, no response). */
  oneway?: boolean;
  /** Caller's abort signal. */
  signal?: AbortSignal;
  /** Returns an error once the producer stops (checked before each attempt); that error ends the send. */
  stopped?: () => RocketMQError | undefined;
}

/** What a successful run returns. */
export interface SendOutcome {
  /** Decoded response (undefined for oneway). */
  result?: SendMessageResult;
  /** Queue used. */
  mq: MessageQueue;
  /** Broker address used. */
  addr: string;
  /** Attempts that reached a broker. */
  attempts: number;
}

/** Backoff while no group can take the message: 50–100, 100–200, 200–400 ms, then 200–400 ms. */
const NO_GROUP_BACKOFF = { baseMs: 100, maxMs: 400, factor: 2 };

/**
 * Runs one send to completion.
 * @param deps - route cache, transport, fault table, hooks
 * @param spec - the send
 * @throws SendFailedError listing each attempt; AbortError when the signal fired
 */
export async function runSend(deps: SendDeps, spec: SendSpec): Promise<SendOutcome> {
  const now = deps.now ?? Date.now;
  const random = deps.random ?? Math.random;
  const start = now();
  const deadline = start + spec.budgetMs;
  const attempts: SendAttempt[] = [];
  let wire = 0;
  let idleRounds = 0;
  let lastBroker: string | undefined;
  let lastError: RocketMQError | undefined;

  const fail = (why: string): never => {
    const summary = attempts.map((a) => `${a.brokerName}${a.brokerAddr ? `@${a.brokerAddr}` : ''}: ${a.error.message}`).join('; ');
    throw new SendFailedError(`send to ${spec.topic} failed ${why}${summary ? ` (${summary})` : ''}`, attempts, {
      cause: lastError,
      context: { topic: spec.topic },
    });
  };

  for (;;) {
    checkAbort(spec.signal);
    const stop = spec.stopped?.();
    if (stop) throw stop;
    const remaining = deadline - now();
    if (remaining <= 0) fail(`: sendMsgTimeout of ${spec.budgetMs} ms ran out after ${wire} attempt(s)`);

    // 1. A queue to send to, or a reason why none exists right now.
    let mq: MessageQueue | undefined;
    let addr: string | undefined;
    let info: TopicPublishInfo | undefined;
    try {
      info = deps.cachedPublishInfo?.(spec.topic) ?? (await withDeadline(deps.getPublishInfo(spec.topic), remaining, spec.signal));
      if (info.ok) {
        mq = spec.pick ? spec.pick(info) : info.selectQueue({ lastBrokerName: lastBroker, faultTolerance: deps.faults });
        addr = mq ? deps.masterAddr(mq.brokerName) : undefined;
      }
      if (!mq || !addr) {
        throw new NoRouteError(
          mq ? `broker group ${mq.brokerName} has no master right now` : `no writable broker group with a master for topic ${spec.topic}`,
          { context: { topic: spec.topic, brokerName: mq?.brokerName } },
        );
      }
    } catch (err) {
      if (err instanceof AbortError) throw err;
      const e = toRocketMQError(err, { topic: spec.topic });
      const cls = classifyError(e);
      // A topic the nameserver does not know is a configuration error, not a failover: fail at once.
      const unknownTopic = e instanceof BrokerResponseError && e.responseCode === ResponseCode.TOPIC_NOT_EXIST;
      if (unknownTopic || (!cls.retriable && !(e instanceof RequestTimeoutError))) {
        lastError = e;
        attempts.push({ brokerName: mq?.brokerName ?? '*', error: e, elapsedMs: now() - start });
        fail(`: ${e.message}`);
      }
      // No writable master anywhere (or the nameserver did not answer): re-read the route and wait, jittered.
      lastError = e;
      idleRounds++;
      if (idleRounds === 1) attempts.push({ brokerName: mq?.brokerName ?? '*', error: e, elapsedMs: now() - start });
      else attempts[attempts.length - 1] = { ...attempts[attempts.length - 1], error: e, elapsedMs: now() - start };
      if (mq) deps.onRouteSuspect?.(spec.topic, mq.brokerName, undefined);
      const delay = backoffDelay(idleRounds, random, NO_GROUP_BACKOFF);
      if (now() + delay >= deadline) fail(`: no broker could take the message within ${spec.budgetMs} ms`);
      deps.onRetry?.({ topic: spec.topic, msgId: spec.msgId, attempt: 0, brokerName: mq?.brokerName, error: e, delayMs: delay });
      await sleep(delay, spec.signal);
      await settle(deps.refresh(spec.topic), deadline - now());
      continue;
    }

    // 2. One attempt.
    wire++;
    const attemptStart = now();
    try {
      const cmd = spec.build(mq);
      if (spec.oneway) {
        await withDeadline(deps.invokeOneway(addr, cmd), deadline - now(), spec.signal);
        return { mq, addr, attempts: wire };
      }
      const res = await deps.invoke(addr, cmd, { timeoutMs: Math.max(1, deadline - now()), signal: spec.signal });
      const result = decodeSendMessageResponse(res, { brokerAddr: addr, brokerName: mq.brokerName, topic: spec.topic });
      deps.faults?.update(mq.brokerName, now() - attemptStart, false);
      deps.onStored?.(spec.topic, mq.brokerName);
      if (result.status !== 'SEND_OK' && spec.retryNotStoreOK && wire < spec.maxAttempts && deadline - now() > 0) {
        // Stored, but not as safely as asked: Java's retryAnotherBrokerWhenNotStoreOK (this duplicates the message).
        lastBroker = mq.brokerName;
        continue;
      }
      return { result, mq, addr, attempts: wire };
    } catch (err) {
      if (err instanceof AbortError) throw err;
      const e = toRocketMQError(err, { brokerAddr: addr, brokerName: mq.brokerName, topic: spec.topic });
      const elapsed = now() - attemptStart;
      lastError = e;
      lastBroker = mq.brokerName;
      attempts.push({ brokerName: mq.brokerName, brokerAddr: addr, error: e, elapsedMs: elapsed });
      const others = info.brokerNames().filter((b) => b !== mq.brokerName);
      const anyGroupAvailable = deps.faults ? others.some((b) => deps.faults?.isAvailable(b)) : others.length > 0;
      const d = decideRetry({
        attempt: wire,
        elapsedMs: now() - start,
        budgetMs: spec.budgetMs,
        maxAttempts: spec.oneway ? 1 : spec.maxAttempts,
        error: e,
        anyGroupAvailable,
        random,
        backoff: NO_GROUP_BACKOFF,
      });
      if (d.isolateBroker) deps.faults?.update(mq.brokerName, elapsed, true);
      if (d.refreshRoute) deps.onRouteSuspect?.(spec.topic, mq.brokerName, addr);
      if (!d.retry) fail(`after ${wire} attempt(s) (${d.reason})`);
      deps.onRetry?.({ topic: spec.topic, msgId: spec.msgId, attempt: wire, brokerName: mq.brokerName, brokerAddr: addr, error: e, delayMs: d.delayMs });
      if (d.delayMs > 0) await sleep(d.delayMs, spec.signal);
      // Alone with a failed group, the next attempt is only useful on a fresh route: wait for the merged refresh.
      if (d.refreshRoute && !anyGroupAvailable) await settle(deps.refresh(spec.topic), deadline - now());
    }
  }
}

function checkAbort(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new AbortError(undefined, { cause: signal.reason });
}

/** Sleeps, waking early (with AbortError) when the signal fires. Timers are unref'd. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  checkAbort(signal);
  return new Promise<void>((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(t);
      reject(new AbortError(undefined, { cause: signal?.reason }));
    };
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, Math.max(0, ms));
    t.unref();
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Waits for `p` at most `ms`; rejects with RequestTimeoutError after that, AbortError when the signal fires. */
async function withDeadline<T>(p: Promise<T>, ms: number, signal?: AbortSignal): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new RequestTimeoutError(`no route within ${Math.round(ms)} ms`, ms)), Math.max(0, ms));
        timer.unref();
        if (signal) {
          onAbort = () => reject(new AbortError(undefined, { cause: signal.reason }));
          signal.addEventListener('abort', onAbort, { once: true });
        }
      }),
    ]);
  } finally {
    if (timer) clearTimeout(timer);
    if (onAbort) signal?.removeEventListener('abort', onAbort);
  }
}

/** Waits for `p` (ignoring its outcome) at most `ms`. */
async function settle(p: Promise<unknown>, ms: number): Promise<void> {
  if (ms <= 0) {
    p.catch(() => undefined);
    return;
  }
  await withDeadline(p, ms).catch(() => undefined);
}
