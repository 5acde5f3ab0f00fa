// Helpers shared by the bridge's integration tests and benchmark: a loopback TCP echo server, WebSocket
// clients for the tunnel, and waits that always time out instead of hanging.
import { randomBytes } from 'node:crypto';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { WebSocket } from 'ws';
import type { BridgeOptions } from './options';
import { startBridge, type RunningBridge } from './server';

export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export interface TcpServer {
  port: number;
  server: Server;
  sockets: Set<Socket>;
  close(): Promise<void>;
}

/** A TCP server on 127.0.0.1 and a port the OS picks; `onSocket` decides what it does (default: echo). */
export async function startTcpServer(
  onSocket: (socket: Socket) => void = (s) => s.pipe(s),
): Promise<TcpServer> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
    onSocket(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no address');
  return {
    port: address.port,
    server,
    sockets,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/**
 * A bridge on 127.0.0.1 whose allowlist lets it reach a fresh loopback TCP server (`onSocket`, default echo);
 * the bridge's one-line-per-tunnel log goes to `lines`.
 */
export async function startBridgeToTcp(
  onSocket?: (socket: Socket) => void,
  extra: Partial<BridgeOptions> = {},
): Promise<{ bridge: RunningBridge; tcp: TcpServer; lines: string[] }> {
  const tcp = await startTcpServer(onSocket);
  const lines: string[] = [];
  const bridge = await startBridge({
    listen: '127.0.0.1',
    port: 0,
    allow: [`127.0.0.1:${tcp.port}`],
    log: (line) => lines.push(line),
    ...extra,
  });
  return { bridge, tcp, lines };
}

/** The tunnel URL for a bridge base URL (http/https) and a destination. */
export function tunnelUrl(bridgeUrl: string, host: string, port: number | string): string {
  const url = new URL(bridgeUrl);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.pathname = '/tunnel';
  url.search = new URLSearchParams({ host, port: String(port) }).toString();
  return url.toString();
}

/** The Origin a page served by this bridge would send. */
export function originOf(bridgeUrl: string): string {
  return new URL(bridgeUrl).origin;
}

export function connectTunnel(
  bridgeUrl: string,
  host: string,
  port: number | string,
  options: { origin?: string; ca?: string | Buffer; headers?: Record<string, string> } = {},
): WebSocket {
  return new WebSocket(tunnelUrl(bridgeUrl, host, port), {
    origin: options.origin ?? originOf(bridgeUrl),
    perMessageDeflate: false,
    ...(options.ca ? { ca: options.ca } : {}),
    headers: options.headers,
  });
}

export function opened(ws: WebSocket, ms = 5_000): Promise<void> {
  return within(
    new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    }),
    ms,
    'the WebSocket to open',
  );
}

export function closed(ws: WebSocket, ms = 5_000): Promise<{ code: number; reason: string }> {
  return within(
    new Promise((resolve) => {
      ws.on('error', () => {});
      ws.once('close', (code, reason) => resolve({ code, reason: reason.toString('utf8') }));
    }),
    ms,
    'the WebSocket to close',
  );
}

/** Resolves with the HTTP status when the server refuses the upgrade. */
export function refusedStatus(ws: WebSocket, ms = 5_000): Promise<number> {
  return within(
    new Promise((resolve, reject) => {
      ws.once('unexpected-response', (_req, res) => {
        resolve(res.statusCode ?? 0);
        res.resume();
      });
      ws.once('open', () => reject(new Error('the upgrade was accepted')));
      ws.on('error', () => {});
    }),
    ms,
    'the upgrade to be refused',
  );
}

/** Collects `total` bytes from a WebSocket. */
export function receive(ws: WebSocket, total: number, ms = 10_000): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let length = 0;
  return within(
    new Promise((resolve) => {
      const onMessage = (data: Buffer) => {
        chunks.push(data);
        length += data.length;
        if (length >= total) {
          ws.off('message', onMessage);
          resolve(Buffer.concat(chunks));
        }
      };
      ws.on('message', onMessage);
    }),
    ms,
    `${total} bytes`,
  );
}

/** Polls `condition` every 5 ms until it holds; fails after `ms`. */
export async function waitUntil(condition: () => boolean, what: string, ms = 5_000): Promise<void> {
  await within(
    (async () => {
      while (!condition()) await new Promise((r) => setTimeout(r, 5));
    })(),
    ms,
    what,
  );
}

/** A masked client frame (RFC 6455 §5.2), as a page sends it, with any payload length. */
export function maskedFrame(opcode: number, payload: Buffer, fin = true): Buffer {
  const length = payload.length;
  const extended = length < 126 ? 0 : length < 65536 ? 2 : 8;
  const frame = Buffer.alloc(2 + extended + 4 + length);
  frame[0] = (fin ? 0x80 : 0) | opcode;
  frame[1] = 0x80 | (extended === 0 ? length : extended === 2 ? 126 : 127);
  if (extended === 2) frame.writeUInt16BE(length, 2);
  if (extended === 8) frame.writeBigUInt64BE(BigInt(length), 2);
  const key = randomBytes(4);
  key.copy(frame, 2 + extended);
  for (let i = 0; i < length; i++) frame[2 + extended + 4 + i] = payload[i]! ^ key[i & 3]!;
  return frame;
}

/**
 * Opens a tunnel on a plain socket, for tests that send crafted frames; resolves once the 101 has come.
 * `early` goes in the same write as the upgrade request.
 */
export async function rawTunnel(
  bridgeUrl: string,
  host: string,
  port: number,
  early: Buffer = Buffer.alloc(0),
): Promise<{ socket: Socket; received: () => Buffer }> {
  const url = new URL(bridgeUrl);
  const socket = connect(Number(url.port), url.hostname);
  socket.on('error', () => {});
  let answer = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => (answer = Buffer.concat([answer, chunk])));
  const request =
    `GET /tunnel?host=${host}&port=${port} HTTP/1.1\r\nHost: ${url.host}\r\n` +
    `Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n` +
    `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nOrigin: ${url.origin}\r\n\r\n`;
  socket.write(Buffer.concat([Buffer.from(request), early]));
  await waitUntil(() => answer.includes('\r\n\r\n'), 'the 101');
  const status = answer.subarray(0, answer.indexOf('\r\n')).toString('latin1');
  if (!status.startsWith('HTTP/1.1 101 ')) throw new Error(`upgrade refused: ${status}`);
  return { socket, received: () => answer };
}
