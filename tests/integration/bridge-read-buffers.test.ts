// The page's connection after the upgrade (bridge/ws-connection.ts with bridge/socket-reads.ts): on plain
// HTTP it moves onto a socket that reads into the bridge's own buffers, and must still behave as the
// socket node:http handed over: the bytes that came with the upgrade request, flow control, the closing
// handshake, an abrupt end, and the server's count of open connections. Over HTTPS it keeps the socket.
import { createServer as createHttpServer, type IncomingMessage, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { within } from '../../bridge/test-support';
import { PageConnection } from '../../bridge/ws-connection';
import { checkHandshake, switchingProtocols } from '../../bridge/ws-handshake';
import { makeCertificate, removeTempDirs, type TestCertificate } from '../support/tls-peers';

interface Upgraded {
  page: PageConnection;
  received: Buffer[];
  closes: number[];
}

let server: Server | undefined;
let certificate: TestCertificate;

beforeAll(() => {
  certificate = makeCertificate('ec', '127.0.0.1');
});

afterAll(() => removeTempDirs());

afterEach(async () => {
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

async function until(condition: () => boolean, what: string): Promise<void> {
  await within(
    (async () => {
      while (!condition()) await new Promise((r) => setTimeout(r, 5));
    })(),
    5_000,
    what,
  );
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
    await until(() => upgraded.length === 1, 'the upgrade');
    const { page, received, closes } = upgraded[0]!;
    expect(page.ownsReadBuffers).toBe(true);
    const message = randomBytes(200_000);
    ws.send(message.subarray(0, 5));
    ws.send(message.subarray(5));
    await until(() => Buffer.concat(received).length === message.length, 'the message');
    expect(Buffer.concat(received).equals(message)).toBe(true);
    expect(await connections()).toBe(1);
    // server.close() waits for the connection, which moved to the new socket.
    let serverClosed = false;
    server!.close(() => (serverClosed = true));
    await new Promise((r) => setTimeout(r, 100));
    expect(serverClosed).toBe(false);
    ws.close(4001);
    await until(() => closes.length === 1 && serverClosed, 'the close and the server to stop');
    expect(closes).toEqual([4001]);
  });

  it('takes frames that came with the upgrade request, and reports a page that just hangs up', async () => {
    const { url, upgraded } = await serveUpgrades(false);
    const { port } = new URL(url);
    const { connect } = await import('node:net');
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
    await until(() => upgraded[0]?.received.length === 1, 'the early frame');
    expect(upgraded[0]!.page.ownsReadBuffers).toBe(true);
    expect(upgraded[0]!.received[0]!.toString()).toBe('early bytes');
    // A FIN without a close frame is an abnormal closure (RFC 6455 §7.1.5).
    socket.end();
    await until(() => upgraded[0]!.closes.length === 1, 'the closed event');
    expect(upgraded[0]!.closes).toEqual([1006]);
    expect(await connections()).toBe(0);
  });

  it('stops reading while paused and delivers everything once resumed', async () => {
    const { url, upgraded } = await serveUpgrades(false);
    const ws = new WebSocket(url, { perMessageDeflate: false });
    await within(new Promise((resolve) => ws.once('open', resolve)), 5_000, 'open');
    await until(() => upgraded.length === 1, 'the upgrade');
    const { page, received } = upgraded[0]!;
    page.pause();
    const message = randomBytes(3 * 1024 * 1024);
    ws.send(message);
    await new Promise((r) => setTimeout(r, 200));
    // Paused before anything came: nothing is read, it waits in the kernel.
    expect(received).toEqual([]);
    page.resume();
    await until(() => Buffer.concat(received).length === message.length, 'the rest of the message');
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
    await until(() => upgraded.length === 1, 'the upgrade');
    expect(upgraded[0]!.page.ownsReadBuffers).toBe(false);
    const message = randomBytes(300_000);
    ws.send(message);
    await until(() => Buffer.concat(upgraded[0]!.received).length === message.length, 'the message');
    expect(Buffer.concat(upgraded[0]!.received).equals(message)).toBe(true);
    ws.close(4002);
    await until(() => upgraded[0]!.closes.length === 1, 'the close');
    expect(upgraded[0]!.closes).toEqual([4002]);
  });
});
