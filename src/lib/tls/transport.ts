// The byte-stream seam between the TLS client and the network (contract: /work/notes/tls-api.md).

/** A reliable byte stream (TCP, or a WebSocket tunnel through the bridge). */
export interface ByteTransport {
  /** Resolves with the next chunk from the peer, or null once the peer closed (EOF). Rejects on error. */
  read(): Promise<Uint8Array | null>;
  write(bytes: Uint8Array): Promise<void>;
  /** Closes the underlying connection; idempotent. */
  close(): void;
}

/** Opens a transport to host:port (TCP in Node, the bridge tunnel in the page). */
export type Connector = (host: string, port: number) => Promise<ByteTransport>;

/** Error from the transport itself (connect refused, tunnel refused, reset), distinct from TLS failures. */
export class TransportError extends Error {
  override name = 'TransportError';
  constructor(
    message: string,
    readonly code: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * Turns push-style events (socket data/end/error) into the pull-style read() of ByteTransport.
 * Used by both transports.
 */
export class ChunkQueue {
  private chunks: Uint8Array[] = [];
  private waiting: { resolve: (chunk: Uint8Array | null) => void; reject: (error: unknown) => void }[] = [];
  private ended = false;
  private error: unknown;

  push(chunk: Uint8Array): void {
    const waiter = this.waiting.shift();
    if (waiter) waiter.resolve(chunk);
    else this.chunks.push(chunk);
  }

  end(): void {
    this.ended = true;
    for (const waiter of this.waiting.splice(0)) waiter.resolve(null);
  }

  fail(error: unknown): void {
    if (this.ended || this.error !== undefined) return;
    this.error = error;
    for (const waiter of this.waiting.splice(0)) waiter.reject(error);
  }

  read(): Promise<Uint8Array | null> {
    const chunk = this.chunks.shift();
    if (chunk) return Promise.resolve(chunk);
    if (this.error !== undefined) return Promise.reject(this.error);
    if (this.ended) return Promise.resolve(null);
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }
}
