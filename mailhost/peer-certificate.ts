// The client certificate of a TLS connection, as DER, at low cost. Node's getPeerX509Certificate() makes
// an X509 copy through OpenSSL 3.0's provider decoders (~0.28 ms per call here, a tenth of a delivery's
// CPU), getPeerCertificate() builds a large object (~0.12 ms). socket.getSession() only re-encodes the
// session (~0.01 ms), and OpenSSL's session encoding (ssl/ssl_asn1.c, SSL_SESSION_ASN1) carries the peer
// certificate exactly as received, as `peer [3] EXPLICIT Certificate OPTIONAL`. A resumed session carries
// the certificate of the handshake that created it (RFC 8446 §4.6.1), which is what GMAP must see.
import type { TLSSocket } from 'node:tls';

interface Tlv {
  tag: number;
  start: number;
  end: number;
  /** Where the value starts. */
  valueStart: number;
}

/** One DER TLV at `offset` (short- or long-form length, single-byte tags), or undefined when malformed. */
function readTlv(der: Uint8Array, offset: number, limit: number): Tlv | undefined {
  if (offset + 2 > limit) return undefined;
  const tag = der[offset]!;
  if ((tag & 0x1f) === 0x1f) return undefined;
  let length = der[offset + 1]!;
  let valueStart = offset + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0 || count > 3 || valueStart + count > limit) return undefined;
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + der[valueStart + i]!;
    valueStart += count;
  }
  const end = valueStart + length;
  return end <= limit ? { tag, start: offset, end, valueStart } : undefined;
}

const SEQUENCE = 0x30;
const PEER_TAG = 0xa3; // [3] constructed

/** The `peer` field of an encoded OpenSSL SSL_SESSION, or undefined (no peer certificate, or not that form). */
export function peerCertificateFromSession(session: Uint8Array): Uint8Array | undefined {
  const outer = readTlv(session, 0, session.length);
  if (!outer || outer.tag !== SEQUENCE || outer.end !== session.length) return undefined;
  let offset = outer.valueStart;
  // version, ssl_version, cipher, session_id, master_key come first; [3] follows the optional [0]-[2].
  for (let field = 0; offset < outer.end && field < 12; field++) {
    const tlv = readTlv(session, offset, outer.end);
    if (!tlv) return undefined;
    if (tlv.tag === PEER_TAG) {
      const certificate = readTlv(session, tlv.valueStart, tlv.end);
      if (!certificate || certificate.tag !== SEQUENCE || certificate.end !== tlv.end) return undefined;
      return session.subarray(certificate.start, certificate.end);
    }
    if (tlv.tag > PEER_TAG && tlv.tag >= 0xa0) return undefined; // past [3]: no peer certificate
    offset = tlv.end;
  }
  return undefined;
}

/** DER of the client certificate, or undefined when the client sent none. */
export function peerCertificateDer(socket: TLSSocket): Uint8Array | undefined {
  const session = socket.getSession();
  if (session) {
    const der = peerCertificateFromSession(session);
    if (der) return der;
  }
  // No session encoding to read (or an unexpected one): ask OpenSSL for the certificate the slow way.
  const x509 = socket.getPeerX509Certificate();
  return x509 ? new Uint8Array(x509.raw) : undefined;
}

const OCTET_STRING = 0x04;

/** The session_id of an encoded OpenSSL SSL_SESSION (4th field); for TLS 1.3 stateful tickets, the ticket. */
export function sessionIdFromSession(session: Uint8Array): Uint8Array | undefined {
  const outer = readTlv(session, 0, session.length);
  if (!outer || outer.tag !== SEQUENCE) return undefined;
  let offset = outer.valueStart;
  for (let field = 0; field < 4; field++) {
    const tlv = readTlv(session, offset, outer.end);
    if (!tlv) return undefined;
    if (field === 3) return tlv.tag === OCTET_STRING ? session.subarray(tlv.valueStart, tlv.end) : undefined;
    offset = tlv.end;
  }
  return undefined;
}
