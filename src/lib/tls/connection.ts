// The sans-IO TLS 1.3 client core: bytes from the peer go into feed(), records to send and application
// data come out. No sockets and no timers here; client.ts drives it over a ByteTransport.
import { concat } from '../bytes/concat';
import { ByteReaderError } from '../bytes/reader';
import { Alert, alertCodeName, encodeAlert } from './alerts';
import { RecordProtection, type OpenedRecord } from './aead';
import { defaultCipherSuites, type CipherSuite } from './cipher-suites';
import type { ClientHelloHook } from './client-hello';
import { ClientHandshake, type HandshakeHost } from './client-state';
import { protocolError, remoteAlertError, TlsError } from './errors';
import { HandshakeBuffer, HandshakeType, type HandshakeMessage } from './handshake-framing';
import {
  encodeKeyUpdate,
  parseKeyUpdate,
  parseNewSessionTicket,
  type SessionTicket,
} from './handshake-messages';
import { defaultKeyShares, NamedGroup, type KeyShareFactory } from './key-share';
import { hashLength, hkdfExpandLabel, nextTrafficSecret } from './key-schedule';
import {
  ContentType,
  maxPlaintextLength,
  plaintextRecords,
  RecordReader,
  type RawRecord,
} from './record-layer';
import { offeredSignatureSchemes } from './signature-schemes';
import { minimumRsaModulusBits } from './signature-verify';
import type { ClientIdentity, ServerCertificateInfo, VerifyServer } from './types';

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

const defaultRandom = (length: number) => globalThis.crypto.getRandomValues(new Uint8Array(length));

export class TlsClientCore implements HandshakeHost {
  readonly handshake: ClientHandshake;
  readonly tickets: SessionTicket[] = [];
  private readonly records = new RecordReader();
  private readonly handshakeBuffer = new HandshakeBuffer();
  // May still be deriving: records are only opened with it once it resolves, in order.
  private readProtection?: RecordProtection | Promise<RecordProtection>;
  private writeProtection?: RecordProtection | Promise<RecordProtection>;
  private outgoing: (Uint8Array | Promise<Uint8Array>)[] = [];
  private pendingHandshake: Uint8Array[] = [];
  private pendingWork: Promise<void> = Promise.resolve();
  private data: Uint8Array[] = [];
  private failure?: TlsError;
  private peerClosed = false;
  private localClosed = false;
  private changeCipherSpecSeen = false;
  private readSecret?: Uint8Array;
  private writeSecret?: Uint8Array;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly options: TlsCoreOptions;

  constructor(options: TlsCoreOptions) {
    this.options = options;
    this.handshake = new ClientHandshake(
      {
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
        legacySessionId: options.legacySessionId ?? new Uint8Array(0),
        clientHelloHook: options.clientHelloHook,
        logSecrets: options.onSecret !== undefined,
        minimumRsaModulusBits: options.minimumRsaModulusBits ?? minimumRsaModulusBits,
      },
      this,
    );
  }

  get handshakeComplete(): boolean {
    return this.handshake.state === 'connected';
  }

  get cipherSuite(): CipherSuite | undefined {
    return this.handshake.suite;
  }

  get server(): ServerCertificateInfo | undefined {
    return this.handshake.server;
  }

  get failed(): TlsError | undefined {
    return this.failure;
  }

  get closedByPeer(): boolean {
    return this.peerClosed;
  }

  // ---- HandshakeHost ----

  sendPlaintextHandshake(message: Uint8Array, legacyRecordVersion: number): void {
    this.outgoing.push(...plaintextRecords(ContentType.handshake, message, legacyRecordVersion));
  }

  sendProtectedHandshake(message: Uint8Array): void {
    // Coalesced into as few records as possible when flushed (RFC 8448 §6 sends one record for the flight).
    this.pendingHandshake.push(message);
  }

  private flushHandshake(): void {
    if (this.pendingHandshake.length === 0) return;
    const messages = concat(...this.pendingHandshake);
    this.pendingHandshake = [];
    this.sealAll(ContentType.handshake, messages);
  }

  requireRecordBoundary(): void {
    // §5.1: handshake messages must not span a key change.
    if (this.handshakeBuffer.hasPartial) {
      throw protocolError(
        Alert.unexpectedMessage,
        'handshake data continues past a key change in the same record',
      );
    }
  }

  setReadProtection(protection: RecordProtection | Promise<RecordProtection>): void {
    this.requireRecordBoundary();
    this.readProtection = protection;
  }

  background(work: Promise<unknown>): void {
    const settled = work.then(
      () => undefined,
      () => undefined,
    );
    this.pendingWork = Promise.all([this.pendingWork, settled]).then(() => undefined);
  }

  /** Resolves once background key derivations have finished (tests use it before reading the key log). */
  idle(): Promise<void> {
    return this.pendingWork;
  }

  /** Seals the queued handshake messages now, under the current write key. */
  sendQueuedHandshake(): void {
    this.flushHandshake();
  }

  setWriteProtection(protection: RecordProtection | Promise<RecordProtection>): void {
    this.flushHandshake();
    this.writeProtection = protection;
  }

  logSecret(label: string, secret: Uint8Array): void {
    if (label === 'CLIENT_TRAFFIC_SECRET_0') this.writeSecret = secret;
    if (label === 'SERVER_TRAFFIC_SECRET_0') this.readSecret = secret;
    this.options.onSecret?.(label, secret);
  }

  // ---- driving ----

  /** Serialises calls: WebCrypto is async and records must be processed strictly in order. */
  private serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private sealAll(type: number, content: Uint8Array): void {
    if (type !== ContentType.handshake) this.flushHandshake();
    const protection = this.writeProtection;
    if (!protection) throw new Error('no write keys installed');
    for (let offset = 0; offset < content.length || offset === 0; offset += maxPlaintextLength) {
      const fragment = content.subarray(offset, offset + maxPlaintextLength);
      // A key still being derived is chained, in order, so nonces keep following issue order.
      this.outgoing.push(
        protection instanceof RecordProtection
          ? protection.seal(type, fragment)
          : protection.then((ready) => ready.seal(type, fragment)),
      );
      if (content.length === 0) break;
    }
  }

  private async flush(): Promise<CoreOutput> {
    if (this.writeProtection) this.flushHandshake();
    const records = await Promise.all(this.outgoing);
    this.outgoing = [];
    const data = this.data;
    this.data = [];
    return { records, data, closed: this.peerClosed, error: this.failure };
  }

  /** Queues the alert for `error` and marks the connection failed. */
  private fail(error: unknown): void {
    let failure: TlsError;
    if (error instanceof TlsError) failure = error;
    else if (error instanceof ByteReaderError)
      failure = protocolError(Alert.decodeError, error.message, error);
    else failure = protocolError(Alert.internalError, `internal error: ${String(error)}`, error);
    this.failure = failure;
    if (failure.alert !== undefined && !failure.remote) {
      try {
        if (this.writeProtection) this.sealAll(ContentType.alert, encodeAlert(failure.alert));
        else this.outgoing.push(...plaintextRecords(ContentType.alert, encodeAlert(failure.alert)));
      } catch {
        // Nothing more can be sent; the error still stands.
      }
    }
  }

  /** Produces the ClientHello. */
  start(): Promise<CoreOutput> {
    return this.serial(async () => {
      try {
        await this.handshake.start();
      } catch (error) {
        this.fail(error);
      }
      return this.flush();
    });
  }

  /** Feeds bytes received from the transport. */
  feed(bytes: Uint8Array): Promise<CoreOutput> {
    return this.serial(async () => {
      if (this.failure || this.peerClosed) return this.flush();
      try {
        this.records.push(bytes);
        await this.processRecords();
      } catch (error) {
        this.fail(error);
      }
      return this.flush();
    });
  }

  /**
   * Processes every complete record in order. Records under the same read key are decrypted in parallel
   * (their nonces are fixed by position); when a record changes the key, the rest are decrypted again with
   * the new one, so a speculative failure under the old key is never reported.
   */
  private async processRecords(): Promise<void> {
    const batch: RawRecord[] = [];
    let framingError: unknown;
    try {
      for (let record = this.records.next(); record; record = this.records.next()) batch.push(record);
    } catch (error) {
      framingError = error;
    }
    let openings: (Promise<OpenedRecord> | undefined)[] = [];
    let openedWith: RecordProtection | Promise<RecordProtection> | undefined;
    for (let i = 0; i < batch.length; i++) {
      if (this.readProtection !== openedWith) {
        openedWith = this.readProtection;
        openings = [];
        for (let j = i; openedWith && j < batch.length; j++) {
          const record = batch[j] as RawRecord;
          if (record.type !== ContentType.applicationData) continue;
          // Chained in order on the same protection, so sequence numbers follow record order.
          const opening =
            openedWith instanceof RecordProtection
              ? openedWith.open(record.header, record.fragment)
              : openedWith.then((protection) => protection.open(record.header, record.fragment));
          opening.catch(() => undefined);
          openings[j] = opening;
        }
      }
      await this.onRecord(batch[i] as RawRecord, openings[i]);
      if (this.peerClosed || this.failure) return;
    }
    if (framingError !== undefined) throw framingError;
  }

  /** The transport reached EOF. Without close_notify that is a truncation attack or a broken peer. */
  endOfStream(): Promise<CoreOutput> {
    return this.serial(async () => {
      if (!this.failure && !this.peerClosed) {
        this.failure = new TlsError(
          'truncated',
          this.handshakeComplete
            ? 'connection closed without close_notify: the response may be truncated'
            : 'connection closed by the server during the handshake',
        );
      }
      return this.flush();
    });
  }

  /** Application data → protected records (pipelined: every record's nonce is fixed now). */
  write(data: Uint8Array): Promise<CoreOutput> {
    return this.serial(async () => {
      if (this.failure) throw this.failure;
      if (!this.handshakeComplete) throw new TlsError('not_connected', 'handshake not complete');
      if (this.localClosed) throw new TlsError('closed', 'connection already closed by us');
      if (data.length > 0) {
        // §5.5: rekey before the write key would cover too many records.
        const records = Math.ceil(data.length / maxPlaintextLength);
        const limit = this.options.keyUpdateAfterRecords ?? 2 ** 24;
        const current = await this.writeProtection;
        if (current && current.recordCount + records >= limit) await this.sendKeyUpdate(false);
        this.sealAll(ContentType.applicationData, data);
      }
      return this.flush();
    });
  }

  /** Sends KeyUpdate (RFC 8446 §4.6.3) and switches our write key; optionally asks the peer to do the same. */
  updateKeys(requestPeerUpdate: boolean): Promise<CoreOutput> {
    return this.serial(async () => {
      if (this.failure) throw this.failure;
      if (!this.handshakeComplete || this.localClosed)
        throw new TlsError('not_connected', 'no connection to update');
      await this.sendKeyUpdate(requestPeerUpdate);
      return this.flush();
    });
  }

  /** close_notify (§6.1). */
  close(): Promise<CoreOutput> {
    return this.serial(async () => {
      if (!this.localClosed && !this.failure) {
        this.localClosed = true;
        if (this.writeProtection) this.sealAll(ContentType.alert, encodeAlert(Alert.closeNotify));
        else this.outgoing.push(...plaintextRecords(ContentType.alert, encodeAlert(Alert.closeNotify)));
      }
      return this.flush();
    });
  }

  private async sendKeyUpdate(requestPeerUpdate: boolean): Promise<void> {
    await this.pendingWork; // the current application secret may still be deriving
    const suite = this.handshake.suite as CipherSuite;
    this.sealAll(ContentType.handshake, encodeKeyUpdate(requestPeerUpdate));
    this.writeSecret = await nextTrafficSecret(suite.hash, this.writeSecret as Uint8Array);
    this.setWriteProtection(await RecordProtection.fromSecret(suite, this.writeSecret));
  }

  // ---- incoming records ----

  private async onRecord(record: RawRecord, opening?: Promise<OpenedRecord>): Promise<void> {
    const connected = this.handshakeComplete;
    if (record.type === ContentType.changeCipherSpec) {
      // §5: a single 0x01 byte may arrive after our ClientHello and before the server Finished (middlebox
      // compatibility) and is dropped. The server sends it once, right after its first hello (Appendix D.4),
      // and like any record it may not split a handshake message (§5.1).
      if (
        connected ||
        this.changeCipherSpecSeen ||
        this.handshakeBuffer.hasPartial ||
        record.fragment.length !== 1 ||
        record.fragment[0] !== 1
      ) {
        throw protocolError(Alert.unexpectedMessage, 'unexpected change_cipher_spec record');
      }
      this.changeCipherSpecSeen = true;
      return;
    }
    let type = record.type;
    let content = record.fragment;
    if (this.readProtection) {
      if (type !== ContentType.applicationData) {
        // After the ServerHello everything but change_cipher_spec is protected.
        throw protocolError(
          Alert.unexpectedMessage,
          `unprotected record of type ${type} after keys were set`,
        );
      }
      const protection = await this.readProtection;
      ({ type, content } = await (opening ?? protection.open(record.header, record.fragment)));
    } else if (type === ContentType.applicationData) {
      throw protocolError(Alert.unexpectedMessage, 'application data before the handshake keys exist');
    }

    if (type !== ContentType.handshake && this.handshakeBuffer.hasPartial) {
      throw protocolError(
        Alert.unexpectedMessage,
        'record type changed in the middle of a handshake message',
      );
    }
    switch (type) {
      case ContentType.handshake:
        if (content.length === 0)
          throw protocolError(Alert.unexpectedMessage, 'zero-length handshake record');
        this.handshakeBuffer.push(content);
        for (let message = this.handshakeBuffer.next(); message; message = this.handshakeBuffer.next()) {
          if (this.handshakeComplete) await this.onPostHandshake(message);
          else await this.handshake.handle(message);
        }
        return;
      case ContentType.alert:
        return this.onAlert(content);
      case ContentType.applicationData:
        if (!connected)
          throw protocolError(Alert.unexpectedMessage, 'application data before the handshake finished');
        if (content.length > 0) this.data.push(content.slice());
        return;
      default:
        throw protocolError(Alert.unexpectedMessage, `unexpected inner content type ${type}`);
    }
  }

  private onAlert(content: Uint8Array): void {
    // §5.1: zero-length fragments are only allowed for application data.
    if (content.length === 0) throw protocolError(Alert.unexpectedMessage, 'zero-length alert record');
    if (content.length !== 2)
      throw protocolError(Alert.decodeError, 'alert record must hold exactly two bytes');
    const description = content[1] as number;
    if (description === Alert.closeNotify) {
      // A close_notify before the handshake finished means the server will never finish it: fail now rather
      // than wait for a handshake that cannot complete (no alert goes back; the peer has closed).
      if (!this.handshakeComplete) {
        throw new TlsError('truncated', 'server closed the connection (close_notify) during the handshake', {
          alert: Alert.closeNotify,
          remote: true,
        });
      }
      this.peerClosed = true;
      return;
    }
    // user_canceled is a warning that precedes close_notify (§6.1); every other alert is fatal.
    if (description === Alert.userCanceled) return;
    throw remoteAlertError(description);
  }

  private async onPostHandshake(message: HandshakeMessage): Promise<void> {
    switch (message.type) {
      case HandshakeType.newSessionTicket: {
        const ticket = parseNewSessionTicket(message.body, (this.options.now ?? Date.now)());
        // The ticket's PSK = HKDF-Expand-Label(resumption_master_secret, "resumption", nonce) (§4.6.1);
        // kept with the ticket for a later resumption.
        const suite = this.handshake.suite as CipherSuite;
        const master = await this.handshake.resumptionMasterSecret();
        ticket.psk = await hkdfExpandLabel(
          suite.hash,
          master,
          'resumption',
          ticket.nonce,
          hashLength(suite.hash),
        );
        ticket.cipherSuite = suite.code;
        this.tickets.push(ticket);
        if (this.tickets.length > maxStoredTickets) this.tickets.shift();
        return;
      }
      case HandshakeType.keyUpdate: {
        const requested = parseKeyUpdate(message.body);
        const suite = this.handshake.suite as CipherSuite;
        this.readSecret = await nextTrafficSecret(suite.hash, this.readSecret as Uint8Array);
        this.setReadProtection(await RecordProtection.fromSecret(suite, this.readSecret));
        if (requested && !this.localClosed) await this.sendKeyUpdate(false);
        return;
      }
      default:
        // We never offer post_handshake_auth, so a CertificateRequest here is as unexpected as anything else.
        throw protocolError(
          Alert.unexpectedMessage,
          `unexpected post-handshake message type ${message.type} (${alertCodeName(Alert.unexpectedMessage)})`,
        );
    }
  }
}
