import { describe, expect, it } from 'vitest';
import { children, DerError, parseDer, readOid, readTime, readUnsignedInteger, Tag } from './der';
import { explicit, integer, oid, sequence, time, utf8String } from './der-writer';
import { fromHex, toHex } from './hex';

describe('DER', () => {
  it('encodes the X.690 example OID and reads it back', () => {
    // X.690 §8.19.5 example: {2 100 3} encodes as 06 03 81 34 03.
    expect(toHex(oid('2.100.3'))).toBe('0603813403');
    expect(readOid(parseDer(fromHex('0603813403')))).toBe('2.100.3');
    expect(toHex(oid('0.9.2342.19200300.100.1.1'))).toBe('060a0992268993f22c640101');
  });

  it('adds and strips the INTEGER sign octet', () => {
    expect(toHex(integer(0x80))).toBe('02020080');
    expect(toHex(integer(0))).toBe('020100');
    expect(toHex(readUnsignedInteger(parseDer(fromHex('02020080'))))).toBe('80');
  });

  it('uses long-form lengths past 127 bytes', () => {
    const long = utf8String('x'.repeat(200));
    expect(toHex(long.subarray(0, 3))).toBe('0c81c8');
    expect(parseDer(long).value.length).toBe(200);
  });

  it('nests sequences and explicit tags', () => {
    const encoded = sequence(explicit(0, integer(2)), integer(7));
    const [version, seven] = children(parseDer(encoded));
    expect(version?.tag).toBe(0xa0);
    expect(readUnsignedInteger(children(version!)[0]!)).toEqual(Uint8Array.of(2));
    expect(seven?.tag).toBe(Tag.integer);
  });

  it('round-trips UTCTime and GeneralizedTime', () => {
    const early = new Date(Date.UTC(2026, 10, 23, 7, 46, 14));
    const late = new Date(Date.UTC(2051, 0, 2, 3, 4, 5));
    expect(readTime(parseDer(time(early)))).toEqual(early);
    expect(readTime(parseDer(time(late)))).toEqual(late);
    expect(parseDer(time(late)).tag).toBe(Tag.generalizedTime);
  });

  it('refuses non-DER encodings', () => {
    expect(() => parseDer(fromHex('3080'))).toThrow(DerError); // indefinite length
    expect(() => parseDer(fromHex('04810100'))).toThrow(/minimally/); // long form for a short length
    expect(() => parseDer(fromHex('0403aabb'))).toThrow(DerError); // runs past the end
    expect(() => parseDer(fromHex('020100ff'))).toThrow(/trailing/);
  });
});
