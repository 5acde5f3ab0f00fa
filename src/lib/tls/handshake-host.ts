// The seams of the handshake state machine (client-state.ts): what it needs from the record layer around it,
// and its configuration (filled in with defaults by core-options.ts).
import type { RecordProtection } from './aead';
import type { ClientHelloHook } from './client-hello';
import type { KeyShareFactory } from './key-share';
import type { ResumptionTicket } from './session-cache';
import type { ClientIdentity, VerifyServer } from './types';

export type HandshakeState =
  | 'start'
  | 'wait_server_hello'
  | 'wait_encrypted_extensions'
  | 'wait_certificate_or_request'
  | 'wait_certificate'
  | 'wait_certificate_verify'
  | 'wait_finished'
  | 'connected';

/** What the handshake needs from the record layer around it. */
export interface HandshakeHost {
  sendPlaintextHandshake(message: Uint8Array, legacyRecordVersion: number): void;
  sendProtectedHandshake(message: Uint8Array): void;
  /** Throws unexpected_message unless the last message ended its record (§5.1). */
  requireRecordBoundary(): void;
  /** Installs new read keys; throws unexpected_message unless at a record boundary (§5.1). */
  setReadProtection(protection: RecordProtection | Promise<RecordProtection>): void;
  /** Seals queued handshake messages now (before a slower key change). */
  sendQueuedHandshake(): void;
  /** Work that completes after the current message (key derivations); see TlsClientCore.idle(). */
  background(work: Promise<unknown>): void;
  setWriteProtection(protection: RecordProtection | Promise<RecordProtection>): void;
  /** Key log in NSS SSLKEYLOGFILE labels (plus a few of our own), for tests and debugging. */
  logSecret(label: string, secret: Uint8Array): void;
}

export interface HandshakeConfig {
  serverName: string;
  port: number;
  identity?: ClientIdentity;
  verifyServer: VerifyServer;
  random: (length: number) => Uint8Array;
  keyShares: KeyShareFactory;
  cipherSuites: readonly number[];
  supportedGroups: readonly number[];
  keyShareGroups: readonly number[];
  signatureAlgorithms: readonly number[];
  legacySessionId: Uint8Array;
  clientHelloHook?: ClientHelloHook;
  /** Also compute the secrets only a key log needs (Handshake and Master Secret). */
  logSecrets: boolean;
  minimumRsaModulusBits: number;
  /** A ticket to offer as a resumption PSK (RFC 8446 §4.2.11); checked for expiry, name and hash first. */
  resumption?: ResumptionTicket;
  /**
   * Send psk_key_exchange_modes (§4.2.9) even without a ticket: servers such as OpenSSL issue tickets only to
   * clients that sent it, so a caller that keeps tickets asks for them this way.
   */
  pskModes: boolean;
  /** Milliseconds clock for ticket ages and expiry. */
  now: () => number;
}
