// What the host needs from a ClientHello to resume a TLS 1.3 session (RFC 8446 §4.1.2, §4.2.11): the
// legacy_session_id, which is all Node's 'resumeSession' event reports, and the first PSK identity, which
// with OpenSSL's stateful tickets (SSL_OP_NO_TICKET) is the session id of the session to resume.
// Read from the first TLS record before the bytes are handed to Node's TLS (resumption.ts).

export interface ClientHelloPsk {
  legacySessionId: Uint8Array;
  /** identities[0] of pre_shared_key: OpenSSL checks only the binder of the identity it loads first. */
  firstIdentity?: Uint8Array;
}

const HANDSHAKE_RECORD = 22;
const CLIENT_HELLO = 1;
const PRE_SHARED_KEY = 41;

/**
 * 'need-more' until the first record is complete; undefined when it is not a ClientHello we can read
 * (including one split over several records: such a client simply gets a full handshake).
 */
export function readClientHelloPsk(bytes: Uint8Array): ClientHelloPsk | 'need-more' | undefined {
  if (bytes.length < 5) return 'need-more';
  if (bytes[0] !== HANDSHAKE_RECORD) return undefined;
  const recordEnd = 5 + ((bytes[3]! << 8) | bytes[4]!);
  if (bytes.length < recordEnd) return 'need-more';
  let at = 5;
  const need = (n: number) => at + n <= recordEnd;
  const u8 = () => bytes[at++]!;
  const u16 = () => {
    const value = (bytes[at]! << 8) | bytes[at + 1]!;
    at += 2;
    return value;
  };
  if (!need(4) || u8() !== CLIENT_HELLO) return undefined;
  const helloEnd = at + 3 + ((bytes[at]! << 16) | (bytes[at + 1]! << 8) | bytes[at + 2]!);
  at += 3;
  if (helloEnd > recordEnd) return undefined; // continues in a later record
  at += 2 + 32; // legacy_version, random
  if (!need(1)) return undefined;
  const idLength = u8();
  if (idLength > 32 || !need(idLength)) return undefined;
  const legacySessionId = bytes.subarray(at, at + idLength);
  at += idLength;
  if (!need(2)) return undefined;
  const suitesLength = u16(); // cipher_suites
  at += suitesLength;
  if (!need(1)) return undefined;
  const compressionLength = u8(); // legacy_compression_methods
  at += compressionLength;
  if (!need(2)) return { legacySessionId };
  const extensionsEnd = at + 2 + ((bytes[at]! << 8) | bytes[at + 1]!);
  at += 2;
  if (extensionsEnd > helloEnd) return undefined;
  while (at + 4 <= extensionsEnd) {
    const type = u16();
    const length = u16();
    const end = at + length;
    if (end > extensionsEnd) return undefined;
    if (type === PRE_SHARED_KEY) {
      // §4.2.11: it MUST be the last extension (a server aborts otherwise, so it is no offer to route).
      if (end !== extensionsEnd || length < 2) return undefined;
      const identitiesLength = u16(); // identities<7..2^16-1>
      const identitiesEnd = at + identitiesLength;
      if (identitiesLength < 7 || identitiesEnd > end) return undefined;
      const identityLength = u16(); // identity<1..2^16-1>, then a uint32 obfuscated_ticket_age
      if (identityLength === 0 || at + identityLength + 4 > identitiesEnd) return undefined;
      return { legacySessionId, firstIdentity: bytes.subarray(at, at + identityLength) };
    }
    at = end;
  }
  return { legacySessionId };
}
