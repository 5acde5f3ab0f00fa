// Builds TLS presentation-language structures (RFC 8446 §3): big-endian integers and vectors whose length
// prefix is patched in once the body is written.

export class ByteWriter {
  private buffer: Uint8Array;
  private length = 0;

  constructor(initialCapacity = 256) {
    this.buffer = new Uint8Array(initialCapacity);
  }

  private reserve(count: number): void {
    if (this.length + count <= this.buffer.length) return;
    let capacity = this.buffer.length * 2;
    while (capacity < this.length + count) capacity *= 2;
    const grown = new Uint8Array(capacity);
    grown.set(this.buffer.subarray(0, this.length));
    this.buffer = grown;
  }

  u8(value: number): this {
    this.reserve(1);
    this.buffer[this.length++] = value & 0xff;
    return this;
  }

  u16(value: number): this {
    this.reserve(2);
    this.buffer[this.length++] = (value >>> 8) & 0xff;
    this.buffer[this.length++] = value & 0xff;
    return this;
  }

  u24(value: number): this {
    this.reserve(3);
    this.buffer[this.length++] = (value >>> 16) & 0xff;
    this.buffer[this.length++] = (value >>> 8) & 0xff;
    this.buffer[this.length++] = value & 0xff;
    return this;
  }

  u32(value: number): this {
    this.u16(Math.floor(value / 0x10000));
    return this.u16(value % 0x10000);
  }

  bytes(data: Uint8Array): this {
    this.reserve(data.length);
    this.buffer.set(data, this.length);
    this.length += data.length;
    return this;
  }

  private prefixed(width: 1 | 2 | 3, max: number, body: (writer: this) => void): this {
    const start = this.length;
    this.reserve(width);
    this.length += width;
    body(this);
    const size = this.length - start - width;
    if (size > max) throw new RangeError(`vector of ${size} bytes exceeds its ${width}-byte length prefix`);
    for (let i = 0; i < width; i++) this.buffer[start + i] = (size >>> (8 * (width - 1 - i))) & 0xff;
    return this;
  }

  /** opaque x<0..2^8-1>, body written by the callback */
  vec8(body: (writer: this) => void): this {
    return this.prefixed(1, 0xff, body);
  }

  vec16(body: (writer: this) => void): this {
    return this.prefixed(2, 0xffff, body);
  }

  vec24(body: (writer: this) => void): this {
    return this.prefixed(3, 0xffffff, body);
  }

  finish(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }
}
