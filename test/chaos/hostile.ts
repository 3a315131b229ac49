/**
 * Hostile input for fuzzing a remoting server: seeded generators of bad frames, and a probe that writes each one
 * followed by a canary request and waits for the server's reaction (canary answered, or connection closed).
 * Shared by `test/chaos/fuzz.ts` (high volume) and `test/integration/fuzz-*.test.ts` (npm test volume).
 */
import net from 'node:net';
import { RocketMQError } from '../../src/errors.js';
import { encodeProperties } from '../../src/message/properties.js';
import { encodeRouteInfoRequest } from '../../src/protocol/route-info.js';
import { encodePullMessageRequest } from '../../src/protocol/pull-message.js';
import { encodeSendMessageRequest } from '../../src/protocol/send-message.js';
import { createRequest, isResponse, SerializeType, type RemotingCommand } from '../../src/remoting/command.js';
import { decodeFrame, encodeFrame } from '../../src/remoting/frame.js';
import { FrameSplitter } from '../../src/remoting/splitter.js';

/** Codes that could legitimately change cluster state other clients rely on (unregister, wipe perms, deletes). */
const DESTRUCTIVE = new Set([17, 25, 100, 102, 103, 104, 200, 205, 207, 215, 216, 327]);
/** The canary: an unknown request code every server must answer (REQUEST_CODE_NOT_SUPPORTED). */
export const CANARY_CODE = 9_999;

/** Valid requests that mutations start from (a hostile topic keeps them off the well-behaved client's topic). */
function seedCommands(random: () => number): RemotingCommand[] {
  const topic = random() < 0.5 ? 'FuzzTopic' : '%'.repeat(1 + Math.floor(random() * 200));
  return [
    encodeSendMessageRequest(
      { producerGroup: 'FPG', topic, defaultTopic: 'TBW102', defaultTopicQueueNums: 4, queueId: Math.floor(random() * 10) - 2, sysFlag: Math.floor(random() * 256), bornTimestamp: Date.now(), flag: 0, properties: encodeProperties({ UNIQ_KEY: 'X', KEYS: 'a b' }) },
      Buffer.alloc(Math.floor(random() * 300), 7),
    ),
    encodePullMessageRequest({ consumerGroup: 'FCG', topic, queueId: Math.floor(random() * 8) - 2, queueOffset: Math.floor(random() * 1e6) - 10, maxMsgNums: Math.floor(random() * 100) - 5, sysFlag: Math.floor(random() * 32) & ~2, commitOffset: 0, suspendTimeoutMillis: 0, subscription: random() < 0.5 ? '*' : '||(', subVersion: 1 }),
    encodeRouteInfoRequest({ topic, acceptStandardJsonOnly: random() < 0.5 }),
    createRequest(34, {}, Buffer.from(random() < 0.5 ? '{"clientID":"x","consumerDataSet":[{"groupName":7}]}' : '{"consumerDataSet":')),
    createRequest(14, { consumerGroup: 'FCG', topic, queueId: 'NaN' }),
    createRequest(12, { topic, key: 'k', maxNum: -1, beginTimestamp: 'x', endTimestamp: 1 }),
    createRequest(Math.floor(random() * 400), { a: '\u0000'.repeat(3), b: 'é' }),
  ];
}

/** One hostile frame (see {@link classify} for whether the server must react to it). */
export interface HostileFrame {
  /** The bytes, including the length prefix. */
  bytes: Buffer;
  /** Generator category. */
  kind: string;
}

/**
 * Makes one hostile frame.
 * @param random - seeded randomness
 */
export function hostileFrame(random: () => number): HostileFrame {
  const r = random();
  const seeds = seedCommands(random);
  const base = seeds[Math.floor(random() * seeds.length)]!;
  const serializeType = random() < 0.3 ? SerializeType.ROCKETMQ : SerializeType.JSON;
  const valid = encodeFrame(base, { serializeType });
  if (r < 0.15) {
    // Pure noise behind a consistent length.
    const body = Buffer.alloc(Math.floor(random() * 200));
    for (let i = 0; i < body.length; i++) body[i] = Math.floor(random() * 256);
    return { bytes: withLength(body), kind: 'noise' };
  }
  if (r < 0.55) {
    // Bit flips and byte overwrites anywhere after the total length.
    const b = Buffer.from(valid);
    const flips = 1 + Math.floor(random() * 8);
    for (let i = 0; i < flips; i++) {
      const at = 4 + Math.floor(random() * (b.length - 4));
      b[at] = random() < 0.5 ? b[at]! ^ (1 << Math.floor(random() * 8)) : Math.floor(random() * 256);
    }
    return { bytes: b, kind: 'mutated' };
  }
  if (r < 0.65) {
    // Header length word lies (too big, or points into the middle of the header).
    const b = Buffer.from(valid);
    const hl = b.readUInt32BE(4) & 0xffffff;
    const lie = random() < 0.5 ? hl + 1 + Math.floor(random() * 1000) : Math.floor(random() * hl);
    b.writeUInt32BE(((b.readUInt32BE(4) >>> 24) << 24) | (lie & 0xffffff), 4);
    return { bytes: b, kind: 'header-length' };
  }
  if (r < 0.72) {
    // Absurd total lengths: negative, below the minimum, above 16 MiB.
    const b = Buffer.alloc(8);
    const choices = [-1, 0, 3, 0x7fffffff, 16 * 1024 * 1024 + 1];
    b.writeInt32BE(choices[Math.floor(random() * choices.length)]!, 0);
    b.writeUInt32BE(0x01ffffff, 4);
    return { bytes: b, kind: 'total-length' };
  }
  if (r < 0.8) {
    // Well-formed JSON with the wrong shapes.
    const shapes = ['{"code":"310","extFields":{"a":{"x":1}}}', '[]', 'null', '{"code":1e400,"flag":-1}', '{"extFields":[1,2]}', '{"code":10,"remark":' + '"x'.repeat(5) + '}', '{"__proto__":{"polluted":1},"code":105}'];
    return { bytes: rawJsonFrame(shapes[Math.floor(random() * shapes.length)]!), kind: 'json-shape' };
  }
  if (r < 0.92) {
    // A decodable request with hostile values (it must get an error answer, not a crash).
    const cmd = { ...base, extFields: { ...(base.extFields ?? {}) } };
    const keys = Object.keys(cmd.extFields);
    for (const k of keys) if (random() < 0.3) cmd.extFields[k] = ['', '-1', 'NaN', '9'.repeat(30), 'true', '\u0001\u0002', 'x'.repeat(5000)][Math.floor(random() * 7)]!;
    if (DESTRUCTIVE.has(cmd.code)) cmd.code = CANARY_CODE;
    return { bytes: encodeFrame(cmd, { serializeType }), kind: 'hostile-values' };
  }
  // Truncated: a prefix of a valid frame (the server must wait or close; it must not answer garbage).
  return { bytes: valid.subarray(0, Math.max(1, Math.floor(random() * valid.length))), kind: 'truncated' };
}

function withLength(rest: Buffer): Buffer {
  const b = Buffer.alloc(4 + rest.length);
  b.writeInt32BE(rest.length, 0);
  rest.copy(b, 4);
  return b;
}

function rawJsonFrame(json: string): Buffer {
  const h = Buffer.from(json);
  const rest = Buffer.alloc(4 + h.length);
  rest.writeUInt32BE(h.length, 0);
  h.copy(rest, 4);
  return withLength(rest);
}

/** How our own splitter and decoder see a frame: the server must react to anything but `partial`. */
export function classify(bytes: Buffer): 'partial' | 'bad' | 'request' | 'oneway' | 'response' | 'destructive' {
  const s = new FrameSplitter();
  let frames: Buffer[];
  try {
    frames = s.push(bytes);
  } catch {
    return 'bad';
  }
  if (frames.length === 0 || s.buffered > 0) return 'partial';
  try {
    const cmd = decodeFrame(frames[0]!);
    if (DESTRUCTIVE.has(cmd.code) && !isResponse(cmd)) return 'destructive';
    if (isResponse(cmd)) return 'response';
    return (cmd.flag & 2) !== 0 ? 'oneway' : 'request';
  } catch {
    return 'bad';
  }
}

/** What one probe saw. */
export interface ProbeOutcome {
  /** `answered`: the canary came back (the connection survived); `closed`: the server closed it; `hang`: neither. */
  reaction: 'answered' | 'closed' | 'hang';
  /** Remarks of error responses received before the canary. */
  remarks: string[];
  /** Response codes received before the canary. */
  codes: number[];
}

/** Remarks that mean a non-typed exception (TypeError, RangeError, …) escaped a handler. */
export const UNTYPED_REMARK = /TypeError|RangeError|ReferenceError|SyntaxError|Cannot read prop|is not a function|is not iterable|Maximum call stack/;

/** A raw client socket that writes frames and reads responses. */
export class ProbeSocket {
  private readonly socket: net.Socket;
  private readonly splitter = new FrameSplitter();
  private readonly responses: RemotingCommand[] = [];
  private waiter: (() => void) | undefined;
  private isClosed = false;
  private canaryOpaque = 0x40000000;

  private constructor(socket: net.Socket) {
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => {
      try {
        for (const f of this.splitter.push(chunk)) this.responses.push(decodeFrame(f));
      } catch {
        // A server must never send undecodable bytes; the probe sees it as a hang of the canary.
      }
      this.waiter?.();
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.isClosed = true;
      this.waiter?.();
    });
  }

  /** Connects to 127.0.0.1:port. */
  static open(port: number): Promise<ProbeSocket> {
    return new Promise((resolve, reject) => {
      const s = net.connect({ host: '127.0.0.1', port });
      s.once('connect', () => resolve(new ProbeSocket(s)));
      s.once('error', reject);
    });
  }

  /** True once either side closed. */
  get closed(): boolean {
    return this.isClosed;
  }

  /** Writes raw bytes. */
  write(bytes: Buffer): void {
    if (!this.isClosed) this.socket.write(bytes);
  }

  /**
   * Writes `bytes`, then a canary request, and waits for the canary's answer or the close.
   * @param bytes - the hostile frame (must be complete per {@link classify})
   * @param timeoutMs - how long before it counts as a hang
   */
  async probe(bytes: Buffer, timeoutMs: number): Promise<ProbeOutcome> {
    const opaque = ++this.canaryOpaque;
    this.responses.length = 0;
    this.write(bytes);
    this.write(encodeFrame({ ...createRequest(CANARY_CODE), opaque }));
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const canary = this.responses.findIndex((r) => r.opaque === opaque && isResponse(r));
      const before = canary >= 0 ? this.responses.slice(0, canary) : this.responses;
      const out = { remarks: before.map((r) => r.remark ?? ''), codes: before.map((r) => r.code) };
      if (canary >= 0) return { reaction: 'answered', ...out };
      if (this.isClosed) return { reaction: 'closed', ...out };
      const left = deadline - Date.now();
      if (left <= 0) return { reaction: 'hang', ...out };
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiter = () => {
          clearTimeout(t);
          this.waiter = undefined;
          resolve();
        };
      });
    }
  }

  /** Destroys the socket. */
  close(): Promise<void> {
    if (this.socket.closed) return Promise.resolve();
    return new Promise((resolve) => {
      this.socket.once('close', () => resolve());
      this.socket.destroy();
    });
  }
}

/** True when `err` is one of ours. */
export function isTyped(err: unknown): boolean {
  return err instanceof RocketMQError;
}
