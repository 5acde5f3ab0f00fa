// TLS carries ECDSA signatures as DER Ecdsa-Sig-Value { r INTEGER, s INTEGER } (RFC 8446 §4.2.3, RFC 3279);
// WebCrypto signs and verifies the fixed-size r ‖ s form (IEEE P1363). These convert between the two.

export class EcdsaSignatureError extends Error {
  override name = 'EcdsaSignatureError';
}

function derLength(bytes: Uint8Array, offset: number): { length: number; next: number } {
  const first = bytes[offset];
  if (first === undefined) throw new EcdsaSignatureError('truncated DER length');
  if (first < 0x80) return { length: first, next: offset + 1 };
  if (first !== 0x81) throw new EcdsaSignatureError('unsupported DER length form');
  const value = bytes[offset + 1];
  if (value === undefined || value < 0x80) throw new EcdsaSignatureError('non-minimal DER length');
  return { length: value, next: offset + 2 };
}

function readInteger(bytes: Uint8Array, offset: number, size: number): { value: Uint8Array; next: number } {
  if (bytes[offset] !== 0x02) throw new EcdsaSignatureError('expected INTEGER in ECDSA signature');
  const { length, next } = derLength(bytes, offset + 1);
  if (length === 0 || next + length > bytes.length) throw new EcdsaSignatureError('bad INTEGER length');
  let body = bytes.subarray(next, next + length);
  if ((body[0] as number) & 0x80) throw new EcdsaSignatureError('negative INTEGER in ECDSA signature');
  if (body.length > 1 && body[0] === 0 && !((body[1] as number) & 0x80)) {
    throw new EcdsaSignatureError('non-minimal INTEGER in ECDSA signature');
  }
  if (body[0] === 0 && body.length > 1) body = body.subarray(1);
  if (body.length > size) throw new EcdsaSignatureError('ECDSA INTEGER larger than the curve order');
  const value = new Uint8Array(size);
  value.set(body, size - body.length);
  return { value, next: next + length };
}

/** DER → r ‖ s, each left-padded to `size` bytes (32 for P-256, 48 for P-384). */
export function ecdsaDerToP1363(der: Uint8Array, size: number): Uint8Array {
  if (der[0] !== 0x30) throw new EcdsaSignatureError('ECDSA signature is not a DER SEQUENCE');
  const { length, next } = derLength(der, 1);
  if (next + length !== der.length)
    throw new EcdsaSignatureError('ECDSA signature has trailing or missing bytes');
  const r = readInteger(der, next, size);
  const s = readInteger(der, r.next, size);
  if (s.next !== der.length) throw new EcdsaSignatureError('ECDSA signature has extra fields');
  const out = new Uint8Array(size * 2);
  out.set(r.value);
  out.set(s.value, size);
  return out;
}

function encodeInteger(value: Uint8Array): Uint8Array {
  let start = 0;
  while (start < value.length - 1 && value[start] === 0) start++;
  const trimmed = value.subarray(start);
  const pad = (trimmed[0] as number) & 0x80 ? 1 : 0;
  const out = new Uint8Array(2 + pad + trimmed.length);
  out[0] = 0x02;
  out[1] = pad + trimmed.length;
  out.set(trimmed, 2 + pad);
  return out;
}

/** r ‖ s → DER SEQUENCE { r, s }. */
export function ecdsaP1363ToDer(signature: Uint8Array): Uint8Array {
  if (signature.length % 2 !== 0 || signature.length === 0)
    throw new EcdsaSignatureError('odd P1363 signature');
  const half = signature.length / 2;
  const r = encodeInteger(signature.subarray(0, half));
  const s = encodeInteger(signature.subarray(half));
  const bodyLength = r.length + s.length;
  const header = bodyLength < 0x80 ? Uint8Array.of(0x30, bodyLength) : Uint8Array.of(0x30, 0x81, bodyLength);
  const out = new Uint8Array(header.length + bodyLength);
  out.set(header);
  out.set(r, header.length);
  out.set(s, header.length + r.length);
  return out;
}
