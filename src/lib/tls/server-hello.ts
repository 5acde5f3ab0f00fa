// ServerHello and HelloRetryRequest parsing and checks (RFC 8446 §4.1.3, §4.1.4). Everything the
// server chooses must be something we offered; downgrade sentinels are refused.
import { equalBytes } from '../bytes/concat';
import { fromHex } from '../bytes/hex';
import { ByteReader } from '../bytes/reader';
import { Alert } from './alerts';
import { protocolError } from './errors';
import { ExtensionType, parseExtensions } from './extensions';

/** SHA-256("HelloRetryRequest"), the random that marks a ServerHello as an HRR (§4.1.3). */
export const helloRetryRequestRandom = fromHex(
  'cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c',
);
const downgradeTls12 = fromHex('444f574e47524401');
const downgradeTls11 = fromHex('444f574e47524400');

export interface ServerHello {
  isHelloRetryRequest: boolean;
  random: Uint8Array;
  cipherSuite: number;
  /** ServerHello: the server's share. */
  keyShare?: { group: number; keyExchange: Uint8Array };
  /** HelloRetryRequest: the group the server wants a share for. */
  selectedGroup?: number;
  cookie?: Uint8Array;
  /** ServerHello: the PSK identity the server accepted (§4.2.11), if it resumed. */
  selectedIdentity?: number;
}

export interface OfferedParameters {
  sessionId: Uint8Array;
  cipherSuites: readonly number[];
  /** Extension types our ClientHello carried: the server may only answer those (§4.2). */
  extensionTypes: ReadonlySet<number>;
}

export function parseServerHello(body: Uint8Array, offered: OfferedParameters): ServerHello {
  const reader = new ByteReader(body);
  const legacyVersion = reader.u16('legacy_version');
  const random = reader.bytesOf(32, 'random');
  const sessionIdEcho = reader.vec8('legacy_session_id_echo');
  const cipherSuite = reader.u16('cipher_suite');
  const compression = reader.u8('legacy_compression_method');
  const extensions =
    reader.remaining > 0 ? parseExtensions(reader, 'ServerHello') : new Map<number, Uint8Array>();
  reader.end('ServerHello');

  const isHelloRetryRequest = equalBytes(random, helloRetryRequestRandom);
  const what = isHelloRetryRequest ? 'HelloRetryRequest' : 'ServerHello';
  const versions = extensions.get(ExtensionType.supportedVersions);
  if (!versions) {
    // No supported_versions: the server negotiated TLS 1.2 or older, which this client does not speak.
    const tail = random.subarray(24);
    if (equalBytes(tail, downgradeTls12) || equalBytes(tail, downgradeTls11)) {
      throw protocolError(Alert.illegalParameter, 'server random carries a downgrade sentinel (DOWNGRD)');
    }
    throw protocolError(Alert.protocolVersion, 'server does not support TLS 1.3');
  }
  if (versions.length !== 2 || versions[0] !== 0x03 || versions[1] !== 0x04) {
    throw protocolError(Alert.illegalParameter, `${what} selected a version other than TLS 1.3`);
  }
  if (legacyVersion !== 0x0303)
    throw protocolError(Alert.illegalParameter, `${what} legacy_version is not 0x0303`);
  // A TLS 1.3 server never sets these; seeing one means something rewrote the hello (§4.1.3).
  const tail = random.subarray(24);
  if (equalBytes(tail, downgradeTls12) || equalBytes(tail, downgradeTls11)) {
    throw protocolError(Alert.illegalParameter, 'server random carries a downgrade sentinel (DOWNGRD)');
  }
  if (!equalBytes(sessionIdEcho, offered.sessionId)) {
    throw protocolError(Alert.illegalParameter, `${what} legacy_session_id_echo does not match ours`);
  }
  if (!offered.cipherSuites.includes(cipherSuite)) {
    throw protocolError(
      Alert.illegalParameter,
      `${what} chose cipher suite 0x${cipherSuite.toString(16)}, not offered`,
    );
  }
  if (compression !== 0)
    throw protocolError(Alert.illegalParameter, `${what} compression method is not null`);

  const allowed = isHelloRetryRequest
    ? [ExtensionType.supportedVersions, ExtensionType.keyShare, ExtensionType.cookie]
    : [ExtensionType.supportedVersions, ExtensionType.keyShare, ExtensionType.preSharedKey];
  for (const type of extensions.keys()) {
    if (!offered.extensionTypes.has(type) && type !== ExtensionType.cookie) {
      throw protocolError(
        Alert.unsupportedExtension,
        `${what} carries extension ${type}, which we did not offer`,
      );
    }
    if (!allowed.includes(type as never)) {
      throw protocolError(Alert.illegalParameter, `${what} carries extension ${type}, not allowed there`);
    }
  }
  // A pre_shared_key answer without our offer was refused above as unsupported_extension; an HRR may not
  // carry one at all (illegal_parameter, above).
  const result: ServerHello = { isHelloRetryRequest, random, cipherSuite };
  const psk = extensions.get(ExtensionType.preSharedKey);
  if (psk) {
    const selected = new ByteReader(psk);
    result.selectedIdentity = selected.u16('selected_identity');
    selected.end('ServerHello pre_shared_key');
  }
  const keyShare = extensions.get(ExtensionType.keyShare);
  if (isHelloRetryRequest) {
    if (keyShare) {
      const share = new ByteReader(keyShare);
      result.selectedGroup = share.u16('selected_group');
      share.end('HelloRetryRequest key_share');
    }
    const cookie = extensions.get(ExtensionType.cookie);
    if (cookie) {
      const cookieReader = new ByteReader(cookie);
      result.cookie = cookieReader.vec16('cookie');
      cookieReader.end('cookie');
      if (result.cookie.length === 0)
        throw protocolError(Alert.decodeError, 'empty HelloRetryRequest cookie');
    }
  } else {
    if (!keyShare)
      throw protocolError(Alert.missingExtension, 'ServerHello has no key_share (PSK-only is not offered)');
    const share = new ByteReader(keyShare);
    const group = share.u16('key share group');
    const keyExchange = share.vec16('key_exchange');
    share.end('ServerHello key_share');
    result.keyShare = { group, keyExchange };
  }
  return result;
}
