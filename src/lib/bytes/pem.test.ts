import { describe, expect, it } from 'vitest';
import { fromBase64, fromBase64Url, toBase64, toBase64Url } from './base64';
import { formatPem, parsePem, PemError } from './pem';

describe('base64', () => {
  it('matches the RFC 4648 §10 test vectors', () => {
    const vectors: [string, string][] = [
      ['', ''],
      ['f', 'Zg=='],
      ['fo', 'Zm8='],
      ['foo', 'Zm9v'],
      ['foob', 'Zm9vYg=='],
      ['fooba', 'Zm9vYmE='],
      ['foobar', 'Zm9vYmFy'],
    ];
    for (const [plain, encoded] of vectors) {
      const bytes = new TextEncoder().encode(plain);
      expect(toBase64(bytes)).toBe(encoded);
      expect(fromBase64(encoded)).toEqual(bytes);
    }
  });

  it('handles base64url and refuses garbage', () => {
    expect(toBase64Url(Uint8Array.of(0xfb, 0xff))).toBe('-_8');
    expect(fromBase64Url('-_8')).toEqual(Uint8Array.of(0xfb, 0xff));
    expect(() => fromBase64('Zm9v!')).toThrow(TypeError);
    expect(() => fromBase64('Z')).toThrow(TypeError);
  });
});

describe('PEM', () => {
  it('reads several blocks with text around them, in order', () => {
    const text = `note\n${formatPem('CERTIFICATE', Uint8Array.of(1, 2, 3))}between\n${formatPem('PRIVATE KEY', Uint8Array.of(4))}`;
    expect(parsePem(text)).toEqual([
      { label: 'CERTIFICATE', der: Uint8Array.of(1, 2, 3) },
      { label: 'PRIVATE KEY', der: Uint8Array.of(4) },
    ]);
  });

  it('wraps lines at 64 characters', () => {
    const lines = formatPem('X', new Uint8Array(100)).split('\n');
    expect(lines[1]).toHaveLength(64);
  });

  it('refuses unterminated and legacy-encrypted blocks', () => {
    expect(() => parsePem('-----BEGIN CERTIFICATE-----\nAAAA\n')).toThrow(PemError);
    expect(() =>
      parsePem(
        '-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n\nAAAA\n-----END RSA PRIVATE KEY-----\n',
      ),
    ).toThrow(/encrypted/);
  });
});
