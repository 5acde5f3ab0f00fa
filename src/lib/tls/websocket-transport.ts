// ByteTransport over a WebSocket to the project's bridge (tls-notes §10.2): one tunnel per connection,
// binary frames only. The bridge reports why a tunnel ended with close codes 4001-4005 (bridge/close-codes.ts);
// here they become TransportErrors a person can read.
import { ChunkQueue, TransportError, type ByteTransport } from './transport';

/** Close codes the bridge uses (RFC 6455 §7.4.2 leaves 4000-4999 to applications). */
export const bridgeCloseMessages: Record<number, { code: string; message: string }> = {
  4001: { code: 'not_allowed', message: 'the bridge does not allow connections to this host or port' },
  4002: { code: 'dns_failure', message: 'the host name did not resolve' },
  4003: { code: 'refused', message: 'the host refused the connection or is unreachable' },
  4004: { code: 'timeout', message: 'the connection through the bridge timed out' },
  4005: { code: 'limit', message: 'the bridge is at its connection limit; try again later' },
  4006: { code: 'reset', message: 'the host reset the connection' },
};

export interface WebSocketLike {
  binaryType: string;
  readonly readyState: number;
  send(data: Uint8Array): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
}

export interface WebSocketTransportOptions {
  timeoutMs?: number;
  /** WebSocket constructor; defaults to globalThis.WebSocket (tests in Node pass `ws`). */
  WebSocket?: new (url: string) => WebSocketLike;
}

export function tunnelUrl(bridgeUrl: string, host: string, port: number): string {
  const base = bridgeUrl.replace(/\/+$/, '');
  return `${base}/tunnel?host=${encodeURIComponent(host)}&port=${encodeURIComponent(String(port))}`;
}

function closeError(code: number, reason: string, host: string, port: number): TransportError {
  const known = bridgeCloseMessages[code];
  const detail = reason ? ` (${reason})` : '';
  if (known) return new TransportError(`${host}:${port}: ${known.message}${detail}`, known.code);
  return new TransportError(
    `${host}:${port}: bridge closed the tunnel with code ${code}${detail}`,
    'tunnel_closed',
  );
}

export function connectWebSocket(
  bridgeUrl: string,
  host: string,
  port: number,
  options: WebSocketTransportOptions = {},
): Promise<ByteTransport> {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const Impl =
    options.WebSocket ??
    (globalThis as unknown as { WebSocket?: new (url: string) => WebSocketLike }).WebSocket;
  if (!Impl)
    return Promise.reject(new TransportError('no WebSocket implementation available', 'unsupported'));
  return new Promise((resolve, reject) => {
    const socket = new Impl(tunnelUrl(bridgeUrl, host, port));
    socket.binaryType = 'arraybuffer';
    const queue = new ChunkQueue();
    let opened = false;
    let closed = false;
    const timer = setTimeout(() => {
      socket.close();
      reject(
        new TransportError(
          `opening the tunnel to ${host}:${port} timed out after ${timeoutMs} ms`,
          'timeout',
        ),
      );
    }, timeoutMs);
    socket.onmessage = (event) => {
      if (event.data instanceof ArrayBuffer) queue.push(new Uint8Array(event.data));
      else if (ArrayBuffer.isView(event.data)) {
        const view = event.data;
        queue.push(new Uint8Array(view.buffer, view.byteOffset, view.byteLength));
      } else queue.fail(new TransportError('bridge sent a text frame', 'protocol'));
    };
    socket.onerror = () => {
      if (!opened) {
        clearTimeout(timer);
        reject(new TransportError(`cannot reach the bridge at ${bridgeUrl}`, 'bridge_unreachable'));
      }
    };
    socket.onclose = (event) => {
      clearTimeout(timer);
      closed = true;
      // 1000: the host closed TCP after everything was delivered, an EOF. TLS decides whether it was clean.
      if (event.code === 1000) queue.end();
      else {
        const error = closeError(event.code, event.reason, host, port);
        queue.fail(error);
        if (!opened) reject(error);
      }
    };
    socket.onopen = () => {
      opened = true;
      clearTimeout(timer);
      resolve({
        read: () => queue.read(),
        write: async (bytes) => {
          if (closed) throw new TransportError('write on a closed tunnel', 'closed');
          socket.send(bytes);
        },
        close: () => {
          if (closed) return;
          closed = true;
          socket.close(1000);
        },
      });
    };
  });
}
