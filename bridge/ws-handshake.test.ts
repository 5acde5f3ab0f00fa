import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { acceptValue, checkHandshake, switchingProtocols } from './ws-handshake';

function request(method: string, headers: Record<string, string>): IncomingMessage {
  return { method, headers } as unknown as IncomingMessage;
}

const good = {
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
});
