// Options of the sans-IO core and their defaults (tls-notes §5.1 profile), kept apart from the record
// machinery in connection.ts.
import { defaultCipherSuites } from './cipher-suites';
import type { ClientHelloHook } from './client-hello';
import type { HandshakeConfig } from './client-state';
import type { TlsError } from './errors';
import { defaultKeyShares, NamedGroup, type KeyShareFactory } from './key-share';
import { offeredSignatureSchemes } from './signature-schemes';
import { minimumRsaModulusBits } from './signature-verify';
import type { ResumptionTicket } from './session-cache';
import type { ClientIdentity, VerifyServer } from './types';

export interface TlsCoreOptions {
  serverName: string;
  port: number;
  identity?: ClientIdentity;
  verifyServer: VerifyServer;
  /** Random source for ClientHello.random (and nothing else); injectable for RFC 8448 replays. */
  random?: (length: number) => Uint8Array;
  keyShares?: KeyShareFactory;
  cipherSuites?: number[];
  supportedGroups?: number[];
  keyShareGroups?: number[];
  signatureAlgorithms?: number[];
  legacySessionId?: Uint8Array;
  clientHelloHook?: ClientHelloHook;
  /** Receives traffic secrets under SSLKEYLOGFILE labels (tests, debugging). */
  onSecret?: (label: string, secret: Uint8Array) => void;
  now?: () => number;
  /**
   * Records we send under one key before we rekey with KeyUpdate. Default 2^24, under the 2^24.5 records
   * RFC 8446 §5.5 allows for AES-GCM; tests lower it.
   */
  keyUpdateAfterRecords?: number;
  /** Smallest RSA server key accepted (default 2048). Only RFC 8448's 1024-bit test certificate needs less. */
  minimumRsaModulusBits?: number;
  /** A ticket to offer for resumption (RFC 8446 §4.2.11); connectTls takes it from the SessionCache. */
  resumptionTicket?: ResumptionTicket;
  /** Receives every NewSessionTicket as a ResumptionTicket (connectTls puts it into the SessionCache). */
  onTicket?: (ticket: ResumptionTicket) => void;
}

/** Tickets kept per connection: a server sending endless NewSessionTickets must not grow memory. */
export const maxStoredTickets = 8;

export interface CoreOutput {
  /** Records to write to the transport, in order. */
  records: Uint8Array[];
  /** Application data received, in order. */
  data: Uint8Array[];
  /** True once the server's close_notify arrived. */
  closed: boolean;
  /** Set when the connection failed; `records` then ends with the alert we send. */
  error?: TlsError;
}

export const defaultRandom = (length: number) => globalThis.crypto.getRandomValues(new Uint8Array(length));

/** The handshake's configuration: the caller's options with the defaults filled in. */
export function handshakeConfig(options: TlsCoreOptions): HandshakeConfig {
  return {
    serverName: options.serverName,
    port: options.port,
    identity: options.identity,
    verifyServer: options.verifyServer,
    random: options.random ?? defaultRandom,
    keyShares: options.keyShares ?? defaultKeyShares,
    cipherSuites: options.cipherSuites ?? defaultCipherSuites,
    supportedGroups: options.supportedGroups ?? [
      NamedGroup.x25519,
      NamedGroup.secp256r1,
      NamedGroup.secp384r1,
    ],
    keyShareGroups: options.keyShareGroups ?? [NamedGroup.x25519, NamedGroup.secp256r1],
    signatureAlgorithms: options.signatureAlgorithms ?? offeredSignatureSchemes,
    // Offering a ticket, send a fresh 32-byte id (middlebox compatibility mode, RFC 8446 §D.4): Node's TLS
    // server looks a stateful session up only by this id (mailhost/resumption.ts), never by the ticket.
    legacySessionId:
      options.legacySessionId ?? (options.resumptionTicket ? defaultRandom(32) : new Uint8Array(0)),
    clientHelloHook: options.clientHelloHook,
    logSecrets: options.onSecret !== undefined,
    minimumRsaModulusBits: options.minimumRsaModulusBits ?? minimumRsaModulusBits,
    resumption: options.resumptionTicket,
    pskModes: options.resumptionTicket !== undefined || options.onTicket !== undefined,
    now: options.now ?? Date.now,
  };
}
