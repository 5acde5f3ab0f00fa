// The page connection's reads into reused buffers (read-buffers.ts), and who still holds them. A read's
// bytes are handed on as views; whoever keeps one past the read (the tunnel, until its write to the host is
// done) takes a hold on the read's buffer, and the buffer is reused only once every hold is let go.
import { isSharedReadBuffer, ReadSize, recycleReadBuffer } from './read-buffers';

/** One read: its buffer goes back for reuse once nothing holds it. */
interface Lease {
  buffer: Buffer;
  /** One for the read being delivered, plus one for each kept view not yet released. */
  holds: number;
  /** Whether a view of it was kept, so it counts in heldBytes until released. */
  counted: boolean;
}

export class ReadLeases {
  private readonly size = new ReadSize();
  private current: Lease | null = null;
  private held = 0;

  /** @param onReleased runs when a buffer that counted in heldBytes is let go of */
  constructor(private readonly onReleased: () => void) {}

  /** The buffer for the next read (`onread.buffer`). */
  nextBuffer(): Buffer {
    return this.size.take();
  }

  /** Hands what one read put into `buffer` to `deliver`, during which keep() may hold views of it. */
  deliver(length: number, buffer: Buffer, deliver: (chunk: Buffer) => void): void {
    this.size.adjust(length, buffer.length);
    const lease = { buffer, holds: 1, counted: false };
    this.current = lease;
    try {
      deliver(buffer.subarray(0, length));
    } finally {
      this.current = null;
      this.release(lease);
    }
  }

  /**
   * A chunk being delivered, in a form that may be kept after deliver() returns, and the function to call
   * once done with it: the chunk itself, its read buffer held until then, or a copy when the read went into
   * the buffer that small reads share. Outside deliver() (bytes read by other means) the chunk as it is.
   */
  keep(chunk: Buffer): { bytes: Buffer; release: () => void } {
    const lease = this.current;
    if (!lease) return { bytes: chunk, release: () => {} };
    if (isSharedReadBuffer(lease.buffer)) return { bytes: Buffer.from(chunk), release: () => {} };
    if (!lease.counted) {
      lease.counted = true;
      this.held += lease.buffer.length;
    }
    lease.holds += 1;
    let released = false;
    return {
      bytes: chunk,
      release: () => {
        if (released) return;
        released = true;
        this.release(lease);
      },
    };
  }

  /**
   * Bytes of read buffers held by kept views: the memory the page's data takes in the bridge, which can be
   * far more than the bytes of the views themselves.
   */
  get heldBytes(): number {
    return this.held;
  }

  private release(lease: Lease): void {
    lease.holds -= 1;
    if (lease.holds > 0) return;
    recycleReadBuffer(lease.buffer);
    if (lease.counted) {
      this.held -= lease.buffer.length;
      this.onReleased();
    }
  }
}
