// Full-handshake server authentication (RFC 8446 §4.4.2, §4.4.3): the server's Certificate, then its
// CertificateVerify signature over the transcript with the leaf key. Kept apart from the state machine, which
// skips both when the server resumed with our PSK (§4.2.11).
import { equalBytes } from '../bytes/concat';
import { parseCertificate as parseX509, type Certificate as X509Certificate } from '../identity/x509';
import { Alert } from './alerts';
import { protocolError } from './errors';
import { parseCertificate, parseCertificateVerify } from './handshake-messages';
import { hmac, type HashName } from './key-schedule';
import type { HandshakeConfig } from './handshake-host';
import { serverCertificateInfo } from './server-info';
import { certificateVerifyContent, LeafKeyCache, verifyServerSignature } from './signature-verify';
import type { ServerCertificateInfo } from './types';

export class ServerAuthentication {
  private leaf?: X509Certificate;
  private leafKeys?: LeafKeyCache;

  constructor(private readonly config: HandshakeConfig) {}

  /** Parses the chain and starts the fingerprints and the leaf key import; returns the info for the trust callback. */
  certificate(body: Uint8Array): Promise<ServerCertificateInfo> {
    const chain = parseCertificate(body);
    let leaf: X509Certificate;
    try {
      leaf = parseX509(chain[0] as Uint8Array);
    } catch (cause) {
      throw protocolError(Alert.badCertificate, `server certificate does not parse: ${String(cause)}`, cause);
    }
    this.leaf = leaf;
    this.leafKeys = new LeafKeyCache(leaf.spki);
    this.leafKeys.prefetch(leaf.publicKeyAlgorithm);
    const info = serverCertificateInfo(this.config.serverName, this.config.port, chain, leaf);
    info.catch(() => undefined);
    return info;
  }

  /** Checks CertificateVerify against the transcript hash through the Certificate (§4.4.3). */
  async verify(body: Uint8Array, transcriptHash: Promise<Uint8Array>): Promise<void> {
    const leaf = this.leaf;
    if (!leaf) throw protocolError(Alert.unexpectedMessage, 'CertificateVerify without a Certificate');
    const verify = parseCertificateVerify(body);
    const content = certificateVerifyContent('server', await transcriptHash);
    await verifyServerSignature(
      verify.scheme,
      this.config.signatureAlgorithms,
      leaf.spki,
      leaf.publicKeyAlgorithm,
      content,
      verify.signature,
      this.leafKeys,
      this.config.minimumRsaModulusBits,
    );
  }
}

/** The server Finished (§4.4.4): HMAC(finished_key, transcript hash through CertificateVerify or EE). */
export async function verifyServerFinished(
  hash: HashName,
  serverFinishedKey: Promise<Uint8Array>,
  transcriptHash: Uint8Array,
  verifyData: Uint8Array,
): Promise<void> {
  const expected = await hmac(hash, await serverFinishedKey, transcriptHash);
  if (!equalBytes(expected, verifyData)) {
    throw protocolError(Alert.decryptError, 'server Finished does not match the handshake transcript');
  }
}
