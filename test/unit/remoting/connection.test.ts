import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  AbortError,
  ConnectionClosedError,
  ConnectionError,
  ProtocolError,
  RequestTimeoutError,
  ValidationError,
  type RocketMQError,
} from '../../../src/errors.js';
import { FLAG_ONEWAY, SerializeType, createRequest, createResponse, type RemotingCommand } from '../../../src/remoting/command.js';
import { RemotingConnection } from '../../../src/remoting/connection.js';
import { decodeFrame, encodeFrame } from '../../../src/remoting/frame.js';
import { RemotingServer, type RemotingServerOptions } from '../../../src/remoting/server.js';
import { FrameSplitter } from '../../../src/remoting/splitter.js';
import { sleep } from './helpers.js';

const cleanups: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function startServer(options: RemotingServerOptions = {}): Promise<{ server: RemotingServer; port: number }> {
  const server = new RemotingServer(options);
  cleanups.push(() => server.close());
  const port = await server.listen();
  return { server, port };
}

async function connect(port: number, extra: Partial<Parameters<typeof RemotingConnection.connect>[0]> = {}): Promise<RemotingConnection> {
  const conn = await RemotingConnection.connect({ host: '127.0.0.1', port, ...extra });
  cleanups.push(() => conn.close());
  return conn;
}

/** A raw TCP peer for misbehaviour a RemotingServer would never produce. */
async function rawServer(onSocket: (s: net.Socket) => void): Promise<number> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('error', () => undefined);
    onSocket(s);
  });
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as net.AddressInfo).port;
}

function catchErr(p: Promise<unknown>): Promise<RocketMQError> {
  return p.then(
    () => {
      throw new Error('expected a rejection');
    },
    (err: RocketMQError) => err,
  );
}

describe('RemotingConnection over loopback', () => {
  it('matches many concurrent responses by opaque even when answered in reverse order', async () => {
    const n = 200;
    const { server, port } = await startServer();
    const held: (() => void)[] = [];
    server.handle(10, (req) => {
      return new Promise<RemotingCommand>((resolve) => {
        held.push(() => resolve(createResponse(req, 0, undefined, { echo: req.extFields!.i }, req.body)));
        // Release on a later turn, once every handler promise has its continuation attached.
        if (held.length === n) setImmediate(() => held.reverse().forEach((release) => release()));
      });
    });
    const conn = await connect(port);
    const arrival: number[] = [];
    const results = await Promise.all(
      Array.from({ length: n }, (_, i) =>
        conn.invoke(createRequest(10, { i }, Buffer.from(`body-${i}`)), { timeoutMs: 5000 }).then((res) => {
          arrival.push(i);
          return res;
        }),
      ),
    );
    results.forEach((res, i) => {
      expect(res.extFields!.echo).toBe(String(i));
      expect(res.body!.toString()).toBe(`body-${i}`);
    });
    expect(arrival[0]).toBe(n - 1);
    expect(arrival[n - 1]).toBe(0);
    expect(conn.pendingRequests).toBe(0);
  });

  it('coalesces a burst of writes made in one tick into one socket write, frames in order', async () => {
    const n = 50;
    const chunks: Buffer[] = [];
    const port = await rawServer((s) => s.on('data', (c: Buffer) => chunks.push(c)));
    const conn = await connect(port);
    // Count the stream's calls into the socket handle (_write per chunk, _writev per batch of chunks).
    type Sink = { _write: (...a: unknown[]) => unknown; _writev: (...a: unknown[]) => unknown };
    const sock = conn.socket as unknown as Sink;
    let socketWrites = 0;
    for (const m of ['_write', '_writev'] as const) {
      const orig = sock[m].bind(sock);
      sock[m] = (...a: unknown[]) => {
        socketWrites++;
        return orig(...a);
      };
    }
    const frames = Array.from({ length: n }, (_, i) => createRequest(12, { i }, Buffer.from(`burst-${i}`)));
    const written = Promise.all(frames.map((f) => conn.invokeOneway(f)));
    expect(conn.socket.writableCorked).toBe(1);
    await written;
    expect(conn.socket.writableCorked).toBe(0);
    expect(socketWrites).toBe(1);
    const expected = frames.reduce((sum, f) => sum + encodeFrame(f).length, 0);
    for (const deadline = Date.now() + 10_000; chunks.reduce((a, c) => a + c.length, 0) < expected; ) {
      if (Date.now() > deadline) throw new Error('burst did not arrive');
      await sleep(5);
    }
    const got = new FrameSplitter().push(Buffer.concat(chunks)).map((f) => decodeFrame(f));
    expect(got.map((c) => c.extFields!.i)).toEqual(frames.map((_, i) => String(i)));
    expect(got.map((c) => c.body!.toString())).toEqual(frames.map((_, i) => `burst-${i}`));
  });

  it('answers to chunks read in one loop turn leave in one socket write at the end of that turn', async () => {
    const { server, port } = await startServer();
    server.handle(12, (req) => createResponse(req, 0, `ok-${req.extFields!.i}`));
    const accepted = new Promise<RemotingConnection>((resolve) => server.once('connection', resolve));
    const received: Buffer[] = [];
    const client = net.connect(port, '127.0.0.1');
    cleanups.push(() => void client.destroy());
    client.on('data', (c: Buffer) => received.push(c));
    const conn = await accepted;
    type Sink = { _write: (...a: unknown[]) => unknown; _writev: (...a: unknown[]) => unknown };
    const sock = conn.socket as unknown as Sink;
    let socketWrites = 0;
    for (const m of ['_write', '_writev'] as const) {
      const orig = sock[m].bind(sock);
      sock[m] = (...a: unknown[]) => {
        socketWrites++;
        return orig(...a);
      };
    }
    // Two chunks handled in two separate callbacks of one loop phase, as libuv delivers a burst in 64 KiB pieces:
    // the per-tick cork alone would write twice.
    const frame = (i: number) => encodeFrame({ ...createRequest(12, { i: String(i) }), opaque: 100 + i });
    await new Promise<void>((resolve) => {
      setImmediate(() => conn.socket.emit('data', Buffer.concat([frame(0), frame(1)])));
      setImmediate(() => conn.socket.emit('data', frame(2)));
      setImmediate(() => setImmediate(resolve));
    });
    expect(socketWrites).toBe(1);
    for (const deadline = Date.now() + 10_000; new FrameSplitter().push(Buffer.concat(received)).length < 3; ) {
      if (Date.now() > deadline) throw new Error('answers did not arrive');
      await sleep(5);
    }
    const got = new FrameSplitter().push(Buffer.concat(received)).map((f) => decodeFrame(f));
    expect(got.map((c) => [c.opaque, c.remark])).toEqual([[100, 'ok-0'], [101, 'ok-1'], [102, 'ok-2']]);
  });

  it('writes a large response body beside its header (one writev, no frame copy), the same frame on the wire', async () => {
    const { server, port } = await startServer();
    const big = randomBytes(100 * 1024);
    server.handle(11, (req) => ({ ...createResponse(req, 0, 'big'), extFields: { n: '1' }, body: big }));
    server.handle(12, (req) => ({ ...createResponse(req, 0, 'small'), body: Buffer.from('tiny') }));
    const accepted = new Promise<RemotingConnection>((resolve) => server.once('connection', resolve));
    const conn = await connect(port);
    const srv = await accepted;
    const batches: number[] = [];
    const sock = srv.socket as unknown as { _writev: (chunks: unknown[], cb: unknown) => unknown };
    const orig = sock._writev.bind(sock);
    sock._writev = (chunks: unknown[], cb: unknown) => {
      batches.push(chunks.length);
      return orig(chunks, cb);
    };
    const res = await conn.invoke(createRequest(11, {}), { timeoutMs: 5000 });
    expect([res.remark, res.extFields?.n, res.body?.equals(big)]).toEqual(['big', '1', true]);
    expect(batches).toEqual([2]);
    const small = await conn.invoke(createRequest(12, {}), { timeoutMs: 5000 });
    expect(small.body?.toString()).toBe('tiny');
    expect(batches).toEqual([2]);
  });

  it('times out a request, with context, and forgets it', async () => {
    const { server, port } = await startServer();
    server.handle(11, () => undefined);
    const conn = await connect(port);
    const started = Date.now();
    const err = await catchErr(conn.invoke(createRequest(11), { timeoutMs: 60 }));
    expect(err).toBeInstanceOf(RequestTimeoutError);
    expect((err as RequestTimeoutError).timeoutMs).toBe(60);
    expect(Date.now() - started).toBeGreaterThanOrEqual(55);
    expect(err.context).toMatchObject({ brokerAddr: `127.0.0.1:${port}`, requestCode: 11 });
    expect(typeof err.context.opaque).toBe('number');
    expect(conn.pendingRequests).toBe(0);
    expect(conn.closed).toBe(false);
  });

  it('aborts a request through its AbortSignal, and refuses an already aborted one without sending', async () => {
    const { server, port } = await startServer();
    let seen = 0;
    server.handle(12, () => {
      seen++;
      return undefined;
    });
    const conn = await connect(port);
    const ac = new AbortController();
    const pending = catchErr(conn.invoke(createRequest(12), { timeoutMs: 5000, signal: ac.signal }));
    await sleep(20);
    ac.abort(new Error('user gave up'));
    const err = await pending;
    expect(err).toBeInstanceOf(AbortError);
    expect(err.context.requestCode).toBe(12);
    expect(conn.pendingRequests).toBe(0);
    expect(seen).toBe(1);

    const pre = await catchErr(conn.invoke(createRequest(12), { timeoutMs: 5000, signal: AbortSignal.abort() }));
    expect(pre).toBeInstanceOf(AbortError);
    await sleep(30);
    expect(seen).toBe(1);
  });

  it('fails every in-flight request at once when the peer resets mid-frame', async () => {
    let received = 0;
    const port = await rawServer((s) => {
      s.on('data', (chunk) => {
        received += new FrameSplitter().push(chunk).length;
        if (received >= 5) {
          const half = encodeFrame({ ...createResponse(createRequest(1), 0), body: Buffer.alloc(100) });
          s.write(half.subarray(0, 30), () => s.resetAndDestroy());
        }
      });
    });
    const conn = await connect(port);
    const closes: (RocketMQError | undefined)[] = [];
    conn.on('close', (reason) => closes.push(reason));
    conn.on('error', () => undefined);
    const errs = await Promise.all(Array.from({ length: 5 }, (_, i) => catchErr(conn.invoke(createRequest(20 + i), { timeoutMs: 5000 }))));
    for (const [i, err] of errs.entries()) {
      expect(err).toBeInstanceOf(ConnectionClosedError);
      expect(err.context).toMatchObject({ brokerAddr: `127.0.0.1:${port}`, requestCode: 20 + i });
    }
    expect(new Set(errs.map((e) => e.message)).size).toBe(1);
    expect(conn.closed).toBe(true);
    expect(closes).toHaveLength(1);
    expect(conn.pendingRequests).toBe(0);
    expect(await catchErr(conn.invoke(createRequest(1), { timeoutMs: 100 }))).toBeInstanceOf(ConnectionClosedError);
  });

  it('closes itself on a bad frame from the peer and reports a ProtocolError', async () => {
    const port = await rawServer((s) => s.once('data', () => s.write(Buffer.from('HTTP/1.1 400 Bad Request\r\n\r\n'))));
    const conn = await connect(port);
    const errors: RocketMQError[] = [];
    conn.on('error', (e) => errors.push(e));
    const err = await catchErr(conn.invoke(createRequest(1), { timeoutMs: 5000 }));
    expect(err).toBeInstanceOf(ConnectionClosedError);
    expect(err.cause).toBeInstanceOf(ProtocolError);
    expect(errors[0]).toBeInstanceOf(ProtocolError);
    expect(errors[0].context.brokerAddr).toBe(`127.0.0.1:${port}`);
  });

  it('closes itself when the peer sends a frame over maxFrameSize', async () => {
    const { server, port } = await startServer();
    server.handle(13, (req) => createResponse(req, 0, undefined, undefined, Buffer.alloc(4096)));
    const conn = await connect(port, { maxFrameSize: 1024 });
    conn.on('error', () => undefined);
    const err = await catchErr(conn.invoke(createRequest(13), { timeoutMs: 5000 }));
    expect(err).toBeInstanceOf(ConnectionClosedError);
    expect(String((err.cause as Error).message)).toMatch(/exceeds the 1024-byte maximum/);
  });

  it('sends oneway requests with FLAG_ONEWAY and the peer does not answer them', async () => {
    const { server, port } = await startServer();
    const got: RemotingCommand[] = [];
    server.handle(15, (req) => {
      got.push(req);
      return createResponse(req, 0);
    });
    // A raw client, to see every byte that comes back.
    const sock = net.connect(port, '127.0.0.1');
    cleanups.push(() => void sock.destroy());
    await new Promise((r) => sock.once('connect', r));
    const back: Buffer[] = [];
    sock.on('data', (c) => back.push(c));
    sock.write(encodeFrame({ ...createRequest(15, { commitOffset: 7 }), opaque: 77, flag: FLAG_ONEWAY }));
    await sleep(100);
    expect(got).toHaveLength(1);
    expect(back).toHaveLength(0);

    const conn = await connect(port);
    await conn.invokeOneway(createRequest(15, { commitOffset: 8 }));
    await sleep(50);
    expect(got).toHaveLength(2);
    expect(got[1].flag & FLAG_ONEWAY).toBe(FLAG_ONEWAY);
    expect(got[1].extFields).toEqual({ commitOffset: '8' });
  });

  it('delivers broker-initiated requests to the client hooks (40 oneway, 307 answered, 221 unhandled, throw)', async () => {
    const { server, port } = await startServer();
    const serverSide = new Promise<RemotingConnection>((resolve) => server.once('connection', resolve));
    const conn = await connect(port);
    const notified: RemotingCommand[] = [];
    conn.onRequest(40, (req) => {
      notified.push(req);
      return createResponse(req, 0); // dropped: the request is oneway
    });
    conn.onRequest(307, async (req) => {
      await sleep(5);
      return createResponse(req, 0, undefined, undefined, Buffer.from(JSON.stringify({ group: req.extFields!.consumerGroup })));
    });
    conn.onRequest(309, () => {
      throw new Error('consume failed');
    });
    const peer = await serverSide;
    expect(server.connections.has(peer)).toBe(true);

    await peer.invokeOneway(createRequest(40, { consumerGroup: 'G' }));
    const info = await peer.invoke(createRequest(307, { consumerGroup: 'G', clientId: 'c1' }), { timeoutMs: 2000 });
    expect(info.code).toBe(0);
    expect(JSON.parse(info.body!.toString())).toEqual({ group: 'G' });
    expect(notified).toHaveLength(1);
    expect(notified[0].extFields).toEqual({ consumerGroup: 'G' });

    const unsupported = await peer.invoke(createRequest(221), { timeoutMs: 2000 });
    expect(unsupported.code).toBe(3);
    expect(unsupported.remark).toBe(' request type 221 not supported');
    const failed = await peer.invoke(createRequest(309), { timeoutMs: 2000 });
    expect(failed.code).toBe(1);
    expect(failed.remark).toBe('consume failed');
    conn.onRequest(309, (req) => ({ ...createResponse(req, 0), code: 1.5 }));
    const invalid = await peer.invoke(createRequest(309), { timeoutMs: 2000 });
    expect(invalid.code).toBe(1);
    expect(invalid.remark).toMatch(/^invalid response: /);
    conn.onRequest(309, undefined);
    expect((await peer.invoke(createRequest(309), { timeoutMs: 2000 })).code).toBe(3);
  });

  it('answers unknown codes with code 3 and serves responses in the server serialize type', async () => {
    const { server, port } = await startServer();
    server.handle(16, (req) => createResponse(req, 0, 'ok', { type: String(req.serializeType) }));
    const conn = await connect(port, { serializeType: SerializeType.ROCKETMQ, language: 'NODE_JS', version: 479 });
    const res = await conn.invoke(createRequest(16), { timeoutMs: 2000 });
    expect(res.extFields).toEqual({ type: String(SerializeType.ROCKETMQ) });
    expect(res.serializeType).toBe(SerializeType.JSON);
    expect(res.remark).toBe('ok');
    const unknown = await conn.invoke(createRequest(999), { timeoutMs: 2000 });
    expect(unknown).toMatchObject({ code: 3, remark: ' request type 999 not supported', flag: 1 });
  });

  it('lets an interceptor add latency or drop requests', async () => {
    const { server, port } = await startServer();
    server.handle(17, (req) => createResponse(req, 0));
    let paused = false;
    server.setInterceptor(async (_req, _conn, next) => {
      if (paused) return undefined;
      await sleep(50);
      return next();
    });
    const conn = await connect(port);
    const t0 = Date.now();
    expect((await conn.invoke(createRequest(17), { timeoutMs: 2000 })).code).toBe(0);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(45);
    paused = true;
    expect(await catchErr(conn.invoke(createRequest(17), { timeoutMs: 80 }))).toBeInstanceOf(RequestTimeoutError);
    server.setInterceptor(undefined);
    expect((await conn.invoke(createRequest(17), { timeoutMs: 2000 })).code).toBe(0);
  });

  it('rejects connecting to a closed port with ConnectionError', async () => {
    const probe = net.createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as net.AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const err = await catchErr(RemotingConnection.connect({ host: '127.0.0.1', port }));
    expect(err).toBeInstanceOf(ConnectionError);
    expect(err.context.brokerAddr).toBe(`127.0.0.1:${port}`);
    expect(await catchErr(RemotingConnection.connect({ host: '127.0.0.1', port: 70000 }))).toBeInstanceOf(ValidationError);
  });

  it('gives up after connectTimeoutMs when the handshake never completes', async () => {
    const port = await rawServer(() => undefined); // accepts TCP, never speaks TLS
    const t0 = Date.now();
    const err = await catchErr(RemotingConnection.connect({ host: '127.0.0.1', port, tls: true, connectTimeoutMs: 100 }));
    expect(err).toBeInstanceOf(ConnectionError);
    expect(err.message).toMatch(/timed out after 100 ms/);
    expect(Date.now() - t0).toBeLessThan(2000);
  });

  it('closes idle connections and fails later calls', async () => {
    const { server, port } = await startServer();
    const conn = await connect(port, { idleTimeoutMs: 80 });
    const closed = new Promise<RocketMQError | undefined>((r) => conn.once('close', r));
    expect(await closed).toBeUndefined();
    expect(conn.closed).toBe(true);
    expect(await catchErr(conn.invokeOneway(createRequest(1)))).toBeInstanceOf(ConnectionClosedError);
    expect(await catchErr(conn.send(createRequest(1)))).toBeInstanceOf(ConnectionClosedError);
    await sleep(20);
    expect(server.connections.size).toBe(0);
  });

  it('server.close() closes accepted connections and their clients see it', async () => {
    const { server, port } = await startServer();
    server.handle(18, () => undefined);
    const conn = await connect(port);
    const pending = catchErr(conn.invoke(createRequest(18), { timeoutMs: 5000 }));
    await sleep(20);
    expect(server.connections.size).toBe(1);
    await server.close();
    expect(server.connections.size).toBe(0);
    expect(await pending).toBeInstanceOf(ConnectionClosedError);
    await conn.close();
    expect(conn.socket.destroyed).toBe(true);
  });

  it('decodes what it sends: invoke does not mutate the caller command', async () => {
    const { server, port } = await startServer();
    server.handle(19, (req) => createResponse(req, 0, undefined, { opaque: req.opaque }));
    const conn = await connect(port);
    const cmd = { ...createRequest(19), flag: FLAG_ONEWAY };
    const res = await conn.invoke(cmd, { timeoutMs: 2000 });
    expect(cmd.opaque).toBe(0);
    expect(cmd.flag).toBe(FLAG_ONEWAY);
    expect(res.extFields!.opaque).toBe(String(res.opaque));
    // The raw bytes of a response are a normal frame.
    expect(decodeFrame(encodeFrame(res).subarray(4)).opaque).toBe(res.opaque);
  });

  it('listen() is idempotent and a taken port is a ConnectionError', async () => {
    const { server, port } = await startServer();
    expect(await Promise.all([server.listen(), server.listen()])).toEqual([port, port]);
    const clash = new RemotingServer({ port });
    const err = await catchErr(clash.listen());
    expect(err).toBeInstanceOf(ConnectionError);
    await clash.close();
  });

  it('rejects unencodable commands with ValidationError and keeps the connection', async () => {
    const { server, port } = await startServer();
    server.handle(10, (req) => createResponse(req, 0));
    const conn = await connect(port);
    expect(await catchErr(conn.invoke(null as unknown as RemotingCommand, { timeoutMs: 100 }))).toBeInstanceOf(ValidationError);
    expect(await catchErr(conn.invoke({ ...createRequest(10), code: 1.5 }, { timeoutMs: 100 }))).toBeInstanceOf(ValidationError);
    expect(await catchErr(conn.invoke(createRequest(10), { timeoutMs: Number.NaN }))).toBeInstanceOf(ValidationError);
    expect(await catchErr(conn.invokeOneway(null as unknown as RemotingCommand))).toBeInstanceOf(ValidationError);
    expect((await conn.invoke(createRequest(10), { timeoutMs: 2000 })).code).toBe(0);
  });

  it('leaves no socket, server or timer behind after close()', async () => {
    const count = (): number =>
      process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap' || r === 'TCPServerWrap' || r === 'Timeout').length;
    await sleep(20); // let handles of earlier tests finish closing
    const before = count();
    const server = new RemotingServer({ idleTimeoutMs: 60_000 });
    server.handle(10, () => undefined);
    const port = await server.listen();
    const conn = await RemotingConnection.connect({ host: '127.0.0.1', port, idleTimeoutMs: 60_000 });
    const pending = catchErr(conn.invoke(createRequest(10), { timeoutMs: 60_000 }));
    expect(count()).toBeGreaterThan(before);
    await conn.close();
    await server.close();
    expect(await pending).toBeInstanceOf(ConnectionClosedError);
    await sleep(10);
    expect(count()).toBeLessThanOrEqual(before);
  });

  it('survives hostile clients: each bad connection closes alone, good clients keep being served', async () => {
    const { server, port } = await startServer();
    server.handle(10, (req) => createResponse(req, 0));
    const good = await connect(port);
    const badHeader = (type: number, header: Buffer): Buffer => {
      const f = Buffer.alloc(8 + header.length);
      f.writeInt32BE(4 + header.length, 0);
      f.writeInt32BE((type << 24) | header.length, 4);
      header.copy(f, 8);
      return f;
    };
    const payloads = [
      Buffer.concat([Buffer.from([0x80]), randomBytes(63)]), // negative length
      Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'),
      badHeader(0, Buffer.from('{"code":')),
      badHeader(1, Buffer.from('0001000000000000010000000000000003e8' + '00'.repeat(12), 'hex')), // remark length 1000
      badHeader(7, Buffer.from('{}')),
      Buffer.from('7fffffff00000000', 'hex'),
    ];
    for (const payload of payloads) {
      const sock = net.connect(port, '127.0.0.1');
      sock.on('error', () => undefined);
      cleanups.push(() => void sock.destroy());
      const ended = new Promise((resolve) => sock.once('close', resolve));
      sock.write(payload);
      await ended; // the server hung up on it
    }
    expect((await good.invoke(createRequest(10), { timeoutMs: 2000 })).code).toBe(0);
    expect(server.connections.size).toBe(1);
  });
});
