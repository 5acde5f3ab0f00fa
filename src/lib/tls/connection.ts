// The sans-IO TLS 1.3 client core: bytes from the peer go into feed(), records to send and application
// data come out. No sockets and no timers here; client.ts drives it over a ByteTransport.
import { Alert, encodeAlert } from './alerts';
import { openAhead, RecordProtection, type OpenedRecord } from './aead';
import type { CipherSuite } from './cipher-suites';
import { ClientHandshake, type HandshakeHost } from './client-state';
import { handshakeConfig, type CoreOutput, type TlsCoreOptions } from './core-options';
import { asTlsFailure, protocolError, TlsError } from './errors';
import { HandshakeBuffer, type HandshakeMessage } from './handshake-framing';
import { encodeKeyUpdate, type SessionTicket } from './handshake-messages';
import { handlePostHandshake } from './post-handshake';
import { interpretAlert, checkChangeCipherSpec } from './record-policy';
import { OutgoingRecords } from './outgoing-records';
import { TrafficSecrets } from './traffic-secrets';
import { ContentType, maxPlaintextLength, RecordReader, type RawRecord } from './record-layer';
import type { ServerCertificateInfo } from './types';

export { maxStoredTickets, type CoreOutput, type TlsCoreOptions } from './core-options';

export class TlsClientCore implements HandshakeHost {
  readonly handshake: ClientHandshake;
  readonly tickets: SessionTicket[] = [];
  private readonly records = new RecordReader();
  private readonly handshakeBuffer = new HandshakeBuffer();
  // May still be deriving: records are only opened with it once it resolves, in order.
  private readProtection?: RecordProtection | Promise<RecordProtection>;
  private readonly outgoing = new OutgoingRecords();
  private pendingWork: Promise<void> = Promise.resolve();
  private data: Uint8Array[] = [];
  private failure?: TlsError;
  private peerClosed = false;
  private localClosed = false;
  private changeCipherSpecSeen = false;
  private readonly trafficSecrets = new TrafficSecrets();
  private queue: Promise<unknown> = Promise.resolve();
  private readonly options: TlsCoreOptions;

  constructor(options: TlsCoreOptions) {
    this.options = options;
    this.handshake = new ClientHandshake(handshakeConfig(options), this);
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

  /** True when the server accepted our resumption PSK (RFC 8446 §4.2.11). */
  get resumed(): boolean {
    return this.handshake.resumed;
  }

  get failed(): TlsError | undefined {
    return this.failure;
  }

  get closedByPeer(): boolean {
    return this.peerClosed;
  }

  // ---- HandshakeHost ----

  sendPlaintextHandshake(message: Uint8Array, legacyRecordVersion: number): void {
    this.outgoing.plaintext(ContentType.handshake, message, legacyRecordVersion);
  }

  sendProtectedHandshake(message: Uint8Array): void {
    this.outgoing.queueHandshake(message);
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
    this.outgoing.flushHandshake();
  }

  setWriteProtection(protection: RecordProtection | Promise<RecordProtection>): void {
    this.outgoing.setProtection(protection);
  }

  logSecret(label: string, secret: Uint8Array): void {
    this.trafficSecrets.observe(label, secret);
    this.options.onSecret?.(label, secret);
  }

  // ---- driving ----

  /** Serialises calls: WebCrypto is async and records must be processed strictly in order. */
  private serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async flush(): Promise<CoreOutput> {
    const records = await this.outgoing.drain();
    const data = this.data;
    this.data = [];
    return { records, data, closed: this.peerClosed, error: this.failure };
  }

  /** Queues the alert for `error` and marks the connection failed. */
  private fail(error: unknown): void {
    const failure = asTlsFailure(error);
    this.failure = failure;
    if (failure.alert !== undefined && !failure.remote) {
      try {
        this.outgoing.alert(encodeAlert(failure.alert));
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
        openings = openAhead(batch, i, openedWith);
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
        const current = await this.outgoing.currentProtection();
        if (current && current.recordCount + records >= limit) await this.sendKeyUpdate(false);
        this.outgoing.seal(ContentType.applicationData, data);
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
        this.outgoing.alert(encodeAlert(Alert.closeNotify));
      }
      return this.flush();
    });
  }

  private async sendKeyUpdate(requestPeerUpdate: boolean): Promise<void> {
    await this.pendingWork; // the current application secret may still be deriving
    const suite = this.handshake.suite as CipherSuite;
    this.outgoing.seal(ContentType.handshake, encodeKeyUpdate(requestPeerUpdate));
    this.setWriteProtection(await this.trafficSecrets.nextWrite(suite));
  }

  // ---- incoming records ----

  private async onRecord(record: RawRecord, opening?: Promise<OpenedRecord>): Promise<void> {
    const connected = this.handshakeComplete;
    if (record.type === ContentType.changeCipherSpec) {
      checkChangeCipherSpec(record.fragment, {
        handshakeComplete: connected,
        alreadySeen: this.changeCipherSpecSeen,
        insideHandshakeMessage: this.handshakeBuffer.hasPartial,
      });
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
    if (interpretAlert(content, this.handshakeComplete) === 'close_notify') this.peerClosed = true;
  }

  private onPostHandshake(message: HandshakeMessage): Promise<void> {
    return handlePostHandshake(message, {
      suite: this.handshake.suite as CipherSuite,
      now: this.options.now ?? Date.now,
      resumptionMasterSecret: () => this.handshake.resumptionMasterSecret(),
      tickets: this.tickets,
      onTicket: this.options.onTicket,
      server: this.handshake.server as ServerCertificateInfo,
      clientAuthenticated: this.handshake.clientAuthenticated,
      updateReadKey: async () =>
        this.setReadProtection(await this.trafficSecrets.nextRead(this.handshake.suite as CipherSuite)),
      answerKeyUpdate: async () => {
        if (!this.localClosed) await this.sendKeyUpdate(false);
      },
    });
  }
}
