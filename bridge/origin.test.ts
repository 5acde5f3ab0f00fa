import { describe, expect, it } from 'vitest';
import { isOriginAllowed } from './origin';

describe('isOriginAllowed', () => {
  const own = (origin: string | undefined, host: string | undefined, scheme: 'http' | 'https' = 'http') =>
    isOriginAllowed({ origin, host, scheme }, undefined);

  it('accepts the bridge’s own loopback or IP-literal origin', () => {
    expect(own('http://localhost:8080', 'localhost:8080')).toBe(true);
    expect(own('http://127.0.0.1:8080', '127.0.0.1:8080')).toBe(true);
    expect(own('http://[::1]:8080', '[::1]:8080')).toBe(true);
    expect(own('https://192.0.2.10', '192.0.2.10', 'https')).toBe(true);
    expect(own('https://192.0.2.10:443', '192.0.2.10', 'https')).toBe(true);
  });

  it('treats loopback spellings as one origin when scheme and port agree', () => {
    expect(own('http://localhost:8080', '127.0.0.1:8080')).toBe(true);
    expect(own('http://127.0.0.1:8080', 'localhost:8080')).toBe(true);
    expect(own('http://localhost:8081', '127.0.0.1:8080')).toBe(false);
    expect(own('https://localhost:8080', '127.0.0.1:8080')).toBe(false);
  });

  it('refuses other origins, missing headers and junk', () => {
    expect(own('http://evil.example', 'localhost:8080')).toBe(false);
    expect(own('http://localhost.evil.example:8080', 'localhost:8080')).toBe(false);
    expect(own(undefined, 'localhost:8080')).toBe(false);
    expect(own('null', 'localhost:8080')).toBe(false);
    expect(own('http://localhost:8080', undefined)).toBe(false);
    expect(own('file:///etc/passwd', 'localhost:8080')).toBe(false);
    expect(own('http://localhost:8080', 'user@localhost:8080')).toBe(false);
    expect(own('http://192.0.2.10', '192.0.2.10', 'https')).toBe(false);
  });

  it('refuses a DNS-named Host without configured origins (DNS rebinding)', () => {
    expect(own('http://rebind.evil.example:8080', 'rebind.evil.example:8080')).toBe(false);
  });

  it('uses exactly the configured origins when given', () => {
    const configured = ['https://mail.example.org'];
    const check = (origin: string, host = 'mail.example.org') =>
      isOriginAllowed({ origin, host, scheme: 'http' }, configured);
    expect(check('https://mail.example.org')).toBe(true);
    expect(check('https://mail.example.org:443')).toBe(true);
    expect(check('http://mail.example.org')).toBe(false);
    expect(check('https://evil.example')).toBe(false);
    expect(check('http://localhost:8080', 'localhost:8080')).toBe(false);
  });
});
