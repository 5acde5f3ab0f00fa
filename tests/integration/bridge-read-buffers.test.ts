// The page's connection after the upgrade (bridge/ws-connection.ts with bridge/socket-reads.ts): on plain
// HTTP it moves onto a socket that reads into the bridge's own buffers, and must still behave as the
// socket node:http handed over: the bytes that came with the upgrade request, flow control, the closing
// handshake, an abrupt end, and the server's count of open connections. Over HTTPS it keeps the socket.
// And tunnels on those buffers: what they hold is bounded, busy or idle, and a page that hangs up is seen.
import { createServer as createHttpServer, type IncomingMessage, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { pooledReadBuffers } from '../../bridge/read-buffers';
import type { RunningBridge } from '../../bridge/server';
import {
  connectTunnel,
  maskedFrame,
  opened,
  rawTunnel,
  receive,
  startBridgeToTcp,
  startTcpServer,
  waitUntil,
  within,
  type TcpServer,
} from '../../bridge/test-support';
import { startBridge } from '../../bridge/server';
import { PageConnection } from '../../bridge/ws-connection';
import { checkHandshake, switchingProtocols } from '../../bridge/ws-handshake';
import { makeCertificate, removeTempDirs, type TestCertificate } from '../support/tls-peers';

interface Upgraded {
  page: PageConnection;
  received: Buffer[];
  closes: number[];
}

let server: Server | undefined;
let bridge: RunningBridge | undefined;
let tcp: TcpServer | undefined;
let certificate: TestCertificate;

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

/** Bytes of array buffers still reachable in this process (the bridge runs in it too). */
function liveArrayBufferBytes(): number {
  collectGarbage();
  collectGarbage();
  return process.memoryUsage().arrayBuffers;
}

beforeAll(() => {
  certificate = makeCertificate('ec', '127.0.0.1');
});

afterAll(() => removeTempDirs());

afterEach(async () => {
  await bridge?.close();
  await tcp?.close();
  bridge = undefined;
  tcp = undefined;
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server?.listening ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

/** A server whose upgrades become PageConnections that record what the page sends. */
async function serveUpgrades(tls: boolean): Promise<{ url: string; upgraded: Upgraded[] }> {
  const upgraded: Upgraded[] = [];
  server = tls
    ? (createHttpsServer({ cert: certificate.certPem, key: certificate.keyPem }) as unknown as Server)
    : createHttpServer();
  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    const handshake = checkHandshake(req);
    if (!handshake.ok) return socket.destroy();
    const page = new PageConnection(socket, head, 8 * 1024 * 1024, 500);
    page.acceptUpgrade(switchingProtocols(handshake.key));
    const entry: Upgraded = { page, received: [], closes: [] };
    page.start({
      // Copied: the view is only valid during the call.
      data: (chunk) => entry.received.push(Buffer.from(chunk)),
      failed: () => {},
      closed: (code) => entry.closes.push(code),
    });
    upgraded.push(entry);
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { url: `${tls ? 'wss' : 'ws'}://127.0.0.1:${port}/`, upgraded };
}

const connections = () =>
  new Promise<number>((resolve, reject) =>
    server!.getConnections((error, count) => (error ? reject(error) : resolve(count))),
  );

describe('an upgraded page connection', () => {
  it('reads into its own buffers on plain HTTP and is still counted by the server until it closes', async () => {
    const { url, upgraded } = await serveUpgrades(false);
    const ws = new WebSocket(url, { perMessageDeflate: false });
    await within(new Promise((resolve) => ws.once('open', resolve)), 5_000, 'open');
    await waitUntil(() => upgraded.length === 1, 'the upgrade');
    const { page, received, closes } = upgraded[0]!;
    expect(page.ownsReadBuffers).toBe(true);
    const message = randomBytes(200_000);
    ws.send(message.subarray(0, 5));
    ws.send(message.subarray(5));
    await waitUntil(() => Buffer.concat(received).length === message.length, 'the message');
    expect(Buffer.concat(received).equals(message)).toBe(true);
    expect(await connections()).toBe(1);
    // server.close() waits for the connection, which moved to the new socket.
    let serverClosed = false;
    server!.close(() => (serverClosed = true));
    await new Promise((r) => setTimeout(r, 100));
    expect(serverClosed).toBe(false);
    ws.close(4001);
    await waitUntil(() => closes.length === 1 && serverClosed, 'the close and the server to stop');
    expect(closes).toEqual([4001]);
  });

  it('takes frames that came with the upgrade request, and reports a page that just hangs up', async () => {
    const { url, upgraded } = await serveUpgrades(false);
    const { port } = new URL(url);
    const socket = connect(Number(port), '127.0.0.1');
    const key = randomBytes(4);
    const payload = Buffer.from('early bytes');
    const frame = Buffer.concat([
      Buffer.from([0x82, 0x80 | payload.length]),
      key,
      Buffer.from(payload.map((byte, i) => byte ^ key[i & 3]!)),
    ]);
    socket.write(
      Buffer.concat([
        Buffer.from(
          `GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
            `Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\n\r\n`,
        ),
        frame,
      ]),
    );
    await waitUntil(() => upgraded[0]?.received.length === 1, 'the early frame');
    expect(upgraded[0]!.page.ownsReadBuffers).toBe(true);
    expect(upgraded[0]!.received[0]!.toString()).toBe('early bytes');
    // A FIN without a close frame is an abnormal closure (RFC 6455 §7.1.5).
    socket.end();
    await waitUntil(() => upgraded[0]!.closes.length === 1, 'the closed event');
    expect(upgraded[0]!.closes).toEqual([1006]);
    expect(await connections()).toBe(0);
  });

  it('stops reading while paused and delivers everything once resumed', async () => {
    const { url, upgraded } = await serveUpgrades(false);
    const ws = new WebSocket(url, { perMessageDeflate: false });
    await within(new Promise((resolve) => ws.once('open', resolve)), 5_000, 'open');
    await waitUntil(() => upgraded.length === 1, 'the upgrade');
    const { page, received } = upgraded[0]!;
    page.pause();
    const message = randomBytes(3 * 1024 * 1024);
    ws.send(message);
    await new Promise((r) => setTimeout(r, 200));
    // Paused before anything came: nothing is read, it waits in the kernel.
    expect(received).toEqual([]);
    page.resume();
    await waitUntil(() => Buffer.concat(received).length === message.length, 'the rest of the message');
    expect(Buffer.concat(received).equals(message)).toBe(true);
    ws.close();
  });

  it('keeps the TLS socket as it is over HTTPS, and carries the same bytes', async () => {
    const { url, upgraded } = await serveUpgrades(true);
    const ws = new WebSocket(url, {
      perMessageDeflate: false,
      // Not what is tested here: the certificate names 127.0.0.1 as a DNS name.
      rejectUnauthorized: false,
    });
    await within(new Promise((resolve) => ws.once('open', resolve)), 5_000, 'open');
    await waitUntil(() => upgraded.length === 1, 'the upgrade');
    expect(upgraded[0]!.page.ownsReadBuffers).toBe(false);
    const message = randomBytes(300_000);
    ws.send(message);
    await waitUntil(() => Buffer.concat(upgraded[0]!.received).length === message.length, 'the message');
    expect(Buffer.concat(upgraded[0]!.received).equals(message)).toBe(true);
    ws.close(4002);
    await waitUntil(() => upgraded[0]!.closes.length === 1, 'the close');
    expect(upgraded[0]!.closes).toEqual([4002]);
  });
});

describe('a tunnel on reused read buffers', () => {
  it('notices a page that hangs up while the host is still being looked up', async () => {
    let dialled = 0;
    tcp = await startTcpServer(() => (dialled += 1));
    const lines: string[] = [];
    bridge = await startBridge({
      listen: '127.0.0.1',
      port: 0,
      allow: [`slow.test:${tcp.port}`],
      // The lookup takes 2 s.
      lookup: () =>
        new Promise((resolve) => setTimeout(() => resolve([{ address: '127.0.0.1', family: 4 }]), 2_000)),
      log: (line) => lines.push(line),
    });
    for (const hangUp of ['reset', 'fin'] as const) {
      const { socket } = await rawTunnel(bridge.url, 'slow.test', tcp.port);
      // The page's first bytes (its ClientHello), kept until the host connection is up.
      socket.write(maskedFrame(0x2, Buffer.from('client hello')));
      await new Promise((r) => setTimeout(r, 100));
      expect(bridge.openTunnels()).toBe(1);
      if (hangUp === 'reset') socket.resetAndDestroy();
      else socket.end();
      await waitUntil(() => bridge!.openTunnels() === 0, `the tunnel to close (${hangUp})`, 1_000);
    }
    expect(lines).toHaveLength(2);
    for (const line of lines) expect(line).toMatch(/close=1006 reason="page closed"$/);
    // Nobody is dialled for pages that are gone.
    await new Promise((r) => setTimeout(r, 2_500));
    expect(dialled).toBe(0);
  }, 15_000);

  it('counts the whole read buffers that queued bytes keep, not just the bytes, against the limit', async () => {
    // A host that never reads, and a page whose every read holds one small binary message and many pongs:
    // each queued view of a few hundred bytes keeps its read buffer (up to 1 MB) from reuse.
    ({ bridge, tcp } = await startBridgeToTcp((socket) => socket.pause()));
    const { socket } = await rawTunnel(bridge.url, '127.0.0.1', tcp.port);
    const pong = maskedFrame(0xa, Buffer.alloc(125, 7));
    const unit = Buffer.concat([maskedFrame(0x2, Buffer.alloc(256, 1)), ...Array<Buffer>(500).fill(pong)]);
    const block = Buffer.concat(Array<Buffer>(64).fill(unit)); // about 4 MB
    await new Promise((r) => setTimeout(r, 200));
    const before = liveArrayBufferBytes();
    // Send until the bridge stops reading (no drain for a second) or 30 s have passed.
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      if (socket.write(block)) continue;
      const drained = await Promise.race([
        new Promise<boolean>((resolve) => socket.once('drain', () => resolve(true))),
        new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 1_000)),
      ]);
      if (!drained) break;
    }
    const held = liveArrayBufferBytes() - before;
    socket.destroy();
    // The 512 KB limit, the read that crossed it and the pool of spare buffers (16 MB); without the
    // buffers counted it was about 150 MB.
    expect(held).toBeLessThan(20 * 1024 * 1024);
  }, 60_000);

  it('holds no large read buffers for tunnels that went idle after a bulk transfer', async () => {
    ({ bridge, tcp } = await startBridgeToTcp());
    const tunnels = 16;
    const sockets = await Promise.all(
      Array.from({ length: tunnels }, async () => {
        const ws = connectTunnel(bridge!.url, '127.0.0.1', tcp!.port);
        await opened(ws);
        return ws;
      }),
    );
    // Spare buffers in the pool are bounded by design (16 MB) and not counted.
    const retained = () => liveArrayBufferBytes() - pooledReadBuffers() * (1024 * 1024 + 10);
    const before = retained();
    const message = randomBytes(1024 * 1024);
    // Each tunnel echoes 8 MB, so the bridge's reads grow to 1 MB both ways; then it stays open and idle.
    await Promise.all(
      sockets.map(async (ws) => {
        const back = receive(ws, 8 * message.length, 60_000);
        for (let i = 0; i < 8; i++) ws.send(message);
        await back;
      }),
    );
    await new Promise((r) => setTimeout(r, 500));
    // Without the shared buffer for the read after a burst: about 1.6 MB a tunnel (page and host side).
    expect(retained() - before).toBeLessThan(tunnels * 256 * 1024);
    for (const ws of sockets) ws.close();
  }, 90_000);
});
