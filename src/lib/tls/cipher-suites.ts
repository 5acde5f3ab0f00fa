// The two AEAD suites this client offers (RFC 8446 §B.4); ChaCha20 is left out because WebCrypto lacks it.
import type { HashName } from './key-schedule';

export interface CipherSuite {
  code: number;
  name: string;
  hash: HashName;
  keyLength: number;
}

export const cipherSuites: Record<number, CipherSuite> = {
  0x1301: { code: 0x1301, name: 'TLS_AES_128_GCM_SHA256', hash: 'SHA-256', keyLength: 16 },
  0x1302: { code: 0x1302, name: 'TLS_AES_256_GCM_SHA384', hash: 'SHA-384', keyLength: 32 },
};

export const defaultCipherSuites = [0x1301, 0x1302];
