/**
 * Where consumed offsets live (Java `OffsetStore`): on the broker for clustering (`RemoteBrokerOffsetStore`), in a
 * local JSON file for broadcasting (`LocalFileOffsetStore`). Both keep an in-memory table updated on every ack and
 * persisted periodically and on shutdown.
 * @module
 */

import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { ProtocolError } from '../errors.js';
import type { ConsumerClient } from './consumer-client.js';
import { queueKey, type MessageQueue } from './types.js';

/** Offset storage of one consumer group. */
export interface OffsetStore {
  /** Loads persisted offsets (local file); no-op for the broker store. */
  load(): Promise<void>;
  /**
   * Sets the in-memory offset of a queue.
   * @param mq - queue
   * @param offset - next offset to consume
   * @param increaseOnly - ignore values lower than the current one
   */
  update(mq: MessageQueue, offset: number, increaseOnly: boolean): void;
  /**
   * The in-memory offset (−1 when unknown).
   * @param mq - queue
   */
  readMemory(mq: MessageQueue): number;
  /**
   * The persisted offset (−1 when none), which also becomes the in-memory one.
   * @param mq - queue
   */
  readStore(mq: MessageQueue): Promise<number>;
  /**
   * Persists the offsets of the given queues.
   * @param mqs - queues
   * @param oneway - do not wait for the broker's answer (periodic commit)
   */
  persistAll(mqs: readonly MessageQueue[], oneway: boolean): Promise<void>;
  /**
   * Forgets a queue's in-memory offset (queue no longer ours).
   * @param mq - queue
   */
  remove(mq: MessageQueue): void;
}

/** Clustering: offsets on the broker's master. */
export class RemoteBrokerOffsetStore implements OffsetStore {
  private readonly table = new Map<string, { mq: MessageQueue; offset: number; persisted: number }>();

  /**
   * @param client - wire calls
   * @param group - consumer group
   */
  constructor(
    private readonly client: ConsumerClient,
    private readonly group: string,
  ) {}

  /** {@inheritDoc OffsetStore.load} */
  async load(): Promise<void> {}

  /** {@inheritDoc OffsetStore.update} */
  update(mq: MessageQueue, offset: number, increaseOnly: boolean): void {
    const k = queueKey(mq);
    const e = this.table.get(k);
    if (!e) this.table.set(k, { mq, offset, persisted: -1 });
    else if (!increaseOnly || offset > e.offset) e.offset = offset;
  }

  /** {@inheritDoc OffsetStore.readMemory} */
  readMemory(mq: MessageQueue): number {
    return this.table.get(queueKey(mq))?.offset ?? -1;
  }

  /** {@inheritDoc OffsetStore.readStore} */
  async readStore(mq: MessageQueue): Promise<number> {
    const offset = await this.client.queryConsumerOffset(mq, this.group);
    if (offset >= 0) {
      this.update(mq, offset, false);
      const e = this.table.get(queueKey(mq));
      if (e) e.persisted = offset;
    }
    return offset;
  }

  /** {@inheritDoc OffsetStore.persistAll} */
  async persistAll(mqs: readonly MessageQueue[], oneway: boolean): Promise<void> {
    await Promise.all(
      mqs.map(async (mq) => {
        const e = this.table.get(queueKey(mq));
        if (!e || e.offset < 0 || (oneway && e.offset === e.persisted)) return;
        const offset = e.offset;
        try {
          await this.client.updateConsumerOffset(mq, this.group, offset, oneway);
          e.persisted = offset;
        } catch {
          // No master right now (failover) or the write failed: the in-memory value stays and goes next round.
        }
      }),
    );
  }

  /** {@inheritDoc OffsetStore.remove} */
  remove(mq: MessageQueue): void {
    this.table.delete(queueKey(mq));
  }
}

interface FileEntry {
  topic: string;
  brokerName: string;
  queueId: number;
  offset: number;
}

/**
 * Default directory of local offset files (Java `rocketmq.client.localOffsetStoreDir`).
 * @default `~/.rocketmq_offsets`
 */
export function defaultOffsetStoreDir(): string {
  return process.env.ROCKETMQ_CLIENT_LOCAL_OFFSET_STORE_DIR ?? join(homedir(), '.rocketmq_offsets');
}

/**
 * Broadcasting: offsets in `<dir>/<instanceName>/<group>/offsets.json`, written atomically (temp file + rename), so
 * a restarted consumer with the same instance name continues where it stopped.
 */
export class LocalFileOffsetStore implements OffsetStore {
  /** Path of the JSON file. */
  readonly file: string;
  private readonly table = new Map<string, FileEntry>();

  /**
   * @param dir - root directory
   * @param instanceName - the consumer's instance name
   * @param group - consumer group
   */
  constructor(dir: string, instanceName: string, group: string) {
    this.file = join(dir, sanitize(instanceName), sanitize(group), 'offsets.json');
  }

  /** {@inheritDoc OffsetStore.load} */
  async load(): Promise<void> {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch {
      return; // first start
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      throw new ProtocolError(`offset file ${this.file} is not valid JSON`, { cause: err });
    }
    const list = (parsed as { offsetTable?: unknown }).offsetTable;
    if (!Array.isArray(list)) throw new ProtocolError(`offset file ${this.file} has no offsetTable array`);
    for (const e of list as Partial<FileEntry>[]) {
      if (typeof e?.topic !== 'string' || typeof e.brokerName !== 'string' || !Number.isInteger(e.queueId) || !Number.isInteger(e.offset)) continue;
      const entry = { topic: e.topic, brokerName: e.brokerName, queueId: e.queueId as number, offset: e.offset as number };
      this.table.set(queueKey(entry), entry);
    }
  }

  /** {@inheritDoc OffsetStore.update} */
  update(mq: MessageQueue, offset: number, increaseOnly: boolean): void {
    const k = queueKey(mq);
    const e = this.table.get(k);
    if (!e) this.table.set(k, { topic: mq.topic, brokerName: mq.brokerName, queueId: mq.queueId, offset });
    else if (!increaseOnly || offset > e.offset) e.offset = offset;
  }

  /** {@inheritDoc OffsetStore.readMemory} */
  readMemory(mq: MessageQueue): number {
    return this.table.get(queueKey(mq))?.offset ?? -1;
  }

  /** {@inheritDoc OffsetStore.readStore} */
  async readStore(mq: MessageQueue): Promise<number> {
    return this.readMemory(mq);
  }

  /** Writes the whole table to the file (queues not listed keep their last value); see {@link OffsetStore.persistAll}. */
  async persistAll(): Promise<void> {
    const body = JSON.stringify({ offsetTable: [...this.table.values()] }, null, 1);
    mkdirSync(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, body);
    renameSync(tmp, this.file);
  }

  /** Keeps the offset: broadcasting remembers queues it no longer reads, like Java; see {@link OffsetStore.remove}. */
  remove(): void {}
}

function sanitize(name: string): string {
  return name.replace(/[^A-Za-z0-9_.%@#-]/g, '_');
}
