import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createStaticHandler, securityHeaders } from './static-files';

export interface BridgeOptions {
  listen: string;
  port: number;
  /** Directory holding the built page. */
  root: string;
}

export interface RunningBridge {
  server: Server;
  url: string;
  close(): Promise<void>;
}

export async function startBridge(options: BridgeOptions): Promise<RunningBridge> {
  const serveStatic = createStaticHandler(options.root);
  const server = createServer((req, res) => {
    if (req.url === '/sign-out' && req.method === 'POST') {
      res.writeHead(204, { ...securityHeaders(), 'Clear-Site-Data': '"cache", "cookies", "storage"' });
      res.end();
      return;
    }
    serveStatic(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' });
      res.end('internal error\n');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.listen, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    server,
    url: `http://${host}:${address.port}/`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
