// ByteTransport over node:net for the CLI and tests (the page uses websocket-transport.ts instead).
import { connect, type Socket } from 'node:net';
import { ChunkQueue, TransportError, type ByteTransport } from '../tls/transport';

export function connectTcp(
  host: string,
  port: number,
  options: { timeoutMs?: number } = {},
): Promise<ByteTransport> {
  const timeoutMs = options.timeoutMs ?? 15_000;
  return new Promise((resolve, reject) => {
    const socket: Socket = connect({ host, port });
    socket.setNoDelay(true);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new TransportError(`connecting to ${host}:${port} timed out after ${timeoutMs} ms`, 'timeout'));
    }, timeoutMs);
    const queue = new ChunkQueue();
    socket.on('data', (chunk: Buffer) =>
      queue.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length)),
    );
    socket.on('end', () => queue.end());
    socket.on('close', () => queue.end());
    socket.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      const wrapped = new TransportError(`${host}:${port}: ${error.message}`, error.code ?? 'transport', {
        cause: error,
      });
      queue.fail(wrapped);
      reject(wrapped);
    });
    socket.once('connect', () => {
      clearTimeout(timer);
      let closed = false;
      resolve({
        read: () => queue.read(),
        write: (bytes) =>
          new Promise<void>((done, fail) => {
            if (closed || socket.destroyed) {
              fail(new TransportError('write on a closed connection', 'closed'));
              return;
            }
            socket.write(bytes, (error) => (error ? fail(error) : done()));
          }),
        close: () => {
          if (closed) return;
          closed = true;
          socket.end();
          // Give the FIN a moment, then release the socket whatever the peer does.
          setTimeout(() => socket.destroy(), 1000).unref();
        },
      });
    });
  });
}
