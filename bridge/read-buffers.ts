// Buffers the bridge reads host data into. Each has frameRoom spare bytes in front of it, where the
// WebSocket frame header is written, so a read goes to the page as one write without a copy
// (ws-connection.ts sendInPlace). Full-size buffers are recycled once their frame is in the kernel: a bulk
// transfer then reuses a handful of buffers instead of allocating and freeing 1 MB per read, which kept
// V8's background threads busy sweeping freed array buffers.
import { frameRoom } from './ws-frames';

/** Read sizes grow from this while reads fill their buffer... */
export const minReadBytes = 1024;
/** ...up to this, and shrink back while they do not. */
export const maxReadBytes = 1024 * 1024;
// At most this many spare full-size buffers are kept for all tunnels together (16 MB).
const poolLimit = 16;
const pool: Buffer[] = [];

/** A buffer of `size` bytes with frameRoom bytes in front of it in the same memory. */
export function takeReadBuffer(size: number): Buffer {
  if (size === maxReadBytes) {
    const recycled = pool.pop();
    if (recycled) return recycled;
  }
  return Buffer.allocUnsafe(frameRoom + size).subarray(frameRoom);
}

/**
 * Hands a buffer from takeReadBuffer back for reuse. Only once nothing refers to its memory any more: its
 * frame written (or dropped), and no view of it kept.
 */
export function recycleReadBuffer(buffer: Buffer): void {
  if (buffer.length === maxReadBytes && buffer.byteOffset === frameRoom && pool.length < poolLimit)
    pool.push(buffer);
}

/** Spare buffers right now (for tests). */
export function pooledReadBuffers(): number {
  return pool.length;
}

/**
 * The size of a connection's next read: it doubles while reads fill their buffer and halves while they use
 * less than a quarter of it, between minReadBytes and maxReadBytes.
 */
export class ReadSize {
  bytes = minReadBytes;

  /** Takes a buffer for the next read, of the current size. */
  take(): Buffer {
    return takeReadBuffer(this.bytes);
  }

  /** Adjusts the size after a read put `length` bytes into a buffer of `capacity` bytes. */
  adjust(length: number, capacity: number): void {
    if (length === capacity) this.bytes = Math.min(this.bytes * 2, maxReadBytes);
    else if (length < capacity / 4) this.bytes = Math.max(this.bytes / 2, minReadBytes);
  }
}
