// The bridge's HTTP(S) server: the built page on every path, the tunnel on /tunnel, and a Clear-Site-Data
// endpoint for sign-out. It keeps no state beyond the open tunnels themselves, so any number of copies can
// run behind a load balancer.
import { lookup as dnsLookup } from 'node:dns/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { CloseCode } from './close-codes';
import { parseAllowList, parseTarget, TargetError, type DestinationPolicy } from './destination';
import { clientIp, TunnelLimits } from './limits';
import { TunnelRateLimit } from './rate-limit';
import { stdoutLog } from './log';
import { defaults, parseOrigin, type BridgeOptions, type HostPort, type LookupFunction } from './options';
import { isOriginAllowed } from './origin';
import { createStaticHandler, securityHeaders } from './static-files';
import { openTunnel, type Tunnel, type TunnelSettings } from './tunnel';
import { PageConnection } from './ws-connection';
import { checkHandshake, switchingProtocols } from './ws-handshake';

export type { BridgeOptions } from './options';

export interface RunningBridge {
  server: Server;
  /** The page's address, e.g. http://127.0.0.1:8080/ */
  url: string;
  /** Open tunnels right now. */
  openTunnels(): number;
  /** Stops listening and closes every tunnel with 1001. */
  close(): Promise<void>;
}

const defaultLookup: LookupFunction = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

const statusText: Record<number, string> = {
  400: 'Bad Request',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  426: 'Upgrade Required',
  429: 'Too Many Requests',
};

/** Answers an upgrade request that will not become a tunnel, on the raw socket, and hangs up. */
function refuseUpgrade(
  socket: Socket,
  status: number,
  message: string,
  headers: Record<string, string> = {},
): void {
  if (socket.writable) {
    const body = `${message}\n`;
    const extra = Object.entries(headers)
      .map(([name, value]) => `${name}: ${value}\r\n`)
      .join('');
    socket.end(
      `HTTP/1.1 ${status} ${statusText[status] ?? 'Error'}\r\nConnection: close\r\n${extra}` +
        `Content-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  }
  socket.destroySoon();
}

function schemeOf(request: IncomingMessage, tls: boolean, trustProxy: boolean): 'http' | 'https' {
  if (tls) return 'https';
  const forwarded = request.headers['x-forwarded-proto'];
  if (trustProxy && typeof forwarded === 'string' && forwarded.split(',')[0]?.trim() === 'https')
    return 'https';
  return 'http';
}

export async function startBridge(options: BridgeOptions): Promise<RunningBridge> {
  const tls = options.tls !== undefined;
  const trustProxy = options.trustProxy ?? false;
  const origins = options.origins?.map(parseOrigin);
  const policy: DestinationPolicy = {
    ports: new Set(options.ports ?? defaults.ports),
    allow: parseAllowList(options.allow ?? []),
    allowIpLiterals: options.allowIpLiterals ?? false,
    lookup: options.lookup ?? defaultLookup,
  };
  const settings: TunnelSettings = {
    policy,
    connectTimeoutMs: options.connectTimeoutMs ?? defaults.connectTimeoutMs,
    idleTimeoutMs: options.idleTimeoutMs ?? defaults.idleTimeoutMs,
    maxLifetimeMs: options.maxLifetimeMs ?? defaults.maxLifetimeMs,
    bufferLimitBytes: options.bufferLimitBytes ?? defaults.bufferLimitBytes,
    log: options.log ?? stdoutLog,
  };
  const limits = new TunnelLimits(
    options.maxTunnels ?? defaults.maxTunnels,
    options.maxTunnelsPerIp ?? defaults.maxTunnelsPerIp,
  );
  const rateLimit = new TunnelRateLimit(options.newTunnelsPerMinute ?? defaults.newTunnelsPerMinute);
  // Buckets that have refilled are forgotten, so clients that came once hold no memory.
  const sweeper = setInterval(() => rateLimit.sweep(), 60_000);
  sweeper.unref();
  const tunnels = new Set<Tunnel>();
  const maxMessageBytes = options.maxMessageBytes ?? defaults.maxMessageBytes;

  const serveStatic = options.root ? createStaticHandler(options.root, { hsts: tls }) : null;
  const handleRequest = (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/sign-out') {
      // anchors §5.5: the server half of signing out; the page also clears IndexedDB itself.
      if (req.method !== 'POST') {
        res.writeHead(405, { ...securityHeaders(), Allow: 'POST', 'Content-Type': 'text/plain' });
        res.end('use POST\n');
        return;
      }
      res.writeHead(204, {
        ...securityHeaders(),
        'Cache-Control': 'no-store',
        'Clear-Site-Data': '"cache", "cookies", "storage"',
      });
      res.end();
      return;
    }
    if (path === '/tunnel') {
      res.writeHead(426, { ...securityHeaders(), Upgrade: 'websocket', 'Content-Type': 'text/plain' });
      res.end('this endpoint only speaks WebSocket\n');
      return;
    }
    if (!serveStatic) {
      res.writeHead(404, { ...securityHeaders(), 'Content-Type': 'text/plain' });
      res.end('not found\n');
      return;
    }
    serveStatic(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' });
      res.end('internal error\n');
    });
  };
  // Node enforces headersTimeout/requestTimeout only when it checks its connections, every 30 s by default:
  // a client dribbling its request head would keep the socket up to 40 s instead of 10.
  const http = { connectionsCheckingInterval: 1_000 };
  const server: Server = tls
    ? (createHttpsServer(
        // The TLS handshake precedes the request head and gets the same 10 s (node:tls's default: 120 s).
        { ...http, handshakeTimeout: 10_000, cert: options.tls!.cert, key: options.tls!.key },
        handleRequest,
      ) as unknown as Server)
    : createServer(http, handleRequest);
  // A slow client may not hold a connection open by dribbling headers (anchors §5.8: read-header timeout).
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;

  // Outside the upgrade handler: a closure made there would keep the handler's whole scope, node:http's
  // socket for the upgrade among it, for as long as the tunnel lives (a few KB for each idle tunnel).
  const startTunnel = (ws: PageConnection, target: HostPort, ip: string) => {
    const tunnel = openTunnel(ws, target, ip, settings, () => {
      tunnels.delete(tunnel);
      limits.release(ip);
    });
    tunnels.add(tunnel);
  };

  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    let url: URL;
    try {
      url = new URL(req.url ?? '', 'http://bridge.invalid');
    } catch {
      return refuseUpgrade(socket, 400, 'bad request path');
    }
    if (url.pathname !== '/tunnel') return refuseUpgrade(socket, 404, 'the tunnel is at /tunnel');
    if ((req.headers.upgrade ?? '').toLowerCase() !== 'websocket')
      return refuseUpgrade(socket, 400, 'only WebSocket upgrades are accepted');
    const scheme = schemeOf(req, tls, trustProxy);
    if (!isOriginAllowed({ origin: req.headers.origin, host: req.headers.host, scheme }, origins))
      return refuseUpgrade(socket, 403, 'this origin may not open tunnels');
    let target;
    try {
      target = parseTarget(url.searchParams);
    } catch (error) {
      return refuseUpgrade(socket, 400, error instanceof TargetError ? error.message : 'bad request');
    }
    const handshake = checkHandshake(req);
    if (!handshake.ok) return refuseUpgrade(socket, handshake.status, handshake.message, handshake.headers);
    if (!socket.writable) return socket.destroy();
    const ip = clientIp(req, trustProxy);
    // Refused before the upgrade: a client over its rate costs the bridge no lookup, dial or handshake.
    const rate = rateLimit.take(ip);
    if (!rate.ok)
      return refuseUpgrade(socket, 429, 'too many new tunnels from this address', {
        'Retry-After': String(rate.retryAfterSeconds),
      });
    const ws = new PageConnection(socket, head, maxMessageBytes);
    ws.acceptUpgrade(switchingProtocols(handshake.key));
    // The slot is taken before the next upgrade is looked at, so a burst cannot overshoot the caps.
    const slot = limits.acquire(ip);
    if (!slot.ok) {
      ws.start({ data: () => {}, failed: () => {}, closed: () => {} });
      ws.close(CloseCode.limit, slot.reason);
      return;
    }
    startTunnel(ws, target, ip);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.listen, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    server,
    url: `${tls ? 'https' : 'http'}://${host}:${address.port}/`,
    openTunnels: () => limits.open,
    close: async () => {
      clearInterval(sweeper);
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const tunnel of tunnels) tunnel.shutdown();
      server.closeAllConnections();
      await closed;
    },
  };
}
