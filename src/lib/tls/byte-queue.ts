// A growable FIFO of bytes for reassembling records and handshake messages. Appending copies into spare
// capacity (doubling when full), so a peer that sends its data one byte at a time costs linear, not
// quadratic, work: joining the whole pending buffer on every append would let a 256 KiB handshake message in
// one-byte records cost tens of gigabytes of copying.
export class ByteQueue {
  private buffer = new Uint8Array(0);
  private start = 0;
  private end = 0;

  get length(): number {
    return this.end - this.start;
  }

  push(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    if (this.end + bytes.length > this.buffer.length) {
      const needed = this.length + bytes.length;
      // Compact only when at most half is live, so each byte is moved a bounded number of times.
      if (needed <= this.buffer.length / 2) {
        this.buffer.copyWithin(0, this.start, this.end);
      } else {
        const grown = new Uint8Array(Math.max(needed, this.buffer.length * 2, 256));
        grown.set(this.buffer.subarray(this.start, this.end));
        this.buffer = grown;
      }
      this.end -= this.start;
      this.start = 0;
    }
    this.buffer.set(bytes, this.end);
    this.end += bytes.length;
  }

  /** The byte at `offset` from the front (undefined past the end). */
  at(offset: number): number | undefined {
    return offset < this.length ? this.buffer[this.start + offset] : undefined;
  }

  /** A copy of the first `count` bytes, removed from the queue. */
  take(count: number): Uint8Array {
    if (count > this.length) throw new RangeError('not enough bytes queued');
    const out = this.buffer.slice(this.start, this.start + count);
    this.start += count;
    if (this.start === this.end) this.start = this.end = 0;
    return out;
  }
}
