// Buffers the bridge reads into, from hosts and from pages (through `onread`: tunnel.ts, socket-reads.ts).
// Each has frameRoom spare bytes in front of it, where a WebSocket frame header can be written, so a host
// read goes to the page as one write without a copy (ws-connection.ts sendInPlace).
//
// - Small reads (under sharedBelowBytes) all go into one buffer shared by every connection. The event loop
//   runs one read callback at a time and the callback copies out whatever it keeps, so an idle tunnel holds
//   no read buffer of its own while it waits (10,000 idle tunnels, two sockets each, would otherwise keep
//   about 20 MB of them).
// - Larger reads get their own buffer, since their bytes are handed on as views without a copy. Full-size
//   ones are recycled once nothing refers to them any more: a bulk transfer then reuses a handful of
//   buffers instead of allocating and freeing 1 MB per read, which kept V8's background threads busy
//   sweeping freed array buffers.
import { frameRoom } from './ws-frames';

/** Read sizes grow from this while reads fill their buffer... */
export const minReadBytes = 1024;
/** ...up to this, and shrink back while they do not. */
export const maxReadBytes = 1024 * 1024;
/** Reads smaller than this go into the shared buffer, whose contents last only until the next read. */
export const sharedBelowBytes = 16 * 1024;
// The largest read size (sizes are minReadBytes times a power of two) that goes into the shared buffer.
const largestSharedBytes = sharedBelowBytes / 2;
// At most this many spare full-size buffers are kept for all tunnels together (16 MB).
const poolLimit = 16;
const pool: Buffer[] = [];
const shared = Buffer.allocUnsafeSlow(frameRoom + sharedBelowBytes);

/**
 * A buffer of `size` bytes with frameRoom bytes in front of it in the same memory: below sharedBelowBytes,
 * a view of the shared buffer (see isSharedReadBuffer).
 */
export function takeReadBuffer(size: number): Buffer {
  if (size < sharedBelowBytes) return shared.subarray(frameRoom, frameRoom + size);
  if (size === maxReadBytes) {
    const recycled = pool.pop();
    if (recycled) return recycled;
  }
  return Buffer.allocUnsafe(frameRoom + size).subarray(frameRoom);
}

/** Whether `buffer` lies in the shared buffer: what a read put there must be copied to be kept. */
export function isSharedReadBuffer(buffer: Buffer): boolean {
  return buffer.buffer === shared.buffer;
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
 * less than a quarter of it, between minReadBytes and maxReadBytes. After a read that left a buffer of its
 * own partly empty (the end of a burst, or a lull) the next read goes into the shared buffer, because Node
 * takes the next buffer as soon as a read is done and an idle connection would hold it for as long as it
 * stays idle; if that read fills the shared buffer, the size goes straight back.
 */
export class ReadSize {
  bytes = minReadBytes;
  private resumeBytes = 0;

  /** Takes a buffer for the next read, of the current size. */
  take(): Buffer {
    return takeReadBuffer(this.bytes);
  }

  /** Adjusts the size after a read put `length` bytes into a buffer of `capacity` bytes. */
  adjust(length: number, capacity: number): void {
    const resume = this.resumeBytes;
    this.resumeBytes = 0;
    if (length === capacity) {
      this.bytes = resume > 0 ? resume : Math.min(capacity * 2, maxReadBytes);
      return;
    }
    const next = length < capacity / 4 ? Math.max(capacity / 2, minReadBytes) : capacity;
    if (next < sharedBelowBytes) this.bytes = next;
    else {
      this.resumeBytes = next;
      this.bytes = largestSharedBytes;
    }
  }
}
