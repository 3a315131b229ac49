/**
 * The push consumer's per-queue pull loop (Java `DefaultMQPushConsumerImpl#pullMessage` + `PullCallback`): flow
 * control, one long-polling pull at a time per queue — the next one leaves as soon as the previous answer is
 * in the process queue, while the listener works — and the answer handling, including the guarded
 * PULL_OFFSET_MOVED (see {@link OffsetMoveGuard}).
 * @module
 */

import type { SubscriptionData } from '../protocol/heartbeat.js';
import type { ConsumeHost } from './consume-host.js';
import { OffsetMoveGuard, type OffsetMovedEvent, type OffsetMoveSuspectedEvent } from './offset-move.js';
import type { ProcessQueue } from './process-queue.js';
import type { ResolvedPushOptions } from './push-options.js';
import { pullStep } from './pull-step.js';
import type { MessageExt } from './types.js';

/** One owned queue of a push consumer. @internal */
export interface PushQueueState {
  /** Its in-flight window. */
  pq: ProcessQueue;
  /** Aborts the pull in flight (drop, shutdown). */
  abort: AbortController;
  /** Broker id to pull from next (suggestWhichBrokerId). */
  brokerId: number;
  /** The address of the last answered pull. */
  brokerAddr?: string;
  /** Judge of PULL_OFFSET_MOVED answers. */
  guard: OffsetMoveGuard;
}

/**
 * What the pull loop needs from its push consumer: the options, wire calls, offsets and running flag a consume
 * service sees too (from {@link ConsumeHost}), plus the pull-side hooks below. @internal
 */
export interface PushPullHost extends Pick<ConsumeHost, 'settings' | 'client' | 'offsetStore' | 'isRunning'> {
  /** Whether the listener is orderly. */
  readonly isOrderly: boolean;
  /**
   * The subscription of a topic (undefined once unsubscribed).
   * @param topic - topic
   */
  subscriptionOf(topic: string): SubscriptionData | undefined;
  /**
   * A cancellable pause.
   * @param ms - delay
   */
  sleep(ms: number): Promise<void>;
  /**
   * Hands freshly pulled messages (already in the window) to the consume service.
   * @param pq - their queue
   * @param added - the messages
   */
  deliver(pq: ProcessQueue, added: MessageExt[]): void;
  /**
   * Obeys a PULL_OFFSET_MOVED: forget the queue, store `to` as its offset, rebalance (it restarts there).
   * @param st - the queue
   * @param event - the move
   */
  offsetMoved(st: PushQueueState, event: OffsetMovedEvent): Promise<void>;
  /**
   * A backward move that is not obeyed (yet).
   * @param event - what the broker said
   */
  offsetMoveSuspected(event: OffsetMoveSuspectedEvent): void;
}

/**
 * Creates the per-queue state.
 * @param pq - the window
 * @param settings - for the offset-move confirmation window
 */
export function newQueueState(pq: ProcessQueue, settings: ResolvedPushOptions): PushQueueState {
  const confirmMillis = settings.offsetRewindConfirmMillis;
  return {
    pq,
    abort: new AbortController(),
    brokerId: 0,
    guard: new OffsetMoveGuard({ confirmMillis, confirmPulls: confirmMillis === 0 ? 1 : 3 }),
  };
}

/**
 * Pulls one queue until it is dropped or the consumer stops.
 * @param host - the consumer
 * @param st - the queue
 */
export async function runPushPullLoop(host: PushPullHost, st: PushQueueState): Promise<void> {
  const { pq } = st;
  const s = host.settings;
  const clustering = s.messageModel === 'CLUSTERING';
  const sizeLimit = s.pullThresholdSizeForQueue * 1024 * 1024;
  while (host.isRunning() && !pq.dropped) {
    if (pq.count > s.pullThresholdForQueue || pq.size > sizeLimit) {
      await host.sleep(50);
      continue;
    }
    if (host.isOrderly && clustering && !pq.locked) {
      await host.sleep(100);
      continue;
    }
    const sub = host.subscriptionOf(pq.mq.topic);
    if (!sub) return;
    const offset = pq.nextOffset;
    const r = await pullStep({
      client: host.client,
      group: s.consumerGroup,
      mq: pq.mq,
      sub,
      offset,
      maxMsgNums: s.pullBatchSize,
      brokerId: st.brokerId,
      commitOffset: clustering ? host.offsetStore.readMemory(pq.mq) : 0,
      suspendTimeoutMillis: s.suspendTimeoutMillis,
      signal: st.abort.signal,
    });
    if (pq.dropped || !host.isRunning()) return;
    pq.lastPullTimestamp = Date.now();
    if (r.kind === 'error') {
      st.brokerId = 0;
      if (r.subscriptionLost) void host.client.sendHeartbeat();
      await host.sleep(s.pullTimeDelayMillsWhenException);
      continue;
    }
    st.brokerId = r.suggestWhichBrokerId;
    st.brokerAddr = r.brokerAddr;
    if (r.status === 'OFFSET_ILLEGAL') {
      const verdict = st.guard.judge(offset, r.nextBeginOffset, r.brokerAddr);
      if (verdict.kind === 'suspect') {
        // Maybe a stale or rebuilding master: keep our offset, look the route up again, ask again later.
        host.offsetMoveSuspected({ mq: pq.mq, from: offset, to: r.nextBeginOffset, brokerAddr: r.brokerAddr, brokerMaxOffset: r.maxOffset, confirmations: verdict.confirmations });
        st.brokerId = 0;
        await host.client.routes.refresh(pq.mq.topic).catch(() => undefined);
        await host.sleep(st.guard.retryDelay());
        continue;
      }
      const backward = r.nextBeginOffset < offset;
      await host.offsetMoved(st, { mq: pq.mq, from: offset, to: r.nextBeginOffset, backward, brokerAddr: r.brokerAddr, confirmations: verdict.confirmations });
      return;
    }
    st.guard.clear();
    if (r.msgs.length > 0) {
      const added = pq.put(r.msgs, r.nextBeginOffset);
      host.deliver(pq, added);
    } else {
      pq.advance(r.nextBeginOffset);
      // Nothing in flight: everything below the frontier is done or filtered out, so that is committable.
      if (pq.count === 0) host.offsetStore.update(pq.mq, pq.nextOffset, true);
    }
  }
}
