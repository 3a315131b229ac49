/**
 * Golden fixtures from real brokers: one request sent with our remoting connection THROUGH the capture proxy, and
 * the exact bytes both ways read back from the proxy's record (not from our decoder), so a fixture never depends on
 * the code it checks. With `RMQ_WRITE_FIXTURES=1` the frames are written as
 * `test/unit/protocol/fixtures/real-<name>.hex` + `.md`; otherwise the interop test only checks them live.
 * @module
 */
import fs from 'node:fs';
import path from 'node:path';
import { ProtocolError } from '../../src/errors.js';
import { decodeFrame } from '../../src/remoting/frame.js';
import { RemotingConnection } from '../../src/remoting/connection.js';
import type { RemotingCommand } from '../../src/remoting/command.js';
import { CaptureProxy, frameBytes, readCapture } from './capture-proxy.js';
import { INTEROP_DIR } from './harness/java.js';

/** Where the unit fixtures live. */
export const FIXTURE_DIR = path.resolve(INTEROP_DIR, '..', 'unit', 'protocol', 'fixtures');

/** One request/response pair as the proxy saw it. */
export interface Exchange {
  /** Whole request frame (length prefix included). */
  request: Buffer;
  /** Whole response frame (length prefix included). */
  response: Buffer;
  /** The response decoded by our frame codec (for live assertions). */
  responseCmd: RemotingCommand;
  /** How long the server took, ms (proxy clock). */
  elapsedMs: number;
}

/**
 * Sends `cmd` to `target` (`ip:port`) through a fresh capture proxy and returns the recorded frames.
 * @param target - server address
 * @param cmd - request (its opaque is assigned by the connection)
 * @param file - capture file (JSON lines)
 * @param timeoutMs - request budget
 */
export async function captureExchange(target: string, cmd: RemotingCommand, file: string, timeoutMs = 15_000): Promise<Exchange> {
  const [host, port] = [target.slice(0, target.lastIndexOf(':')), Number(target.slice(target.lastIndexOf(':') + 1))];
  const proxy = new CaptureProxy({ target: { host, port }, file });
  await proxy.listen();
  let conn: RemotingConnection | undefined;
  try {
    conn = await RemotingConnection.connect({ host: '127.0.0.1', port: proxy.port });
    await conn.invoke(cmd, { timeoutMs });
  } finally {
    await conn?.close();
    await proxy.close();
  }
  const recs = readCapture(file);
  const req = recs.filter((r) => r.dir === 'c2s' && r.kind === 'frame' && r.code === cmd.code).at(-1);
  const res = req && recs.find((r) => r.dir === 's2c' && r.kind === 'frame' && r.opaque === req.opaque && ((r.flag ?? 0) & 1) === 1);
  if (!req || !res) throw new ProtocolError(`capture ${file}: no request/response pair for code ${cmd.code}`);
  const response = frameBytes(res);
  return { request: frameBytes(req), response, responseCmd: decodeFrame(response.subarray(4)), elapsedMs: res.t - req.t };
}

/** Hex in lines of 32 bytes (whitespace is ignored by the fixture reader). */
export function toHexLines(buf: Buffer): string {
  const hex = buf.toString('hex');
  const lines: string[] = [];
  for (let i = 0; i < hex.length; i += 64) lines.push(hex.slice(i, i + 64));
  return lines.join('\n') + '\n';
}

/** True when this run should (re)write the committed fixtures. */
export function writingFixtures(): boolean {
  return process.env.RMQ_WRITE_FIXTURES === '1';
}

/**
 * Writes `real-<name>.hex` (the frame) and `real-<name>.md` (how it was captured) when {@link writingFixtures}.
 * @param name - fixture name without the `real-` prefix
 * @param frame - whole frame
 * @param md - Markdown description (broker version, request, capture path)
 */
export function saveFixture(name: string, frame: Buffer, md: string): void {
  if (!writingFixtures()) return;
  fs.writeFileSync(path.join(FIXTURE_DIR, `real-${name}.hex`), toHexLines(frame));
  fs.writeFileSync(path.join(FIXTURE_DIR, `real-${name}.md`), md.trim() + '\n');
}
