// SNI rules (RFC 6066 §3): no IP literals, canonical lowercase names without the trailing dot.
import { describe, expect, it } from 'vitest';
import { ByteReader } from '../bytes/reader';
import { encodeClientHello } from './client-hello';
import { ExtensionType, parseExtensions } from './extensions';
import { isIpLiteral, sniHostName } from './server-name';

function helloExtensions(serverName: string): Map<number, Uint8Array> {
  const { message, extensionTypes } = encodeClientHello(
    {
      random: new Uint8Array(32),
      sessionId: new Uint8Array(0),
      cipherSuites: [0x1301],
      serverName,
      supportedGroups: [0x001d],
      keyShares: [],
      signatureAlgorithms: [0x0403],
    },
    1,
  );
  const reader = new ByteReader(message.subarray(4));
  reader.u16('version');
  reader.bytesOf(32, 'random');
  reader.vec8('session');
  reader.vec16('suites');
  reader.vec8('compression');
  const extensions = parseExtensions(reader, 'ClientHello');
  expect(new Set(extensions.keys())).toEqual(extensionTypes);
  return extensions;
}

function sentName(serverName: string): string | undefined {
  const data = helloExtensions(serverName).get(ExtensionType.serverName);
  if (!data) return undefined;
  const list = new ByteReader(new ByteReader(data).vec16('server_name_list'));
  expect(list.u8('name_type')).toBe(0);
  return new TextDecoder().decode(list.vec16('HostName'));
}

describe('server_name', () => {
  it.each([
    '127.0.0.1',
    '192.0.2.10',
    '::1',
    '[::1]',
    '2001:db8::1',
    '[2001:db8::1]',
    'fe80::1%eth0',
    '::ffff:192.0.2.1',
  ])('leaves out server_name for the IP literal %s', (literal) => {
    expect(isIpLiteral(literal)).toBe(true);
    expect(sniHostName(literal)).toBeUndefined();
    expect(sentName(literal)).toBeUndefined();
  });

  it('sends DNS names lowercased and without the trailing dot', () => {
    expect(sentName('Mail.Example.ORG.')).toBe('mail.example.org');
    expect(sentName('localhost')).toBe('localhost');
  });

  it('does not mistake names that look numeric for addresses', () => {
    for (const name of ['1.2.3.4.example', '256.1.1.1', 'cafe', 'a1b2.example', '1.2.3']) {
      expect(isIpLiteral(name)).toBe(false);
      expect(sniHostName(name)).toBe(name);
    }
  });

  it('sends no server_name for an empty name', () => {
    expect(sentName('')).toBeUndefined();
    expect(sentName('.')).toBeUndefined();
  });
});
