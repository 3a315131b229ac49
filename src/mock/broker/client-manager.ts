/**
 * Producer and consumer registrations from HEART_BEAT (Java `ProducerManager`, `ConsumerManager`,
 * `ClientHousekeepingService`): which clients (and over which connection) belong to which group, with their
 * subscriptions. A consumer group whose membership changes gets NOTIFY_CONSUMER_IDS_CHANGED (40, oneway) sent to every
 * remaining member, so they rebalance at once. Connections silent for 120 s (scaled) are dropped.
 * @module
 */
import { createRequest } from '../../remoting/command.js';
import { RequestCode } from '../../protocol/request-codes.js';
import type { MockSubscription } from './subscription.js';

/** The part of a server-side connection the client manager needs. */
export interface ClientChannel {
  /** `host:port` of the peer. */
  readonly addr: string;
  /** Sends a oneway request to the peer. */
  invokeOneway(cmd: ReturnType<typeof createRequest>): unknown;
}

/** One registered client: its connection and last heartbeat. */
export interface ClientEntry {
  /** The connection the client heartbeats over. */
  channel: ClientChannel;
  /** Time of its last heartbeat (ms). */
  lastUpdate: number;
}

/** A consumer group's state. */
export interface ConsumerGroupInfo {
  /** Clients by id. */
  clients: Map<string, ClientEntry>;
  /** Subscriptions by topic (the latest heartbeat wins, as in ConsumerGroupInfo#updateSubscription). */
  subscriptions: Map<string, MockSubscription>;
  /** CONSUME_ACTIVELY / CONSUME_PASSIVELY / CONSUME_POP. */
  consumeType: string;
  /** CLUSTERING / BROADCASTING. */
  messageModel: string;
  /** CONSUME_FROM_… */
  consumeFromWhere: string;
}

/** One consumer group entry of a heartbeat. */
export interface HeartbeatConsumer {
  /** Group name. */
  groupName: string;
  /** Consume type. */
  consumeType: string;
  /** Message model. */
  messageModel: string;
  /** Where to start. */
  consumeFromWhere: string;
  /** Subscriptions. */
  subscriptions: MockSubscription[];
}

/** Registrations of one broker. */
export class ClientManager {
  /** Consumer groups by name. */
  readonly consumers = new Map<string, ConsumerGroupInfo>();
  /** Producer groups by name: client id → entry. */
  readonly producers = new Map<string, Map<string, ClientEntry>>();

  /**
   * @param notifyEnabled - whether membership changes are pushed to the group (notifyConsumerIdsChangedEnable)
   */
  constructor(private readonly notifyEnabled = true) {}

  /** Registers a producer group member. */
  registerProducer(group: string, clientId: string, channel: ClientChannel, now: number): void {
    let m = this.producers.get(group);
    if (!m) this.producers.set(group, (m = new Map()));
    m.set(clientId, { channel, lastUpdate: now });
  }

  /**
   * Registers a consumer group member and its subscriptions; notifies the group when a member joined or moved.
   * @returns whether the membership changed
   */
  registerConsumer(c: HeartbeatConsumer, clientId: string, channel: ClientChannel, now: number): boolean {
    let info = this.consumers.get(c.groupName);
    if (!info) {
      info = { clients: new Map(), subscriptions: new Map(), consumeType: c.consumeType, messageModel: c.messageModel, consumeFromWhere: c.consumeFromWhere };
      this.consumers.set(c.groupName, info);
    }
    info.consumeType = c.consumeType;
    info.messageModel = c.messageModel;
    info.consumeFromWhere = c.consumeFromWhere;
    const old = info.clients.get(clientId);
    const changed = !old || old.channel !== channel;
    info.clients.set(clientId, { channel, lastUpdate: now });
    for (const s of c.subscriptions) {
      const prev = info.subscriptions.get(s.topic);
      if (!prev || prev.subVersion <= s.subVersion) info.subscriptions.set(s.topic, s);
    }
    if (changed) this.notify(c.groupName);
    return changed;
  }

  /** UNREGISTER_CLIENT: removes a client from the named groups. */
  unregister(clientId: string, producerGroup: string | undefined, consumerGroup: string | undefined): void {
    if (producerGroup !== undefined) this.producers.get(producerGroup)?.delete(clientId);
    if (consumerGroup !== undefined) {
      const info = this.consumers.get(consumerGroup);
      if (info?.clients.delete(clientId)) {
        if (info.clients.size === 0) this.consumers.delete(consumerGroup);
        else this.notify(consumerGroup);
      }
    }
  }

  /** A connection closed or went silent: drop every registration made over it. */
  channelClosed(channel: ClientChannel): void {
    for (const m of this.producers.values()) {
      for (const [id, e] of m) if (e.channel === channel) m.delete(id);
    }
    for (const [group, info] of this.consumers) {
      let removed = false;
      for (const [id, e] of info.clients) {
        if (e.channel === channel) {
          info.clients.delete(id);
          removed = true;
        }
      }
      if (info.clients.size === 0) this.consumers.delete(group);
      else if (removed) this.notify(group);
    }
  }

  /** Drops clients whose last heartbeat is older than `timeoutMs`; returns their channels. */
  scanExpired(now: number, timeoutMs: number): ClientChannel[] {
    const stale = new Set<ClientChannel>();
    for (const m of this.producers.values()) for (const e of m.values()) if (now - e.lastUpdate > timeoutMs) stale.add(e.channel);
    for (const info of this.consumers.values()) for (const e of info.clients.values()) if (now - e.lastUpdate > timeoutMs) stale.add(e.channel);
    for (const ch of stale) this.channelClosed(ch);
    return [...stale];
  }

  /** Client ids of a consumer group (GET_CONSUMER_LIST_BY_GROUP). */
  consumerIds(group: string): string[] {
    return [...(this.consumers.get(group)?.clients.keys() ?? [])];
  }

  /** Sends NOTIFY_CONSUMER_IDS_CHANGED to every member of a group. */
  private notify(group: string): void {
    if (!this.notifyEnabled) return;
    const info = this.consumers.get(group);
    if (!info) return;
    for (const e of info.clients.values()) {
      try {
        const r = e.channel.invokeOneway(
          createRequest(RequestCode.NOTIFY_CONSUMER_IDS_CHANGED, { consumerGroup: group }, undefined, { oneway: true }),
        );
        if (r instanceof Promise) r.catch(() => undefined);
      } catch {
        // A dead member is removed by its close event; the others still get the notice.
      }
    }
  }
}
