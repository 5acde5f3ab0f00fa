// Deterministic key shares and hello layouts for replaying RFC 8448 traces (test support).
import { fromBase64Url, toBase64Url } from '../../bytes/base64';
import { concat } from '../../bytes/concat';
import { fromHex } from '../../bytes/hex';
import type { ClientHelloHook } from '../client-hello';
import type { Extension } from '../extensions';
import { keyShareFromKeyPair, NamedGroup, type EphemeralKeyShare, type KeyShareFactory } from '../key-share';

const x25519Pkcs8Prefix = fromHex('302e020100300506032b656e04220420');

export async function x25519Share(privateKeyHex: string): Promise<EphemeralKeyShare> {
  const subtle = globalThis.crypto.subtle;
  const key = await subtle.importKey(
    'pkcs8',
    concat(x25519Pkcs8Prefix, fromHex(privateKeyHex)) as BufferSource,
    { name: 'X25519' },
    true,
    ['deriveBits'],
  );
  const jwk = await subtle.exportKey('jwk', key);
  const publicKey = fromBase64Url(jwk.x as string);
  return keyShareFromKeyPair(NamedGroup.x25519, key, publicKey);
}

export async function p256Share(privateKeyHex: string, publicKeyHex: string): Promise<EphemeralKeyShare> {
  const publicKey = fromHex(publicKeyHex);
  const key = await globalThis.crypto.subtle.importKey(
    'jwk',
    {
      kty: 'EC',
      crv: 'P-256',
      x: toBase64Url(publicKey.subarray(1, 33)),
      y: toBase64Url(publicKey.subarray(33, 65)),
      d: toBase64Url(fromHex(privateKeyHex)),
    },
    { name: 'ECDH', namedCurve: 'P-256' },
    false,
    ['deriveBits'],
  );
  return keyShareFromKeyPair(NamedGroup.secp256r1, key, publicKey);
}

/** Hands out pre-made shares by group; fails loudly if the client asks for one the trace does not have. */
export function fixedKeyShares(shares: Record<number, () => Promise<EphemeralKeyShare>>): KeyShareFactory {
  return {
    create(group) {
      const make = shares[group];
      if (!make) throw new Error(`trace has no key for group ${group}`);
      return make();
    },
  };
}

export const fixedRandom = (hex: string) => (length: number) => {
  const bytes = fromHex(hex);
  if (bytes.length !== length) throw new Error(`fixed random has ${bytes.length} bytes, ${length} requested`);
  return bytes;
};

/** RFC 8448's client offers these (incl. ChaCha20 and FFDHE groups it never uses). */
export const rfcCipherSuites = [0x1301, 0x1303, 0x1302];
export const rfcAllGroups = [0x001d, 0x0017, 0x0018, 0x0019, 0x0100, 0x0101, 0x0102, 0x0103, 0x0104];
export const rfcSignatureAlgorithms = [
  0x0403, 0x0503, 0x0603, 0x0203, 0x0804, 0x0805, 0x0806, 0x0401, 0x0501, 0x0601, 0x0201, 0x0402, 0x0502,
  0x0602, 0x0202,
];

/** Extensions the RFC's client adds that ours does not send. */
export const rfcExtras: Record<number, Uint8Array> = {
  0xff01: Uint8Array.of(0), // renegotiation_info, empty
  0x0023: new Uint8Array(0), // session_ticket, empty
  0x002d: Uint8Array.of(1, 1), // psk_key_exchange_modes: psk_dhe_ke
  0x001c: Uint8Array.of(0x40, 0x01), // record_size_limit 16385
};

/** Rebuilds the extension list in the trace's order, taking ours where we have them and extras otherwise. */
export function orderedHook(
  orders: { 1: number[]; 2?: number[] },
  extras: Record<number, Uint8Array> = rfcExtras,
): ClientHelloHook {
  return (extensions, attempt) => {
    const order = orders[attempt] ?? orders[1];
    return order.map((type): Extension => {
      const ours = extensions.find((e) => e.type === type);
      if (ours) return ours;
      const extra = extras[type];
      if (!extra) throw new Error(`no data for extension ${type}`);
      return { type, data: extra };
    });
  };
}
