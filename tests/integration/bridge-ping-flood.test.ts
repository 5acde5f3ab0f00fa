// A page that floods pings and never reads must not make the bridge queue pongs without bound (RFC 6455
// §5.5.3 lets it skip pongs; ws-connection.ts answers only while little is waiting to be written).
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningBridge } from '../../bridge/server';
import { startBridgeToTcp, within, type TcpServer } from '../../bridge/test-support';

let bridge: RunningBridge;
let tcp: TcpServer;

beforeAll(async () => {
  ({ bridge, tcp } = await startBridgeToTcp());
});

afterAll(async () => {
  await bridge?.close();
  await tcp?.close();
});

/** A masked ping carrying 125 bytes (the most a control frame may: §5.5). */
function ping(): Buffer {
  const key = randomBytes(4);
  const payload = randomBytes(125);
  for (let i = 0; i < payload.length; i++) payload[i]! ^= key[i & 3]!;
  return Buffer.concat([Buffer.from([0x89, 0x80 | 125]), key, payload]);
}

describe('a ping flood from a page that never reads', () => {
  it('gets at most a bounded amount of pongs back', { timeout: 60_000 }, async () => {
    const { port } = new URL(bridge.url);
    const socket: Socket = connect(Number(port), '127.0.0.1');
    socket.on('error', () => undefined);
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    socket.write(
      [
        `GET /tunnel?host=127.0.0.1&port=${tcp.port} HTTP/1.1`,
        `Host: 127.0.0.1:${port}`,
        'Upgrade: websocket',
        'Connection: Upgrade',
        `Origin: http://127.0.0.1:${port}`,
        `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
        'Sec-WebSocket-Version: 13',
      ].join('\r\n') + '\r\n\r\n',
    );
    let received = 0;
    const counting = (chunk: Buffer) => (received += chunk.length);
    socket.on('data', counting);
    await within(
      new Promise<void>((resolve) => {
        const wait = () => (received > 0 ? resolve() : setTimeout(wait, 10));
        wait();
      }),
      5_000,
      'the 101',
    );
    // Stop reading: the kernel buffers fill, then the bridge's own write queue would.
    socket.pause();
    const pings = 200_000; // 26 MB of pings, as many pongs if every one were answered
    const batch = Buffer.concat(Array.from({ length: 1000 }, ping));
    for (let sent = 0; sent < pings; sent += 1000) {
      if (!socket.write(batch)) await new Promise((resolve) => socket.once('drain', resolve));
    }
    // Give the bridge time to read all of them, then read what it queued.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    socket.resume();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    socket.destroy();
    // Kernel buffers on loopback hold a few MB at most; the bridge adds at most 64 KB of its own.
    expect(received).toBeLessThan(12 * 1024 * 1024);
    expect(received).toBeGreaterThan(125);
  });
});
