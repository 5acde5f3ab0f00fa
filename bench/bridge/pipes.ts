// The page's side of a measurement, the same for every peer: a minimal duplex view over a TCP socket (the
// direct baseline) or a WebSocket (the bridge and websockify, through the same client code).
import { connect, type Socket } from 'node:net';
import { WebSocket } from 'ws';
import { openThinWebSocket } from '../../bridge/bench-client';

export interface Pipe {
  /** false when enough is queued that the caller should wait for whenWritable(). */
  send(data: Buffer): boolean;
  onData(listener: (data: Buffer) => void): void;
  whenWritable(): Promise<void>;
  close(): void;
}

export async function openTcp(port: number): Promise<Pipe> {
  // Like the thin WebSocket client, reads go into one reused buffer, handed out as views.
  const listeners: ((data: Buffer) => void)[] = [];
  const readBuffer = Buffer.allocUnsafe(1024 * 1024);
  const socket: Socket = await new Promise((resolve, reject) => {
    const s = connect(
      {
        port,
        host: '127.0.0.1',
        onread: {
          buffer: readBuffer,
          callback: (length) => {
            for (const listener of listeners) listener(readBuffer.subarray(0, length));
            return true;
          },
        },
      },
      () => resolve(s),
    );
    s.once('error', reject);
  });
  socket.setNoDelay(true);
  return {
    send: (data) => socket.write(data),
    onData: (listener) => listeners.push(listener),
    whenWritable: () => new Promise((resolve) => socket.once('drain', () => resolve())),
    close: () => socket.destroy(),
  };
}

/**
 * By default a thin client (bridge/bench-client.ts) that costs the shared CPU little, as a browser's
 * WebSocket costs the server's machine nothing; BENCH_CLIENT=ws uses the `ws` library's client instead.
 */
export const clientKind = process.env.BENCH_CLIENT === 'ws' ? 'ws' : 'thin';

export async function openWs(url: string, origin?: string): Promise<Pipe> {
  if (clientKind === 'thin') return openThinWebSocket(url, origin);
  const ws = new WebSocket(url, { perMessageDeflate: false, ...(origin ? { origin } : {}) });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return {
    send: (data) => {
      ws.send(data);
      return ws.bufferedAmount < 4 * 1024 * 1024;
    },
    onData: (listener) => ws.on('message', (data: Buffer) => listener(data)),
    whenWritable: async () => {
      while (ws.bufferedAmount >= 1024 * 1024) await new Promise((r) => setImmediate(r));
    },
    close: () => ws.close(),
  };
}
