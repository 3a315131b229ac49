/**
 * The capture proxy on real loopback sockets, without Java: a small frame-echo server stands in
 * for a broker. (The smoke test also runs it in front of a real name server.)
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ProtocolError, ValidationError } from '../../src/errors.js';
import { CaptureProxy, frameBytes, readCapture } from './capture-proxy.js';

/** Builds a remoting frame with a JSON header: total length | header length (type 0) | header | body. */
function jsonFrame(header: object, body = Buffer.alloc(0)): Buffer {
  const h = Buffer.from(JSON.stringify(header));
  const out = Buffer.alloc(8 + h.length + body.length);
  out.writeInt32BE(4 + h.length + body.length, 0);
  out.writeUInt32BE(h.length, 4);
  h.copy(out, 8);
  body.copy(out, 8 + h.length);
  return out;
}

/** Same with the ROCKETMQ binary header (type 1): code, language, version, opaque, flag, remark, ext. */
function binaryFrame(code: number, opaque: number, flag: number): Buffer {
  const h = Buffer.alloc(29);
  h.writeInt16BE(code, 0);
  h.writeUInt8(12, 2);
  h.writeInt16BE(401, 3);
  h.writeInt32BE(opaque, 5);
  h.writeInt32BE(flag, 9);
  h.writeInt32BE(0, 13);
  h.writeInt32BE(0, 17);
  const out = Buffer.alloc(8 + h.length);
  out.writeInt32BE(4 + h.length, 0);
  out.writeUInt32BE((1 << 24) | h.length, 4);
  h.copy(out, 8);
  return out;
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

function tmpFile(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'capture-test-'));
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  return path.join(dir, 'capture.jsonl');
}

/** Upstream that answers every byte it gets with `reply` (once per connection, on first data). */
async function upstream(reply: Buffer): Promise<{ port: number; received: () => Buffer }> {
  let got = Buffer.alloc(0);
  const sockets = new Set<net.Socket>();
  const srv = net.createServer((s) => {
    sockets.add(s);
    let replied = false;
    s.on('data', (d: Buffer) => {
      got = Buffer.concat([got, d]);
      if (!replied) {
        replied = true;
        s.write(reply);
      }
    });
    s.on('error', () => undefined);
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  cleanups.push(async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => srv.close(() => r()));
  });
  return { port: (srv.address() as net.AddressInfo).port, received: () => got };
}

async function connect(port: number): Promise<net.Socket> {
  const s = net.connect(port, '127.0.0.1');
  await new Promise<void>((r, j) => s.once('connect', r).once('error', j));
  cleanups.push(() => void s.destroy());
  return s;
}

async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('CaptureProxy', () => {
  it('forwards bytes unchanged and records whole frames in both directions, even when split byte by byte', async () => {
    const req = jsonFrame({ code: 105, flag: 0, opaque: 7, language: 'JAVA', version: 401, extFields: { topic: 'T' } });
    const req2 = binaryFrame(34, 8, 2);
    const resp = jsonFrame({ code: 0, flag: 1, opaque: 7, language: 'JAVA', version: 401 }, Buffer.from('{"x":1}'));
    const up = await upstream(resp);
    const file = tmpFile();
    const proxy = new CaptureProxy({ target: { host: '127.0.0.1', port: up.port }, file });
    cleanups.push(() => proxy.close());
    const port = await proxy.listen();
    const client = await connect(port);
    let back = Buffer.alloc(0);
    client.on('data', (d: Buffer) => (back = Buffer.concat([back, d])));
    const all = Buffer.concat([req, req2]);
    for (let i = 0; i < all.length; i++) {
      client.write(all.subarray(i, i + 1));
      if (i % 16 === 0) await new Promise((r) => setImmediate(r));
    }
    await until(() => up.received().length === all.length && back.length === resp.length && proxy.recorded === 3);
    expect(up.received().equals(all)).toBe(true);
    expect(back.equals(resp)).toBe(true);

    const recs = readCapture(file);
    const c2s = recs.filter((r) => r.dir === 'c2s');
    const s2c = recs.filter((r) => r.dir === 's2c');
    expect(c2s).toHaveLength(2);
    expect(frameBytes(c2s[0]).equals(req)).toBe(true);
    expect(frameBytes(c2s[1]).equals(req2)).toBe(true);
    expect(c2s[0]).toMatchObject({ conn: 1, kind: 'frame', serializeType: 0, code: 105, flag: 0, opaque: 7 });
    expect(c2s[1]).toMatchObject({ kind: 'frame', serializeType: 1, code: 34, flag: 2, opaque: 8 });
    expect(s2c).toHaveLength(1);
    expect(frameBytes(s2c[0]).equals(resp)).toBe(true);
    expect(s2c[0]).toMatchObject({ code: 0, flag: 1, opaque: 7 });
    expect(recs.map((r) => r.seq)).toEqual([0, 1, 2]);
  });

  it('records raw chunks once framing is lost, and a truncated tail at close', async () => {
    const up = await upstream(Buffer.from([0, 0, 0, 9, 1, 2])); // announces 9 bytes, sends 2
    const file = tmpFile();
    const proxy = new CaptureProxy({ target: { host: '127.0.0.1', port: up.port }, file, maxFrameSize: 1024 });
    cleanups.push(() => proxy.close());
    const client = await connect(await proxy.listen());
    const received: Buffer[] = [];
    client.on('data', (d: Buffer) => received.push(d));
    client.write(Buffer.from('GET / HTTP/1.1\r\n\r\n')); // 'GET ' as a length is far over 1024
    await until(() => up.received().length === 18 && Buffer.concat(received).length === 6);
    client.destroy();
    await until(() => proxy.recorded === 2);
    const recs = readCapture(file);
    expect(recs.find((r) => r.dir === 'c2s')).toMatchObject({ kind: 'raw', hex: Buffer.from('GET / HTTP/1.1\r\n\r\n').toString('hex') });
    expect(recs.find((r) => r.dir === 's2c')).toMatchObject({ kind: 'raw', hex: '000000090102' });
  });

  it('closes the client side when the target refuses, and rejects bad options and bad files with typed errors', async () => {
    const free = net.createServer();
    await new Promise<void>((r) => free.listen(0, '127.0.0.1', () => r()));
    const deadPort = (free.address() as net.AddressInfo).port;
    await new Promise<void>((r) => free.close(() => r()));
    const proxy = new CaptureProxy({ target: { host: '127.0.0.1', port: deadPort }, file: tmpFile() });
    cleanups.push(() => proxy.close());
    const client = await connect(await proxy.listen());
    await new Promise<void>((r) => client.once('close', () => r()));
    expect(proxy.recorded).toBe(0);

    expect(() => new CaptureProxy({ target: { host: '127.0.0.1', port: 70000 }, file: tmpFile() })).toThrow(ValidationError);
    const bad = tmpFile();
    fs.writeFileSync(bad, '{"seq":0}\n');
    expect(() => readCapture(bad)).toThrow(ProtocolError);
    fs.writeFileSync(bad, 'nope\n');
    expect(() => readCapture(bad)).toThrow(ProtocolError);
  });
});
