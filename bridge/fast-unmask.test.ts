import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { maskInto, unmaskInPlace } from './fast-unmask';

function slowXor(data: Uint8Array, mask: Uint8Array): Uint8Array {
  return data.map((byte, i) => byte ^ mask[i & 3]!);
}

describe('unmaskInPlace', () => {
  it('matches byte-wise XOR for every length and alignment', () => {
    const backing = randomBytes(300);
    for (let offset = 0; offset < 8; offset++) {
      for (const length of [0, 1, 2, 3, 4, 5, 7, 8, 31, 64, 65, 200]) {
        const mask = randomBytes(4);
        const slice = new Uint8Array(Buffer.from(backing).buffer, offset, length);
        const expected = slowXor(slice, mask);
        unmaskInPlace(slice, mask);
        expect(Buffer.from(slice).equals(Buffer.from(expected))).toBe(true);
      }
    }
  });

  it('masks into an output buffer at an offset', () => {
    const source = randomBytes(37);
    const mask = randomBytes(4);
    const output = Buffer.alloc(45);
    maskInto(source, mask, output, 8, source.length);
    expect(output.subarray(8).equals(Buffer.from(slowXor(source, mask)))).toBe(true);
  });
});
