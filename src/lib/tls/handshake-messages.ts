// Parsers and encoders for the encrypted handshake messages (RFC 8446 §4.3-4.6): EncryptedExtensions,
// CertificateRequest, Certificate, CertificateVerify, Finished, NewSessionTicket, KeyUpdate.
import { ByteReader } from '../bytes/reader';
import { ByteWriter } from '../bytes/writer';
import { Alert } from './alerts';
import { protocolError } from './errors';
import { allowedInEncryptedExtensions, ExtensionType, parseExtensions } from './extensions';
import { encodeHandshake, HandshakeType } from './handshake-framing';

/** §4.3.1. Every extension must answer one we sent, and be one allowed in this message. */
export function parseEncryptedExtensions(
  body: Uint8Array,
  offered: ReadonlySet<number>,
): Map<number, Uint8Array> {
  const reader = new ByteReader(body);
  const extensions = parseExtensions(reader, 'EncryptedExtensions');
  reader.end('EncryptedExtensions');
  for (const type of extensions.keys()) {
    if (!allowedInEncryptedExtensions.has(type)) {
      throw protocolError(
        Alert.illegalParameter,
        `EncryptedExtensions carries extension ${type}, not allowed there`,
      );
    }
    if (!offered.has(type)) {
      throw protocolError(
        Alert.unsupportedExtension,
        `EncryptedExtensions answers extension ${type} we did not send`,
      );
    }
  }
  // RFC 6066 §3: a server that used our server_name answers with an empty extension_data.
  const serverName = extensions.get(ExtensionType.serverName);
  if (serverName && serverName.length !== 0) {
    throw protocolError(Alert.decodeError, 'EncryptedExtensions server_name is not empty');
  }
  return extensions;
}

export interface CertificateRequest {
  context: Uint8Array;
  signatureAlgorithms: number[];
}

/** §4.3.2: signature_algorithms is required; other extensions are hints we may ignore. */
export function parseCertificateRequest(body: Uint8Array): CertificateRequest {
  const reader = new ByteReader(body);
  const context = reader.vec8('certificate_request_context');
  const extensions = parseExtensions(reader, 'CertificateRequest');
  reader.end('CertificateRequest');
  if (context.length !== 0) {
    throw protocolError(
      Alert.illegalParameter,
      'CertificateRequest in the handshake must have an empty context',
    );
  }
  const algorithms = extensions.get(ExtensionType.signatureAlgorithms);
  if (!algorithms)
    throw protocolError(Alert.missingExtension, 'CertificateRequest lacks signature_algorithms');
  const list = new ByteReader(algorithms);
  const schemes = new ByteReader(list.vec16('supported_signature_algorithms'));
  list.end('signature_algorithms');
  const signatureAlgorithms: number[] = [];
  while (schemes.remaining > 0) signatureAlgorithms.push(schemes.u16('signature scheme'));
  if (signatureAlgorithms.length === 0) throw protocolError(Alert.decodeError, 'empty signature_algorithms');
  return { context, signatureAlgorithms };
}

/** §4.4.2: the server's chain, leaf first. Per-entry extensions must answer ones we sent (none). */
export function parseCertificate(body: Uint8Array): Uint8Array[] {
  const reader = new ByteReader(body);
  const context = reader.vec8('certificate_request_context');
  const list = new ByteReader(reader.vec24('certificate_list'));
  reader.end('Certificate');
  if (context.length !== 0)
    throw protocolError(Alert.illegalParameter, 'server Certificate has a non-empty context');
  const chain: Uint8Array[] = [];
  while (list.remaining > 0) {
    const der = list.vec24('cert_data');
    if (der.length === 0) throw protocolError(Alert.decodeError, 'empty certificate in the server chain');
    const extensions = parseExtensions(list, 'CertificateEntry');
    if (extensions.size > 0) {
      throw protocolError(
        Alert.unsupportedExtension,
        'server certificate entry has extensions we did not request',
      );
    }
    chain.push(der.slice());
  }
  // §4.4.2.4: an empty server Certificate is a decode_error.
  if (chain.length === 0) throw protocolError(Alert.decodeError, 'server sent an empty Certificate');
  return chain;
}

export function encodeCertificate(context: Uint8Array, chain: readonly Uint8Array[]): Uint8Array {
  const body = new ByteWriter(1024)
    .vec8((w) => w.bytes(context))
    .vec24((w) => {
      for (const der of chain) w.vec24((x) => x.bytes(der)).u16(0);
    })
    .finish();
  return encodeHandshake(HandshakeType.certificate, body);
}

export interface CertificateVerify {
  scheme: number;
  signature: Uint8Array;
}

export function parseCertificateVerify(body: Uint8Array): CertificateVerify {
  const reader = new ByteReader(body);
  const scheme = reader.u16('signature scheme');
  const signature = reader.vec16('signature');
  reader.end('CertificateVerify');
  return { scheme, signature };
}

export function encodeCertificateVerify(scheme: number, signature: Uint8Array): Uint8Array {
  const body = new ByteWriter(signature.length + 8)
    .u16(scheme)
    .vec16((w) => w.bytes(signature))
    .finish();
  return encodeHandshake(HandshakeType.certificateVerify, body);
}

export function encodeFinished(verifyData: Uint8Array): Uint8Array {
  return encodeHandshake(HandshakeType.finished, verifyData);
}

export interface SessionTicket {
  lifetimeSeconds: number;
  ageAdd: number;
  nonce: Uint8Array;
  ticket: Uint8Array;
  extensions: Map<number, Uint8Array>;
  receivedAt: number;
  /** Pre-shared key for resuming with this ticket (filled in by the connection). */
  psk?: Uint8Array;
  cipherSuite?: number;
}

/** §4.6.1. Kept for resumption; never handed to the application as data. */
export function parseNewSessionTicket(body: Uint8Array, now: number): SessionTicket {
  const reader = new ByteReader(body);
  const lifetimeSeconds = reader.u32('ticket_lifetime');
  const ageAdd = reader.u32('ticket_age_add');
  const nonce = reader.vec8('ticket_nonce').slice();
  const ticket = reader.vec16('ticket').slice();
  const extensions = parseExtensions(reader, 'NewSessionTicket');
  reader.end('NewSessionTicket');
  if (ticket.length === 0) throw protocolError(Alert.decodeError, 'NewSessionTicket with an empty ticket');
  // §4.6.1: servers MUST NOT use a lifetime over seven days.
  if (lifetimeSeconds > 604800)
    throw protocolError(Alert.illegalParameter, 'ticket lifetime exceeds seven days');
  return { lifetimeSeconds, ageAdd, nonce, ticket, extensions, receivedAt: now };
}

/** §4.6.3: KeyUpdate carries one byte, update_not_requested(0) or update_requested(1). */
export function parseKeyUpdate(body: Uint8Array): boolean {
  if (body.length !== 1) throw protocolError(Alert.decodeError, 'KeyUpdate must be one byte');
  const value = body[0] as number;
  if (value > 1)
    throw protocolError(Alert.illegalParameter, `KeyUpdate request_update ${value} is not 0 or 1`);
  return value === 1;
}

export function encodeKeyUpdate(requestUpdate: boolean): Uint8Array {
  return encodeHandshake(HandshakeType.keyUpdate, Uint8Array.of(requestUpdate ? 1 : 0));
}
