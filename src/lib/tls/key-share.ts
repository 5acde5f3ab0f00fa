// Ephemeral (EC)DHE key shares (RFC 8446 §4.2.8) on WebCrypto. The factory is injectable so tests can
// replay RFC 8448 traces with the RFC's private keys.
import { Alert } from './alerts';
import { protocolError } from './errors';

export const NamedGroup = {
  secp256r1: 0x0017,
  secp384r1: 0x0018,
  secp521r1: 0x0019,
  x25519: 0x001d,
} as const;

export interface EphemeralKeyShare {
  group: number;
  /** key_exchange bytes: 32 for X25519, 0x04 ‖ X ‖ Y for the NIST curves (§4.2.8.2). */
  publicKey: Uint8Array;
  /** ECDH with the peer's key_exchange; throws a TlsError(illegal_parameter) for a bad peer key. */
  deriveSharedSecret(peerPublicKey: Uint8Array): Promise<Uint8Array>;
  /**
   * The same shared secret as a WebCrypto HKDF key, without the bytes passing through JavaScript (one
   * step fewer than deriveSharedSecret + import). Absent when the private key lacks the deriveKey usage.
   * WebCrypto refuses an all-zero X25519 result itself (Secure Curves in WebCrypto, deriveBits).
   */
  deriveSharedKey?(peerPublicKey: Uint8Array): Promise<CryptoKey>;
}

export interface KeyShareFactory {
  create(group: number): Promise<EphemeralKeyShare>;
}

interface GroupParameters {
  algorithm: { name: string; namedCurve?: string };
  publicLength: number;
  secretBits: number;
}

const groups = new Map<number, GroupParameters>([
  [NamedGroup.x25519, { algorithm: { name: 'X25519' }, publicLength: 32, secretBits: 256 }],
  [
    NamedGroup.secp256r1,
    { algorithm: { name: 'ECDH', namedCurve: 'P-256' }, publicLength: 65, secretBits: 256 },
  ],
  [
    NamedGroup.secp384r1,
    { algorithm: { name: 'ECDH', namedCurve: 'P-384' }, publicLength: 97, secretBits: 384 },
  ],
]);

export function isSupportedGroup(group: number): boolean {
  return groups.has(group);
}

export function groupName(group: number): string {
  const names: Record<number, string> = {
    0x17: 'secp256r1',
    0x18: 'secp384r1',
    0x19: 'secp521r1',
    0x1d: 'x25519',
  };
  return names[group] ?? `group 0x${group.toString(16).padStart(4, '0')}`;
}

/** Wraps a WebCrypto private key as a key share; used by the default factory and by tests. */
export function keyShareFromKeyPair(
  group: number,
  privateKey: CryptoKey,
  publicKey: Uint8Array,
): EphemeralKeyShare {
  const parameters = groups.get(group);
  if (!parameters) throw new Error(`unsupported group ${groupName(group)}`);
  const subtle = () => globalThis.crypto.subtle;
  const importPeer = async (peerPublicKey: Uint8Array): Promise<CryptoKey> => {
    if (
      peerPublicKey.length !== parameters.publicLength ||
      (group !== NamedGroup.x25519 && peerPublicKey[0] !== 4)
    ) {
      throw protocolError(
        Alert.illegalParameter,
        `server key share for ${groupName(group)} has the wrong form`,
      );
    }
    try {
      return await subtle().importKey('raw', peerPublicKey as BufferSource, parameters.algorithm, false, []);
    } catch (cause) {
      throw protocolError(
        Alert.illegalParameter,
        `server key share for ${groupName(group)} is not a valid point`,
        cause,
      );
    }
  };
  const agreementFailed = (cause: unknown) =>
    protocolError(
      Alert.illegalParameter,
      `key agreement with the server's ${groupName(group)} share failed`,
      cause,
    );
  const share: EphemeralKeyShare = {
    group,
    publicKey,
    async deriveSharedSecret(peerPublicKey) {
      const peer = await importPeer(peerPublicKey);
      let secret: Uint8Array;
      try {
        secret = new Uint8Array(
          await subtle().deriveBits(
            { name: parameters.algorithm.name, public: peer },
            privateKey,
            parameters.secretBits,
          ),
        );
      } catch (cause) {
        throw agreementFailed(cause);
      }
      // An all-zero X25519 output means a low-order peer point (RFC 8446 §7.4.2, RFC 7748 §6.1).
      if (secret.every((byte) => byte === 0)) {
        throw protocolError(Alert.illegalParameter, 'server key share gives an all-zero shared secret');
      }
      return secret;
    },
  };
  if (privateKey.usages.includes('deriveKey')) {
    share.deriveSharedKey = async (peerPublicKey) => {
      const peer = await importPeer(peerPublicKey);
      try {
        return await subtle().deriveKey(
          { name: parameters.algorithm.name, public: peer },
          privateKey,
          'HKDF',
          false,
          ['deriveBits'],
        );
      } catch (cause) {
        throw agreementFailed(cause);
      }
    };
  }
  return share;
}

export const webCryptoKeyShares: KeyShareFactory = {
  async create(group) {
    const parameters = groups.get(group);
    if (!parameters) throw new Error(`unsupported group ${groupName(group)}`);
    const subtle = globalThis.crypto.subtle;
    // The private half stays non-extractable; public keys are always exportable.
    const pair = (await subtle.generateKey(parameters.algorithm, false, [
      'deriveBits',
      'deriveKey',
    ])) as CryptoKeyPair;
    const publicKey = new Uint8Array(await subtle.exportKey('raw', pair.publicKey));
    return keyShareFromKeyPair(group, pair.privateKey, publicKey);
  },
};

/**
 * Keeps one fresh key pair per group generated ahead of time, so a connection does not wait for key
 * generation. Each pair is still used exactly once; the next one is started when one is taken.
 */
export function prefetchingKeyShares(base: KeyShareFactory = webCryptoKeyShares): KeyShareFactory {
  const spare = new Map<number, Promise<EphemeralKeyShare>>();
  const refill = (group: number) => {
    const next = base.create(group);
    next.catch(() => spare.delete(group));
    spare.set(group, next);
  };
  return {
    create(group) {
      const ready = spare.get(group);
      refill(group);
      return ready ?? base.create(group);
    },
  };
}

export const defaultKeyShares = prefetchingKeyShares();
