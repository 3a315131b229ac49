/**
 * Codec throughput (`npm run bench -- codec`), one core, no sockets:
 * - encode: a 1 KiB SEND_MESSAGE_V2 request, from header object to wire bytes (properties, compact header, JSON
 *   header serialisation, frame) — what a producer does per send; also the frame step alone, and the ROCKETMQ
 *   binary header form;
 * - decode: a 32-record PULL_MESSAGE body (1 KiB bodies) with decodeStoredMessages, bodies as views; also with the
 *   lazily decoded fields (keys, properties, msgId) read, as a consumer does.
 * Targets from issue 2 are printed beside the figures; nothing is asserted.
 */
import { encodeStoredMessages, decodeStoredMessages, type StoredMessageRecord } from '../../src/message/stored.js';
import { encodeProperties } from '../../src/message/properties.js';
import { createUniqId } from '../../src/message/ids.js';
import { encodeSendMessageRequest } from '../../src/protocol/send-message.js';
import { encodeFrame } from '../../src/remoting/frame.js';
import { SerializeType } from '../../src/remoting/command.js';
import { cpus, loadavg } from 'node:os';

/** A throughput figure: per wall-clock second, and per second of this process's CPU time. */
export interface Rate {
  /** Operations per wall-clock second. */
  wall: number;
  /**
   * Operations per CPU second (user + system of this process): close to the single-core figure even when other
   * processes share the machine, which `wall` is not.
   */
  cpu: number;
}

/** Runs `fn` in batches for about `ms` after a short warm-up and measures its rate. */
export function measure(fn: () => void, ms = 1000, batch = 1000): Rate {
  const warm = Date.now() + Math.min(300, ms / 3);
  while (Date.now() < warm) for (let i = 0; i < batch; i++) fn();
  let ops = 0;
  const cpu0 = process.cpuUsage();
  const start = process.hrtime.bigint();
  const end = start + BigInt(ms) * 1_000_000n;
  let now = start;
  while (now < end) {
    for (let i = 0; i < batch; i++) fn();
    ops += batch;
    now = process.hrtime.bigint();
  }
  const cpu = process.cpuUsage(cpu0);
  return { wall: ops / (Number(now - start) / 1e9), cpu: ops / ((cpu.user + cpu.system) / 1e6) };
}

/** One line saying how busy the machine is, so figures can be read in context. */
export function hostLine(): string {
  const load = loadavg()[0];
  const n = cpus().length;
  return `host: ${n} CPUs, load average ${load.toFixed(1)}${load > n ? ' (oversubscribed: trust the per-CPU-second figures, not wall clock)' : ''}`;
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
const verdict = (r: Rate, target: number, scale = 1): string => (r.cpu * scale >= target ? 'meets target' : 'BELOW target');
const both = (r: Rate, scale = 1, unit = 'frames/s'): string => `${fmt(r.wall * scale).padStart(9)} ${unit} wall, ${fmt(r.cpu * scale).padStart(9)} ${unit.replace("/s", "")}/CPU-s`;

/** Encodes 1 KiB SEND_MESSAGE_V2 frames and decodes a 32-record pull body; prints the figures. */
export default async function codecBench(): Promise<void> {
  const body = Buffer.alloc(1024, 0x61);
  const header = () => ({
    producerGroup: 'bench_producer_group',
    topic: 'BenchTopic',
    defaultTopic: 'TBW102',
    defaultTopicQueueNums: 4,
    queueId: 3,
    sysFlag: 0,
    bornTimestamp: Date.now(),
    flag: 0,
    properties: encodeProperties({ KEYS: 'order-42', TAGS: 'TagA', UNIQ_KEY: createUniqId(), WAIT: 'true' }),
    reconsumeTimes: 0,
    unitMode: false,
    batch: false,
  });
  const sample = encodeFrame(encodeSendMessageRequest(header(), body));
  const full = measure(() => void encodeFrame(encodeSendMessageRequest(header(), body)));
  const cmd = encodeSendMessageRequest(header(), body);
  const frameOnly = measure(() => void encodeFrame(cmd));
  const binary = measure(() => void encodeFrame(encodeSendMessageRequest(header(), body), { serializeType: SerializeType.ROCKETMQ }));
  console.log(hostLine());
  console.log(`encode SEND_MESSAGE_V2, 1 KiB body, ${sample.length}-byte frame (target >= 300,000 frames/s)`);
  console.log(`  header object -> frame (JSON header):     ${both(full)}  ${verdict(full, 300_000)}`);
  console.log(`  prebuilt command -> frame (JSON header):  ${both(frameOnly)}`);
  console.log(`  header object -> frame (ROCKETMQ header): ${both(binary)}`);
  const now = Date.now();
  const records: StoredMessageRecord[] = Array.from({ length: 32 }, (_, i) => ({
    topic: 'BenchTopic',
    body: Buffer.alloc(1024, 0x30 + (i % 10)),
    properties: { KEYS: `order-${i}`, TAGS: 'TagA', UNIQ_KEY: createUniqId(), CLUSTER: 'DefaultCluster' },
    queueId: 1,
    queueOffset: 1000 + i,
    commitLogOffset: 5_000_000 + i * 1200,
    bornTimestamp: now,
    bornHost: '10.0.0.7:52100',
    storeTimestamp: now,
    storeHost: '10.0.0.8:10911',
  }));
  const pullBody = encodeStoredMessages(records);
  const decoded = decodeStoredMessages(pullBody);
  const views = decoded.every((m) => m.body.buffer === pullBody.buffer);
  const decodeRate = measure(() => void decodeStoredMessages(pullBody), 1000, 100);
  const touchRate = measure(() => {
    for (const m of decodeStoredMessages(pullBody)) if (m.keys.length === 0 || m.msgId === '' || m.properties.TAGS === undefined) throw new Error('bad decode');
  }, 1000, 100);
  const mb = pullBody.length / 1e6;
  console.log(`decode PULL_MESSAGE body: 32 records x 1 KiB = ${pullBody.length} bytes, bodies are views: ${views} (target >= 500 MB/s)`);
  console.log(`  decodeStoredMessages:                 ${both(decodeRate, mb, 'MB/s')}  ${verdict(decodeRate, 500, mb)}`);
  console.log(`  ... and read keys, msgId, properties: ${both(touchRate, mb, 'MB/s')}`);
  console.log(`  messages: ${fmt(decodeRate.cpu * 32)} per CPU-s decoded, ${fmt(touchRate.cpu * 32)} per CPU-s with fields read`);
}
