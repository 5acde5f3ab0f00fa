// Reads the big-endian integers and length-prefixed vectors of the TLS presentation language
// (RFC 8446 §3). Every read is bounds-checked; running past the end throws ByteReaderError, which the TLS
// layer turns into a decode_error alert.

export class ByteReaderError extends Error {
  override name = 'ByteReaderError';
}

export class ByteReader {
  private offset = 0;

  constructor(private readonly bytes: Uint8Array) {}

  get remaining(): number {
    return this.bytes.length - this.offset;
  }

  get position(): number {
    return this.offset;
  }

  private need(count: number, what: string): void {
    if (count > this.remaining) {
      throw new ByteReaderError(`truncated ${what}: need ${count} bytes, ${this.remaining} left`);
    }
  }

  u8(what = 'u8'): number {
    this.need(1, what);
    return this.bytes[this.offset++] as number;
  }

  u16(what = 'u16'): number {
    this.need(2, what);
    const value = ((this.bytes[this.offset] as number) << 8) | (this.bytes[this.offset + 1] as number);
    this.offset += 2;
    return value;
  }

  u24(what = 'u24'): number {
    this.need(3, what);
    const b = this.bytes;
    const o = this.offset;
    this.offset += 3;
    return ((b[o] as number) << 16) | ((b[o + 1] as number) << 8) | (b[o + 2] as number);
  }

  u32(what = 'u32'): number {
    this.need(4, what);
    const high = this.u16(what);
    return high * 0x10000 + this.u16(what);
  }

  /** The next `count` bytes, as a view (no copy). */
  bytesOf(count: number, what = 'bytes'): Uint8Array {
    this.need(count, what);
    const out = this.bytes.subarray(this.offset, this.offset + count);
    this.offset += count;
    return out;
  }

  rest(): Uint8Array {
    return this.bytesOf(this.remaining);
  }

  /** opaque x<0..2^8-1> */
  vec8(what = 'vector'): Uint8Array {
    return this.bytesOf(this.u8(what), what);
  }

  /** opaque x<0..2^16-1> */
  vec16(what = 'vector'): Uint8Array {
    return this.bytesOf(this.u16(what), what);
  }

  /** opaque x<0..2^24-1> */
  vec24(what = 'vector'): Uint8Array {
    return this.bytesOf(this.u24(what), what);
  }

  /** Fails unless every byte was consumed: TLS structures have no trailing bytes. */
  end(what = 'structure'): void {
    if (this.remaining !== 0) throw new ByteReaderError(`${this.remaining} trailing bytes after ${what}`);
  }
}
