/**
 * Producer heartbeats (HEART_BEAT with producer data) to every master of every route in use, every
 * `heartbeatBrokerInterval`, plus at once to a master that just appeared (a new DLedger leader learns about the
 * producer group without waiting 30 s). A producer-only client sends to id-0 addresses only, as Java does.
 * @module
 */

import { encodeHeartbeatRequest, decodeHeartbeatResponse, type HeartbeatData } from '../protocol/heartbeat.js';
import { encodeUnregisterClientRequest, decodeUnregisterClientResponse } from '../protocol/unregister-client.js';
import type { RemotingCommand } from '../remoting/command.js';

/** What the heartbeat service needs. */
export interface HeartbeatDeps {
  /** Master addresses of every cached route. */
  masterAddrs(): string[];
  /** Sends a request and waits for the answer. */
  invoke(addr: string, cmd: RemotingCommand, options: { timeoutMs: number }): Promise<RemotingCommand>;
  /** Called when a heartbeat failed (the next round retries). */
  onError?: (addr: string, error: unknown) => void;
}

/** Options of {@link HeartbeatService}. */
export interface HeartbeatOptions {
  /** Client id (`ip@instance`). */
  clientId: string;
  /** Producer group on the wire. */
  producerGroup: string;
  /** Interval, in ms. @default 30000 */
  intervalMs?: number;
  /** Budget of one heartbeat, in ms. @default 3000 */
  timeoutMs?: number;
}

/** Producer group every Java client also announces. */
export const CLIENT_INNER_PRODUCER_GROUP = 'CLIENT_INNER_PRODUCER';

/** Periodic heartbeats and the unregister on shutdown. */
export class HeartbeatService {
  private readonly deps: HeartbeatDeps;
  private readonly options: HeartbeatOptions;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  /** Heartbeats answered with SUCCESS so far. */
  sent = 0;

  /**
   * @param deps - route lookups and transport
   * @param options - client id, group, timing
   */
  constructor(deps: HeartbeatDeps, options: HeartbeatOptions) {
    this.deps = deps;
    this.options = options;
  }

  /** The HEART_BEAT body. */
  data(): HeartbeatData {
    return {
      clientID: this.options.clientId,
      producerDataSet: [{ groupName: this.options.producerGroup }, { groupName: CLIENT_INNER_PRODUCER_GROUP }],
      consumerDataSet: [],
      heartbeatFingerprint: 0,
      withoutSub: false,
    };
  }

  /** Starts the periodic rounds (first after 1 s, as Java). Timers are unref'd. */
  start(): void {
    this.stopped = false;
    this.schedule(Math.min(1000, this.options.intervalMs ?? 30_000));
  }

  /** Stops the rounds. */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** One round to every master; resolves when all answered or failed. */
  async sendAll(): Promise<void> {
    await Promise.all(this.deps.masterAddrs().map((addr) => this.sendTo(addr)));
  }

  /**
   * One heartbeat to one broker; failures go to `onError`, never reject.
   * @param addr - broker address
   */
  async sendTo(addr: string): Promise<boolean> {
    try {
      const res = await this.deps.invoke(addr, encodeHeartbeatRequest(this.data()), { timeoutMs: this.options.timeoutMs ?? 3000 });
      decodeHeartbeatResponse(res, { brokerAddr: addr });
      this.sent++;
      return true;
    } catch (err) {
      this.deps.onError?.(addr, err);
      return false;
    }
  }

  /**
   * UNREGISTER_CLIENT to every master (best effort, bounded).
   * @param timeoutMs - budget per broker
   */
  async unregisterAll(timeoutMs: number): Promise<void> {
    await Promise.all(
      this.deps.masterAddrs().map(async (addr) => {
        try {
          const cmd = encodeUnregisterClientRequest({ clientID: this.options.clientId, producerGroup: this.options.producerGroup });
          decodeUnregisterClientResponse(await this.deps.invoke(addr, cmd, { timeoutMs }), { brokerAddr: addr });
        } catch (err) {
          this.deps.onError?.(addr, err);
        }
      }),
    );
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.sendAll().then(() => this.schedule(this.options.intervalMs ?? 30_000));
    }, ms);
    this.timer.unref();
  }
}
