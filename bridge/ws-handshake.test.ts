import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { acceptValue, checkHandshake, switchingProtocols } from './ws-handshake';

function request(
  method: string,
  headers: Record<string, string>,
  options: { httpVersion?: string; repeated?: [string, string][] } = {},
): IncomingMessage {
  const rawHeaders = Object.entries(headers).flat();
  for (const [name, value] of options.repeated ?? []) rawHeaders.push(name, value);
  return {
    method,
    headers,
    rawHeaders,
    httpVersion: options.httpVersion ?? '1.1',
  } as unknown as IncomingMessage;
}

const good = {
  host: '127.0.0.1:8080',
  upgrade: 'websocket',
  connection: 'Upgrade',
  'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
  'sec-websocket-version': '13',
};

describe('the opening handshake', () => {
  it('computes the accept value of RFC 6455 §1.3', () => {
    expect(acceptValue('dGhlIHNhbXBsZSBub25jZQ==')).toBe('s3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
    expect(switchingProtocols('dGhlIHNhbXBsZSBub25jZQ==')).toBe(
      'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        'Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n',
    );
  });

  it('accepts a valid request and refuses each broken part with a clear status', () => {
    expect(checkHandshake(request('GET', good))).toEqual({ ok: true, key: good['sec-websocket-key'] });
    expect(checkHandshake(request('POST', good))).toMatchObject({ ok: false, status: 405 });
    expect(checkHandshake(request('GET', { ...good, upgrade: 'h2c' }))).toMatchObject({ status: 400 });
    const { 'sec-websocket-key': _key, ...noKey } = good;
    expect(checkHandshake(request('GET', noKey))).toMatchObject({ status: 400 });
    expect(checkHandshake(request('GET', { ...good, 'sec-websocket-key': 'c2hvcnQ=' }))).toMatchObject({
      status: 400,
    });
    expect(checkHandshake(request('GET', { ...good, 'sec-websocket-version': '8' }))).toEqual({
      ok: false,
      status: 426,
      message: 'unsupported WebSocket version',
      headers: { 'Sec-WebSocket-Version': '13' },
    });
  });

  // A request the bridge reads one way and a proxy in front of it another is the root of request
  // smuggling: anything ambiguous is refused rather than interpreted.
  it('refuses ambiguous or non-HTTP/1.1 upgrades with 400', () => {
    expect(checkHandshake(request('GET', good, { httpVersion: '1.0' }))).toMatchObject({ status: 400 });
    const { host: _host, ...noHost } = good;
    expect(checkHandshake(request('GET', noHost))).toMatchObject({ status: 400, message: /Host/ });
    for (const name of ['Host', 'Upgrade', 'Origin', 'Sec-WebSocket-Key', 'Sec-WebSocket-Version']) {
      const twice = request('GET', { ...good, origin: 'http://127.0.0.1:8080' }, { repeated: [[name, 'x']] });
      expect(checkHandshake(twice), name).toMatchObject({ status: 400, message: /more than one/ });
    }
    expect(checkHandshake(request('GET', { ...good, 'content-length': '5' }))).toMatchObject({ status: 400 });
    expect(checkHandshake(request('GET', { ...good, 'transfer-encoding': 'chunked' }))).toMatchObject({
      status: 400,
    });
    expect(checkHandshake(request('GET', { ...good, 'content-length': '0' }))).toMatchObject({ ok: true });
    expect(checkHandshake(request('GET', { ...good, connection: 'keep-alive' }))).toMatchObject({
      status: 400,
    });
    expect(checkHandshake(request('GET', { ...good, connection: 'keep-alive, Upgrade' }))).toMatchObject({
      ok: true,
    });
  });
});
