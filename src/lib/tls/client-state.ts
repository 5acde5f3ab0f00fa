// The client handshake state machine (RFC 8446 Appendix A.1):
//   START → WAIT_SH (→ HRR → WAIT_SH) → WAIT_EE → WAIT_CERT_CR → WAIT_CERT → WAIT_CV → WAIT_FINISHED → CONNECTED
// and, when the server accepted our resumption PSK (§4.2.11), WAIT_EE → WAIT_FINISHED with no certificates.
// Each message is checked against the state; anything else is unexpected_message.
import { Alert } from './alerts';
import { cipherSuites, type CipherSuite } from './cipher-suites';
import { buildClientFlight } from './client-flight';
import { encodeClientHello } from './client-hello';
import { protocolError, TlsError } from './errors';
import { HandshakeType, type HandshakeMessage } from './handshake-framing';
import {
  parseCertificateRequest,
  parseEncryptedExtensions,
  type CertificateRequest,
} from './handshake-messages';
import { groupName, type EphemeralKeyShare } from './key-share';
import { parseServerHello, type ServerHello } from './server-hello';
import { Transcript } from './transcript';
import { checkHelloRetryRequest, retryKeyShare } from './hello-retry';
import { runTrustCallback } from './trust-check';
import { installHandshakeKeys } from './handshake-secrets';
import {
  deriveResumptionMasterSecret,
  installApplicationKeys,
  type ApplicationTrafficSecrets,
} from './application-secrets';
import {
  checkPskSelection,
  fillBinder,
  preSharedKeyExtension,
  pskOffer,
  type PskOffer,
} from './resumption-psk';
import { ServerAuthentication, verifyServerFinished } from './server-auth';
import type { HandshakeConfig, HandshakeHost, HandshakeState } from './handshake-host';
import type { ServerCertificateInfo } from './types';

export type { HandshakeConfig, HandshakeHost, HandshakeState } from './handshake-host';

export class ClientHandshake {
  state: HandshakeState = 'start';
  suite?: CipherSuite;
  server?: ServerCertificateInfo;
  applicationSecrets?: Promise<ApplicationTrafficSecrets>;
  private resumption?: Promise<Uint8Array>;
  private resumptionTranscript?: Uint8Array;
  certificateRequested = false;
  clientCertificateSent = false;
  /** True once the server accepted our resumption PSK (RFC 8446 §4.2.11): no server Certificate follows. */
  resumed = false;
  /** The PSK we offer, if any; dropped when a HelloRetryRequest picks a suite with another hash. */
  private psk?: PskOffer;

  private readonly transcript = new Transcript();
  private random: Uint8Array = new Uint8Array(0);
  private shares: EphemeralKeyShare[] = [];
  private offeredExtensions = new Set<number>();
  private retried = false;
  private helloRetry?: ServerHello;
  // Started as soon as the handshake secret exists, so they are ready when the flight's end arrives.
  private masterSalt?: Promise<Uint8Array>;
  private serverFinishedKey?: Promise<Uint8Array>;
  private clientFinishedKey?: Promise<Uint8Array>;
  private pendingServerInfo?: Promise<ServerCertificateInfo>;
  /** Transcript hash through the last message, started as soon as that message was added. */
  private pendingHash?: Promise<Uint8Array>;
  private certificateRequest?: CertificateRequest;
  private readonly serverAuth: ServerAuthentication;

  constructor(
    private readonly config: HandshakeConfig,
    private readonly host: HandshakeHost,
  ) {
    this.serverAuth = new ServerAuthentication(config);
  }

  async start(): Promise<void> {
    if (this.state !== 'start') throw new Error('handshake already started');
    this.random = this.config.random(32);
    this.psk = pskOffer(this.config.resumption, { ...this.config, now: this.config.now() });
    this.shares = await Promise.all(
      this.config.keyShareGroups.map((group) => this.config.keyShares.create(group)),
    );
    await this.sendClientHello(1);
    this.state = 'wait_server_hello';
  }

  private async sendClientHello(attempt: 1 | 2, cookie?: Uint8Array): Promise<void> {
    const { message, extensionTypes } = encodeClientHello(
      {
        ...this.config,
        random: this.random,
        sessionId: this.config.legacySessionId,
        keyShares: this.shares,
        cookie,
        pskModes: this.config.pskModes,
        preSharedKey: this.psk && preSharedKeyExtension(this.psk),
      },
      attempt,
      this.config.clientHelloHook,
    );
    // §4.2.11.2: the binder covers the transcript so far (message_hash ‖ HRR after a retry) and this hello.
    if (this.psk) await fillBinder(message, this.psk, this.transcript.bytes());
    this.offeredExtensions = extensionTypes;
    this.transcript.add(message);
    // The first ClientHello goes out with record version 0x0301 for old middleboxes (§5.1).
    this.host.sendPlaintextHandshake(message, attempt === 1 ? 0x0301 : 0x0303);
  }

  private unexpected(message: HandshakeMessage): TlsError {
    return protocolError(
      Alert.unexpectedMessage,
      `unexpected handshake message type ${message.type} while in state ${this.state}`,
    );
  }

  /** Parse errors surface as ByteReaderError; the connection maps them to decode_error (asTlsFailure). */
  async handle(message: HandshakeMessage): Promise<void> {
    switch (this.state) {
      case 'wait_server_hello':
        if (message.type !== HandshakeType.serverHello) throw this.unexpected(message);
        return this.onServerHello(message);
      case 'wait_encrypted_extensions':
        if (message.type !== HandshakeType.encryptedExtensions) throw this.unexpected(message);
        parseEncryptedExtensions(message.body, this.offeredExtensions);
        this.transcript.add(message.raw);
        if (this.resumed) return this.afterResumedExtensions();
        this.state = 'wait_certificate_or_request';
        return;
      case 'wait_certificate_or_request':
        if (message.type === HandshakeType.certificateRequest) {
          this.certificateRequest = parseCertificateRequest(message.body);
          this.certificateRequested = true;
          this.transcript.add(message.raw);
          this.state = 'wait_certificate';
          return;
        }
        if (message.type !== HandshakeType.certificate) throw this.unexpected(message);
        return this.onCertificate(message);
      case 'wait_certificate':
        if (message.type !== HandshakeType.certificate) throw this.unexpected(message);
        return this.onCertificate(message);
      case 'wait_certificate_verify':
        if (message.type !== HandshakeType.certificateVerify) throw this.unexpected(message);
        return this.onCertificateVerify(message);
      case 'wait_finished':
        if (message.type !== HandshakeType.finished) throw this.unexpected(message);
        return this.onFinished(message);
      default:
        throw this.unexpected(message);
    }
  }

  private async onServerHello(message: HandshakeMessage): Promise<void> {
    const hello = parseServerHello(message.body, {
      sessionId: this.config.legacySessionId,
      cipherSuites: this.config.cipherSuites.filter((code) => cipherSuites[code] !== undefined),
      extensionTypes: this.offeredExtensions,
    });
    const suite = cipherSuites[hello.cipherSuite] as CipherSuite;
    if (hello.isHelloRetryRequest) return this.onHelloRetryRequest(hello, message, suite);
    // §4.1.4: the ServerHello after an HRR must keep the HRR's cipher suite.
    if (this.helloRetry && this.helloRetry.cipherSuite !== hello.cipherSuite) {
      throw protocolError(
        Alert.illegalParameter,
        'ServerHello cipher suite differs from the HelloRetryRequest',
      );
    }
    const serverShare = hello.keyShare as { group: number; keyExchange: Uint8Array };
    const ourShare = this.shares.find((share) => share.group === serverShare.group);
    if (!ourShare) {
      throw protocolError(
        Alert.illegalParameter,
        `server key share uses ${groupName(serverShare.group)}, not offered`,
      );
    }
    if (hello.selectedIdentity !== undefined) {
      checkPskSelection(this.psk, hello.selectedIdentity, suite);
      this.resumed = true;
    }
    const pskSalt = this.resumed ? (await (this.psk as PskOffer).secrets).handshakeSalt : undefined;
    this.suite = suite;
    this.transcript.add(message.raw);
    const keys = await installHandshakeKeys(
      this.host,
      suite,
      ourShare,
      serverShare.keyExchange,
      this.transcript.hash(suite.hash),
      this.config.logSecrets,
      pskSalt,
    );
    this.masterSalt = keys.masterSalt;
    this.serverFinishedKey = keys.serverFinishedKey;
    this.clientFinishedKey = keys.clientFinishedKey;
    this.shares = [];
    this.state = 'wait_encrypted_extensions';
  }

  /**
   * Resumed (§2.2): the server authenticates with the PSK, so its Finished follows EncryptedExtensions; a
   * Certificate or CertificateRequest now is unexpected_message. The server is the one the original
   * handshake authenticated; the trust callback still runs on it at the Finished (SECURITY.md).
   */
  private afterResumedExtensions(): void {
    const ticket = (this.psk as PskOffer).ticket;
    this.pendingServerInfo = Promise.resolve(ticket.server);
    this.pendingHash = this.transcript.hash((this.suite as CipherSuite).hash);
    this.pendingHash.catch(() => undefined);
    this.state = 'wait_finished';
  }

  private async onHelloRetryRequest(
    hello: ServerHello,
    message: HandshakeMessage,
    suite: CipherSuite,
  ): Promise<void> {
    const group = checkHelloRetryRequest(
      hello,
      this.retried,
      this.config.supportedGroups,
      this.shares.map((share) => share.group),
    );
    this.retried = true;
    this.helloRetry = hello;
    // §4.1.4, §4.2.11: the updated ClientHello offers no PSK whose hash differs from the chosen suite's.
    if (this.psk && this.psk.hash !== suite.hash) this.psk = undefined;
    await this.transcript.replaceWithMessageHash(suite.hash);
    this.transcript.add(message.raw);
    if (group !== undefined) this.shares = [await retryKeyShare(this.config.keyShares, group)];
    await this.sendClientHello(2, hello.cookie);
  }

  private onCertificate(message: HandshakeMessage): void {
    this.pendingServerInfo = this.serverAuth.certificate(message.body);
    this.transcript.add(message.raw);
    this.pendingHash = this.transcript.hash((this.suite as CipherSuite).hash);
    this.pendingHash.catch(() => undefined);
    this.state = 'wait_certificate_verify';
  }

  private async onCertificateVerify(message: HandshakeMessage): Promise<void> {
    const verified = this.serverAuth.verify(message.body, this.pendingHash as Promise<Uint8Array>);
    verified.catch(() => undefined);
    // The hash through CertificateVerify (for the Finished check) is started while the signature is checked.
    this.transcript.add(message.raw);
    this.pendingHash = this.transcript.hash((this.suite as CipherSuite).hash);
    this.pendingHash.catch(() => undefined);
    await verified;
    this.state = 'wait_finished';
  }

  private async onFinished(message: HandshakeMessage): Promise<void> {
    const suite = this.suite as CipherSuite;
    // The key changes after the server Finished; refuse a record that carries more before doing any work.
    this.host.requireRecordBoundary();
    const transcriptHash = await (this.pendingHash as Promise<Uint8Array>);
    this.transcript.add(message.raw);
    const serverFinishedTranscript = this.transcript.bytes();
    // Verification and our reply are computed side by side to shorten the critical path, but nothing is sent
    // until the server Finished has matched and the trust callback passed.
    const verified = verifyServerFinished(
      suite.hash,
      this.serverFinishedKey as Promise<Uint8Array>,
      transcriptHash,
      message.body,
    );
    const reply = buildClientFlight(
      this.transcript,
      suite,
      this.certificateRequest,
      this.config.identity,
      this.clientFinishedKey as Promise<Uint8Array>,
    );
    reply.catch(() => undefined);
    await verified;
    const server = await (this.pendingServerInfo as Promise<ServerCertificateInfo>);

    // Server authenticated (signature + Finished); now the trust decision, before anything is released.
    this.server = server;
    await runTrustCallback(this.config.verifyServer, server);

    const { messages, clientCertificateSent, resumptionTranscript } = await reply;
    for (const outgoing of messages) this.host.sendProtectedHandshake(outgoing);
    this.host.sendQueuedHandshake();
    this.clientCertificateSent = clientCertificateSent;

    // Application secrets (§7.1) are derived after the flight is sealed: only later records need them.
    this.applicationSecrets = installApplicationKeys(
      this.host,
      suite,
      this.masterSalt as Promise<Uint8Array>,
      serverFinishedTranscript,
      this.config.logSecrets,
    );
    // resumption_master_secret is only needed once a ticket arrives; derive it then (resumptionMasterSecret()).
    this.resumptionTranscript = resumptionTranscript;
    this.state = 'connected';
  }

  /** resumption_master_secret (RFC 8446 §7.1), derived on first use: only tickets need it. */
  resumptionMasterSecret(): Promise<Uint8Array> {
    const transcript = this.resumptionTranscript;
    const suite = this.suite;
    const salt = this.masterSalt;
    if (!transcript || !suite || !salt) return Promise.reject(new Error('handshake not complete'));
    this.resumption ??= deriveResumptionMasterSecret(suite, salt, transcript).then((secret) => {
      this.host.logSecret('RESUMPTION_MASTER_SECRET', secret);
      return secret;
    });
    return this.resumption;
  }

  /** Whether the session (or the one it resumed) authenticated us with a client certificate. */
  get clientAuthenticated(): boolean {
    return this.resumed ? (this.psk as PskOffer).ticket.clientAuthenticated : this.clientCertificateSent;
  }
}
