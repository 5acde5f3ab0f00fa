import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from './hex';

describe('hex', () => {
  it('round-trips bytes as lowercase hex', () => {
    const bytes = new Uint8Array([0, 1, 0xab, 0xff]);
    expect(toHex(bytes)).toBe('0001abff');
    expect(fromHex('0001ABFF')).toEqual(bytes);
  });

  it('ignores whitespace and colon separators', () => {
    expect(fromHex('00:01 ab\nff')).toEqual(new Uint8Array([0, 1, 0xab, 0xff]));
  });

  it('refuses odd lengths and non-hex characters', () => {
    expect(() => fromHex('abc')).toThrow(TypeError);
    expect(() => fromHex('zz')).toThrow(/not a hexadecimal/);
  });
});
