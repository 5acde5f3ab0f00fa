// A minimal stand-in for the project's bridge, for testing the page's WebSocket transport in Node: one
// WebSocket at /tunnel?host=&port= becomes one TCP connection. Only 127.0.0.1 is reachable, and only the
// ports the test allows; close codes follow bridge/close-codes.ts (1000 peer closed, 4001 not allowed,
// 4003 refused). The real bridge refuses loopback targets, so it cannot carry these loopback tests.
import { connect } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

export interface TunnelRelay {
  url: string;
  close(): Promise<void>;
}

export async function startTunnelRelay(allowedPorts: number[]): Promise<TunnelRelay> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  server.on('connection', (socket: WebSocket, request) => {
    const url = new URL(request.url ?? '/', 'http://relay');
    const host = url.searchParams.get('host');
    const port = Number(url.searchParams.get('port'));
    if (url.pathname !== '/tunnel' || host !== '127.0.0.1' || !allowedPorts.includes(port)) {
      socket.close(4001, `port ${port} is not allowed`);
      return;
    }
    const tcp = connect({ host, port });
    let connected = false;
    tcp.on('connect', () => (connected = true));
    tcp.on('data', (chunk) => socket.send(chunk));
    tcp.on('end', () => socket.close(1000));
    tcp.on('error', () => socket.close(connected ? 4006 : 4003, connected ? 'reset' : 'refused'));
    socket.on('message', (data: Buffer) => tcp.write(data));
    socket.on('close', () => tcp.end());
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('relay has no port');
  return {
    url: `ws://127.0.0.1:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of server.clients) client.terminate();
        server.close(() => resolve());
      }),
  };
}
