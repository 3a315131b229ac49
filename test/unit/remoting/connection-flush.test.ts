/**
 * Writes are corked for the rest of the tick so a burst leaves in one writev, but a burst that has piled up
 * EARLY_FLUSH_BYTES (16 KiB) is sent at once, so the peer can start on it while the rest is being built.
 */
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createRequest } from '../../../src/remoting/command.js';
import { RemotingConnection } from '../../../src/remoting/connection.js';
import { FrameSplitter } from '../../../src/remoting/splitter.js';
import { decodeFrame } from '../../../src/remoting/frame.js';

const cleanups: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/** A raw peer that decodes every frame it receives, in order. */
async function countingPeer(): Promise<{ port: number; seen: number[] }> {
  const seen: number[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    const splitter = new FrameSplitter();
    s.on('data', (chunk) => {
      for (const f of splitter.push(chunk)) seen.push(decodeFrame(f).body?.readUInt32BE(0) ?? -1);
    });
    s.on('error', () => undefined);
  });
  cleanups.push(() => new Promise<void>((resolve) => {
    for (const s of sockets) s.destroy();
    server.close(() => resolve());
  }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as net.AddressInfo).port, seen };
}

/** The connection's socket, to look at what is still held in user space (test-only peek). */
const socketOf = (c: RemotingConnection): net.Socket => (c as unknown as { socket: net.Socket }).socket;

describe('RemotingConnection write coalescing', () => {
  it('holds a small burst until the tick ends, but sends a burst past 16 KiB at once; every frame arrives in order', async () => {
    const peer = await countingPeer();
    const conn = await RemotingConnection.connect({ host: '127.0.0.1', port: peer.port });
    cleanups.push(() => conn.close());
    const sock = socketOf(conn);
    const sent: number[] = [];
    const send = (): void => {
      const body = Buffer.alloc(1024, 0x61);
      body.writeUInt32BE(sent.length, 0); // the frame's sequence number, to check order at the peer
      sent.push(sent.length);
      void conn.invokeOneway(createRequest(10, {}, body));
    };

    for (let i = 0; i < 8; i++) send(); // ~8.4 KB: below the threshold
    expect(sock.writableCorked).toBeGreaterThan(0);
    const small = sock.writableLength;
    expect(small).toBeGreaterThan(8 * 1024);

    for (let i = 0; i < 40; i++) send(); // ~50 KB in all, same tick
    // Without the early flush everything would still be held here.
    expect(sock.writableLength).toBeLessThan(16 * 1024);

    const deadline = Date.now() + 5000;
    while (peer.seen.length < sent.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    expect(peer.seen).toEqual(sent);
  });
});
