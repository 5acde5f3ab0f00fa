// What the trust callback sees about the server (tls-notes §5.4): the chain as sent and the two SHA-256
// fingerprints a pin can hold (leaf DER, the Misfin fingerprint; leaf SubjectPublicKeyInfo).
import { toHex } from '../bytes/hex';
import type { Certificate as X509Certificate } from '../identity/x509';
import { digest } from './key-schedule';
import type { ServerCertificateInfo } from './types';

export async function serverCertificateInfo(
  host: string,
  port: number,
  chain: Uint8Array[],
  leaf: X509Certificate,
): Promise<ServerCertificateInfo> {
  const [certHash, spkiHash] = await Promise.all([digest('SHA-256', leaf.der), digest('SHA-256', leaf.spki)]);
  return { host, port, chain, certSha256: toHex(certHash), spkiSha256: toHex(spkiHash) };
}
