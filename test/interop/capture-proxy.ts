/**
 * A tiny TCP proxy that records remoting frames in both directions, for golden fixtures taken
 * from real brokers and name servers: put it between a (Java or TypeScript) client and the server,
 * then read the JSON-lines file with {@link readCapture}.
 *
 * Bytes are forwarded untouched and immediately; framing is only used for the record. The
 * splitter here is deliberately independent of src/remoting, so a capture never depends on the
 * code it is meant to check. If a direction stops looking like remoting frames (bad length), the
 * rest of that direction is recorded as raw chunks instead.
 * @module
 */
import fs from 'node:fs';
import net from 'node:net';
import { ProtocolError, ValidationError } from '../../src/errors.js';

/** One recorded frame (or raw chunk) in a capture file. */
export interface CapturedFrame {
  /** Order of recording across all connections, from 0. */
  seq: number;
  /** Milliseconds since the proxy started listening. */
  t: number;
  /** Connection number, from 1, in accept order. */
  conn: number;
  /** `c2s` = client to server, `s2c` = server to client. */
  dir: 'c2s' | 's2c';
  /** `frame` = one whole length-prefixed frame; `raw` = bytes after framing was lost. */
  kind: 'frame' | 'raw';
  /** Hex of the whole frame including its 4-byte total length (or of the raw chunk). */
  hex: string;
  /** Header serialization type: 0 JSON, 1 ROCKETMQ (frames only). */
  serializeType?: number;
  /** Request or response code, when the header could be read. */
  code?: number;
  /** Header flag (bit 0 = response), when the header could be read. */
  flag?: number;
  /** Opaque (request id), when the header could be read. */
  opaque?: number;
}

/** Options for {@link CaptureProxy}. */
export interface CaptureProxyOptions {
  /** Server to forward to (loopback in our tests). */
  target: { host: string; port: number };
  /** JSON-lines output file; truncated when the proxy starts listening. */
  file: string;
  /** Port to listen on, 127.0.0.1 only. @default 0 (any free port) */
  listenPort?: number;
  /** Frames announcing more than this are treated as lost framing. @default 16777216 */
  maxFrameSize?: number;
}

/** Reads the JSON header fields we care about, or the fixed ROCKETMQ binary header. */
function peekHeader(frame: Buffer): Pick<CapturedFrame, 'serializeType' | 'code' | 'flag' | 'opaque'> {
  if (frame.length < 8) return {};
  const mark = frame.readUInt32BE(4);
  const serializeType = mark >>> 24;
  const headerLen = mark & 0xffffff;
  if (8 + headerLen > frame.length) return { serializeType };
  const header = frame.subarray(8, 8 + headerLen);
  if (serializeType === 1 && header.length >= 21) {
    // code int16, language byte, version int16, opaque int32, flag int32
    return { serializeType, code: header.readInt16BE(0), opaque: header.readInt32BE(5), flag: header.readInt32BE(9) };
  }
  if (serializeType === 0) {
    try {
      const h: unknown = JSON.parse(header.toString('utf8'));
      if (h !== null && typeof h === 'object') {
        const r = h as Record<string, unknown>;
        const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);
        return { serializeType, code: num(r.code), flag: num(r.flag), opaque: num(r.opaque) };
      }
    } catch {
      // not JSON after all: keep the bytes only
    }
  }
  return { serializeType };
}

/** Splits one direction of one connection into frames and hands them to `emit`. */
class DirectionRecorder {
  private buf: Buffer = Buffer.alloc(0);
  private lost = false;

  constructor(
    private readonly maxFrameSize: number,
    private readonly emit: (kind: 'frame' | 'raw', bytes: Buffer) => void,
  ) {}

  push(chunk: Buffer): void {
    if (this.lost) {
      this.emit('raw', chunk);
      return;
    }
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    while (this.buf.length >= 4) {
      const len = this.buf.readInt32BE(0);
      if (len < 4 || len > this.maxFrameSize) {
        this.lost = true;
        this.emit('raw', this.buf);
        this.buf = Buffer.alloc(0);
        return;
      }
      if (this.buf.length < 4 + len) return;
      this.emit('frame', this.buf.subarray(0, 4 + len));
      this.buf = this.buf.subarray(4 + len);
    }
  }

  /** Whatever is left at close time is recorded raw (a truncated frame). */
  flush(): void {
    if (this.buf.length > 0) this.emit('raw', this.buf);
    this.buf = Buffer.alloc(0);
  }
}

/** The recording proxy. `listen()` first, `close()` when done. */
export class CaptureProxy {
  private readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();
  private startedAt = 0;
  private seq = 0;
  private conns = 0;
  private fd: number | undefined;

  constructor(private readonly opts: CaptureProxyOptions) {
    const p = opts.target.port;
    if (!Number.isInteger(p) || p <= 0 || p > 65535) throw new ValidationError(`bad target port ${p}`);
    this.server = net.createServer({ allowHalfOpen: true }, (client) => this.onClient(client));
  }

  /** Frames and raw chunks recorded so far. */
  get recorded(): number {
    return this.seq;
  }

  /** Opens the capture file and listens on 127.0.0.1; resolves with the port. */
  async listen(): Promise<number> {
    this.fd = fs.openSync(this.opts.file, 'w');
    this.startedAt = Date.now();
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.opts.listenPort ?? 0, '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    return this.port;
  }

  /** The listening port (after {@link listen}). */
  get port(): number {
    const a = this.server.address();
    return a !== null && typeof a === 'object' ? a.port : 0;
  }

  /** `127.0.0.1:<port>`, ready to hand to a client as a name server or broker address. */
  get addr(): string {
    return `127.0.0.1:${this.port}`;
  }

  private record(conn: number, dir: 'c2s' | 's2c', kind: 'frame' | 'raw', bytes: Buffer): void {
    if (this.fd === undefined) return;
    const rec: CapturedFrame = {
      seq: this.seq++,
      t: Date.now() - this.startedAt,
      conn,
      dir,
      kind,
      hex: bytes.toString('hex'),
      ...(kind === 'frame' ? peekHeader(bytes) : {}),
    };
    fs.writeSync(this.fd, JSON.stringify(rec) + '\n');
  }

  private onClient(client: net.Socket): void {
    const conn = ++this.conns;
    const upstream = net.connect({ port: this.opts.target.port, host: this.opts.target.host, allowHalfOpen: true });
    this.sockets.add(client);
    this.sockets.add(upstream);
    const max = this.opts.maxFrameSize ?? 16 * 1024 * 1024;
    const c2s = new DirectionRecorder(max, (k, b) => this.record(conn, 'c2s', k, b));
    const s2c = new DirectionRecorder(max, (k, b) => this.record(conn, 's2c', k, b));
    client.on('data', (d: Buffer) => {
      c2s.push(d);
      upstream.write(d);
    });
    upstream.on('data', (d: Buffer) => {
      s2c.push(d);
      client.write(d);
    });
    // Half-closes pass through; errors or full closes on one side end the other side too.
    client.on('end', () => upstream.end());
    upstream.on('end', () => client.end());
    const finish = (): void => {
      c2s.flush();
      s2c.flush();
      client.destroy();
      upstream.destroy();
    };
    client.on('close', finish);
    upstream.on('close', finish);
    client.on('error', () => undefined);
    upstream.on('error', () => undefined);
    client.once('close', () => this.sockets.delete(client));
    upstream.once('close', () => this.sockets.delete(upstream));
  }

  /** Stops listening, drops every proxied connection and closes the capture file. */
  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    if (this.fd !== undefined) {
      fs.closeSync(this.fd);
      this.fd = undefined;
    }
  }
}

/** Reads a capture file back. Throws {@link ProtocolError} on a line that is not a capture record. */
export function readCapture(file: string): CapturedFrame[] {
  const out: CapturedFrame[] = [];
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch (err) {
      throw new ProtocolError(`${file}:${i + 1}: not JSON`, { cause: err });
    }
    const r = v as Partial<CapturedFrame> | null;
    if (!r || typeof r.hex !== 'string' || (r.dir !== 'c2s' && r.dir !== 's2c') || typeof r.seq !== 'number') {
      throw new ProtocolError(`${file}:${i + 1}: not a capture record`);
    }
    out.push(r as CapturedFrame);
  });
  return out;
}

/** Decodes a record's bytes. */
export function frameBytes(rec: CapturedFrame): Buffer {
  return Buffer.from(rec.hex, 'hex');
}
