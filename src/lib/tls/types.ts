// Shared shapes of the TLS client API (contract: /work/notes/tls-api.md); re-exported from client.ts.

export interface ClientIdentity {
  /** DER certificates, leaf first (the mailbox certificate, optionally followed by its issuer). */
  certificateChain: Uint8Array[];
  /** May be non-extractable. ECDSA P-256, RSA-PSS (SHA-256) or Ed25519. */
  privateKey: CryptoKey;
  /**
   * Optional signer replacing `crypto.subtle.sign` with `privateKey` (hardware tokens, RFC 8448 replays).
   * Receives the SignatureScheme code and the CertificateVerify content; returns the signature as it goes on
   * the wire (DER for ECDSA).
   */
  sign?: (scheme: number, content: Uint8Array) => Promise<Uint8Array>;
}

export interface ServerCertificateInfo {
  host: string;
  port: number;
  /** DER, leaf first, as sent. */
  chain: Uint8Array[];
  /** Lowercase hex SHA-256 of the leaf DER (the Misfin fingerprint). */
  certSha256: string;
  /** Lowercase hex SHA-256 of the leaf SubjectPublicKeyInfo DER. */
  spkiSha256: string;
}

/** Called after the server's CertificateVerify and Finished checked out, before any app data. Throw to refuse. */
export type VerifyServer = (info: ServerCertificateInfo) => Promise<void>;
