import { describe, expect, it } from 'vitest';
import { concat, equalBytes } from './concat';
import { toHex } from './hex';
import { ByteReader, ByteReaderError } from './reader';
import { ByteWriter } from './writer';

describe('ByteWriter / ByteReader', () => {
  it('round-trips integers and length-prefixed vectors', () => {
    const bytes = new ByteWriter(2)
      .u8(0xab)
      .u16(0x1234)
      .u24(0x56789a)
      .u32(0xdeadbeef)
      .vec8((w) => w.bytes(Uint8Array.of(1, 2)))
      .vec16((w) => w.u8(3))
      .vec24((w) => w.vec8((x) => x.u8(4)))
      .finish();
    expect(toHex(bytes)).toBe('ab123456789adeadbeef020102000103000002010' + '4');
    const reader = new ByteReader(bytes);
    expect(reader.u8()).toBe(0xab);
    expect(reader.u16()).toBe(0x1234);
    expect(reader.u24()).toBe(0x56789a);
    expect(reader.u32()).toBe(0xdeadbeef);
    expect([...reader.vec8()]).toEqual([1, 2]);
    expect([...reader.vec16()]).toEqual([3]);
    expect([...reader.vec24()]).toEqual([1, 4]);
    reader.end();
  });

  it('fails with ByteReaderError past the end or with trailing bytes', () => {
    expect(() => new ByteReader(Uint8Array.of(0, 5, 1)).vec16()).toThrow(ByteReaderError);
    expect(() => new ByteReader(Uint8Array.of(1)).u16()).toThrow(/truncated/);
    const reader = new ByteReader(Uint8Array.of(1, 2));
    reader.u8();
    expect(() => reader.end('thing')).toThrow(/trailing/);
  });

  it('refuses a vector longer than its prefix allows', () => {
    expect(() => new ByteWriter().vec8((w) => w.bytes(new Uint8Array(256)))).toThrow(RangeError);
  });
});

describe('concat / equalBytes', () => {
  it('joins and compares', () => {
    expect([...concat(Uint8Array.of(1), new Uint8Array(0), Uint8Array.of(2, 3))]).toEqual([1, 2, 3]);
    expect(equalBytes(Uint8Array.of(1, 2), Uint8Array.of(1, 2))).toBe(true);
    expect(equalBytes(Uint8Array.of(1, 2), Uint8Array.of(1, 3))).toBe(false);
    expect(equalBytes(Uint8Array.of(1), Uint8Array.of(1, 2))).toBe(false);
  });
});
