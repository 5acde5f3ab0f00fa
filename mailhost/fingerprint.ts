// The Misfin fingerprint, SHA-256 of the certificate DER as lowercase hex (misfin-protocol.md §13), computed
// with node:crypto on the delivery hot path: the same value as identity/x509.ts certificateFingerprint, but
// synchronous — WebCrypto's promise round trip cost more than the hash itself (bench/mailhost.bench.ts).
import { createHash } from 'node:crypto';

export function fingerprintOf(der: Uint8Array): string {
  return createHash('sha256').update(der).digest('hex');
}
