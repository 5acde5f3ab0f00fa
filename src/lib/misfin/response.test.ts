import { describe, expect, it } from 'vitest';
import { MisfinProtocolError } from './errors';
import { isSha256Fingerprint, normaliseFingerprint } from './fingerprint';
import { findResponseEnd, formatResponse, parseResponse } from './response';
import { MISFIN_STATUSES, statusInfo } from './status';

const bytes = (s: string) => new TextEncoder().encode(s);
const FP = 'ab'.repeat(32);

describe('parseResponse', () => {
  it('reads the vectors of the doc (§22, §3)', () => {
    expect(parseResponse(bytes('20 abcd1234\r\n'))).toMatchObject({
      status: 20,
      meta: 'abcd1234',
      category: 'success',
      fingerprint: 'abcd1234',
    });
    expect(parseResponse(bytes('20 1e:9f:11\r\n')).fingerprint).toBe('1e9f11');
    expect(parseResponse(bytes('20 fedcba\r\n')).fingerprint).toBe('fedcba');
    const redirect = parseResponse(bytes('31 queen2@localhost\r\n'));
    expect(redirect).toMatchObject({ status: 31, category: 'redirect' });
    expect(redirect.redirect).toEqual({ mailbox: 'queen2', host: 'localhost', port: 1958 });
    expect(redirect.info.name).toBe('SEND HERE FOREVER');
  });

  it('accepts an empty META with or without the SP (doc §6, Estampa)', () => {
    expect(parseResponse(bytes('51 \r\n'))).toMatchObject({ status: 51, meta: '', category: 'permanent' });
    expect(parseResponse(bytes('20\r\n'))).toMatchObject({ status: 20, meta: '' });
    expect(parseResponse(bytes('20\r\n')).fingerprint).toBeUndefined();
  });

  it('gives every spec status its category', () => {
    const cases: [string, string][] = [
      ['20 ' + FP, 'success'],
      ['30 a@b', 'redirect'],
      ['40 temporary error', 'temporary'],
      ['44 slow down', 'temporary'],
      ['45 mailbox full', 'temporary'],
      ["53 that domain isn't served here", 'permanent'],
      ['59 bad request', 'permanent'],
      ['60 certificate required', 'certificate'],
      ["63 you're lying about your certificate", 'certificate'],
      ['64 prove it', 'certificate'],
      ['47 unknown but temporary', 'temporary'],
    ];
    for (const [line, category] of cases) expect(parseResponse(bytes(line + '\r\n')).category).toBe(category);
  });

  it.each([
    ['10 input\r\n', /not a Misfin status/],
    ['70 what\r\n', /not a Misfin status/],
    ['2 short\r\n', /malformed/],
    ['20x\r\n', /malformed/],
    ['20  \n', /ended before its CRLF/],
    ['20 ok\r\nextra', /after the response line/],
    ['30 not an address\r\n', /does not name an address/],
    ['20 a\rb\r\n', /malformed/],
  ])('refuses %j with a MisfinProtocolError', (line, message) => {
    expect(() => parseResponse(bytes(line))).toThrow(MisfinProtocolError);
    expect(() => parseResponse(bytes(line))).toThrow(message);
  });

  it('refuses invalid UTF-8 and lines over 2048 bytes', () => {
    expect(() => parseResponse(new Uint8Array([0x32, 0x30, 0x20, 0xc3, 0x0d, 0x0a]))).toThrow(/UTF-8/);
    expect(() => parseResponse(bytes('40 ' + 'x'.repeat(2046) + '\r\n'))).toThrow(/no CRLF within 2048/);
    expect(parseResponse(bytes('40 ' + 'x'.repeat(2043) + '\r\n')).meta.length).toBe(2043);
  });
});

describe('findResponseEnd', () => {
  it('waits for CRLF and stops at 2048 bytes', () => {
    expect(findResponseEnd(bytes('20 abc'))).toBeUndefined();
    expect(findResponseEnd(bytes('20 abc\r'))).toBeUndefined();
    expect(findResponseEnd(bytes('20 abc\r\n'))).toBe(8);
    expect(() => findResponseEnd(new Uint8Array(2048).fill(0x41))).toThrow(MisfinProtocolError);
  });
});

describe('formatResponse', () => {
  it('always writes the SP and round-trips', () => {
    expect(new TextDecoder().decode(formatResponse(20, FP))).toBe(`20 ${FP}\r\n`);
    expect(new TextDecoder().decode(formatResponse(51, ''))).toBe('51 \r\n');
    expect(parseResponse(formatResponse(30, 'new@host.example')).redirect?.host).toBe('host.example');
  });

  it('refuses bad codes, line breaks and over-long META', () => {
    expect(() => formatResponse(10, 'x')).toThrow(MisfinProtocolError);
    expect(() => formatResponse(20.5, 'x')).toThrow(MisfinProtocolError);
    expect(() => formatResponse(40, 'a\nb')).toThrow(/CR or LF/);
    expect(() => formatResponse(40, 'x'.repeat(2044))).toThrow(/over 2048/);
  });
});

describe('status table and fingerprints', () => {
  it('lists the spec table with names and plain meanings', () => {
    expect(MISFIN_STATUSES.map((s) => s.code)).toEqual([
      20, 30, 31, 40, 41, 42, 43, 44, 45, 50, 51, 52, 53, 59, 60, 61, 62, 63, 64,
    ]);
    for (const s of MISFIN_STATUSES) expect(s.meaning.length).toBeGreaterThan(20);
    expect(statusInfo(45)?.name).toBe('MAILBOX FULL');
    expect(statusInfo(68)?.category).toBe('certificate');
    expect(statusInfo(15)).toBeUndefined();
  });

  it('normalises fingerprints (spec §3.1)', () => {
    const upper = FP.toUpperCase().match(/../g)!.join(':');
    expect(normaliseFingerprint(upper)).toBe(FP);
    expect(normaliseFingerprint(' AB CD ')).toBe('abcd');
    expect(isSha256Fingerprint(FP)).toBe(true);
    expect(isSha256Fingerprint('abcd')).toBe(false);
  });
});
