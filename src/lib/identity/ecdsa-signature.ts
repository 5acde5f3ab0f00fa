// WebCrypto signs ECDSA as IEEE P1363 r||s; X.509 and PKCS#10 carry Ecdsa-Sig-Value ::= SEQUENCE
// { r INTEGER, s INTEGER } (RFC 5480 §2.2 / RFC 3279 §2.2.3). Convert both ways.
import { children, DerError, expectTag, parseDer, readUnsignedInteger, Tag } from '../bytes/der';
import { integer, sequence } from '../bytes/der-writer';

/** r||s (each `size` bytes) -> DER Ecdsa-Sig-Value. */
export function p1363ToDer(signature: Uint8Array): Uint8Array {
  if (signature.length === 0 || signature.length % 2 !== 0) {
    throw new DerError('ECDSA signature has an odd length');
  }
  const half = signature.length / 2;
  return sequence(integer(signature.subarray(0, half)), integer(signature.subarray(half)));
}

/** DER Ecdsa-Sig-Value -> r||s with each half left-padded to `size` bytes (32 for P-256, 48, 66). */
export function derToP1363(der: Uint8Array, size: number): Uint8Array {
  const [r, s, extra] = children(expectTag(parseDer(der), Tag.sequence, 'Ecdsa-Sig-Value'));
  if (!r || !s || extra) throw new DerError('Ecdsa-Sig-Value must hold exactly r and s');
  const out = new Uint8Array(size * 2);
  for (const [index, part] of [readUnsignedInteger(r), readUnsignedInteger(s)].entries()) {
    if (part.length > size) throw new DerError('ECDSA signature component is too large for the curve');
    out.set(part, size * (index + 1) - part.length);
  }
  return out;
}

/** Field size in bytes of the curves WebCrypto supports. */
export function curveSize(namedCurve: string): number {
  if (namedCurve === 'P-384') return 48;
  if (namedCurve === 'P-521') return 66;
  return 32;
}
