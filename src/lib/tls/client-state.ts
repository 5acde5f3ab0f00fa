// The client handshake state machine (RFC 8446 Appendix A.1):
//   START → WAIT_SH (→ HRR → WAIT_SH) → WAIT_EE → WAIT_CERT_CR → WAIT_CERT → WAIT_CV → WAIT_FINISHED → CONNECTED
// Each message is checked against the state; anything else is unexpected_message.
import { equalBytes } from '../bytes/concat';
import { ByteReaderError } from '../bytes/reader';
import { parseCertificate as parseX509, type Certificate as X509Certificate } from '../identity/x509';
import { Alert } from './alerts';
import { RecordProtection } from './aead';
import { cipherSuites, type CipherSuite } from './cipher-suites';
import { buildClientFlight } from './client-flight';
import { encodeClientHello } from './client-hello';
import { protocolError, TlsError } from './errors';
import { HandshakeType, type HandshakeMessage } from './handshake-framing';
import {
  parseCertificate,
  parseCertificateRequest,
  parseCertificateVerify,
  parseEncryptedExtensions,
  type CertificateRequest,
} from './handshake-messages';
import { groupName, type EphemeralKeyShare } from './key-share';
import {
  deriveFromExtract,
  digest,
  emptyHash,
  finishedKey,
  hmac,
  warmHmacKey,
  zeroHkdfKey,
} from './key-schedule';
import { parseServerHello, type ServerHello } from './server-hello';
import { certificateVerifyContent, LeafKeyCache, verifyServerSignature } from './signature-verify';
import { Transcript } from './transcript';
import { checkHelloRetryRequest } from './hello-retry';
import { runTrustCallback } from './trust-check';
import { deriveHandshakeSecrets } from './handshake-secrets';
import { deriveApplicationSecrets, type ApplicationTrafficSecrets } from './application-secrets';
import { serverCertificateInfo } from './server-info';
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
  private leafKeys?: LeafKeyCache;
  private certificateRequest?: CertificateRequest;
  private serverChain: Uint8Array[] = [];
  private leaf?: X509Certificate;

  constructor(
    private readonly config: HandshakeConfig,
    private readonly host: HandshakeHost,
  ) {}

  async start(): Promise<void> {
    if (this.state !== 'start') throw new Error('handshake already started');
    this.random = this.config.random(32);
    this.shares = await Promise.all(
      this.config.keyShareGroups.map((group) => this.config.keyShares.create(group)),
    );
    this.sendClientHello(1);
    this.state = 'wait_server_hello';
  }

  private sendClientHello(attempt: 1 | 2, cookie?: Uint8Array): void {
    const { message, extensionTypes } = encodeClientHello(
      {
        random: this.random,
        sessionId: this.config.legacySessionId,
        cipherSuites: this.config.cipherSuites,
        serverName: this.config.serverName,
        supportedGroups: this.config.supportedGroups,
        keyShares: this.shares,
        signatureAlgorithms: this.config.signatureAlgorithms,
        cookie,
      },
      attempt,
      this.config.clientHelloHook,
    );
    this.offeredExtensions = extensionTypes;
    this.transcript.add(message);
    // The first ClientHello goes out with record version 0x0301 for old middleboxes (§5.1).
    this.host.sendPlaintextHandshake(message, attempt === 1 ? 0x0301 : 0x0303);
  }

  async handle(message: HandshakeMessage): Promise<void> {
    try {
      await this.dispatch(message);
    } catch (error) {
      if (error instanceof ByteReaderError) throw protocolError(Alert.decodeError, error.message, error);
      throw error;
    }
  }

  private unexpected(message: HandshakeMessage): TlsError {
    return protocolError(
      Alert.unexpectedMessage,
      `unexpected handshake message type ${message.type} while in state ${this.state}`,
    );
  }

  private async dispatch(message: HandshakeMessage): Promise<void> {
    switch (this.state) {
      case 'wait_server_hello':
        if (message.type !== HandshakeType.serverHello) throw this.unexpected(message);
        return this.onServerHello(message);
      case 'wait_encrypted_extensions':
        if (message.type !== HandshakeType.encryptedExtensions) throw this.unexpected(message);
        parseEncryptedExtensions(message.body, this.offeredExtensions);
        this.transcript.add(message.raw);
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
    this.suite = suite;
    this.transcript.add(message.raw);
    const { clientHandshakeSecret, serverHandshakeSecret, ikm, earlySalt, handshakeSecretForLog } =
      await deriveHandshakeSecrets(
        suite,
        ourShare,
        serverShare.keyExchange,
        this.transcript.hash(suite.hash),
        this.config.logSecrets,
      );
    this.host.logSecret('CLIENT_HANDSHAKE_TRAFFIC_SECRET', clientHandshakeSecret);
    this.host.logSecret('SERVER_HANDSHAKE_TRAFFIC_SECRET', serverHandshakeSecret);
    // The read key first: the server flight waits on it. Secrets needed only at the server Finished are
    // started afterwards so they do not compete with it for WebCrypto's worker threads.
    const read = RecordProtection.fromSecret(suite, serverHandshakeSecret);
    const write = RecordProtection.fromSecret(suite, clientHandshakeSecret);
    write.catch(() => undefined);
    this.host.setReadProtection(await read);
    this.host.setWriteProtection(write);
    if (handshakeSecretForLog) this.host.logSecret('HANDSHAKE_SECRET', await handshakeSecretForLog());
    // Salt of the Master Secret's Extract: Derive-Secret(Handshake Secret, "derived", "").
    this.masterSalt = emptyHash(suite.hash).then((empty) =>
      deriveFromExtract(suite.hash, ikm, earlySalt, 'derived', empty),
    );
    this.serverFinishedKey = finishedKey(suite.hash, serverHandshakeSecret);
    this.clientFinishedKey = finishedKey(suite.hash, clientHandshakeSecret);
    this.masterSalt.catch(() => undefined);
    // Unobserved rejections would be reported as unhandled; failures resurface where they are awaited.
    for (const pending of [this.serverFinishedKey, this.clientFinishedKey]) {
      pending.then((key) => warmHmacKey(suite.hash, key)).catch(() => undefined);
    }
    this.shares = [];
    this.state = 'wait_encrypted_extensions';
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
    await this.transcript.replaceWithMessageHash(suite.hash);
    this.transcript.add(message.raw);
    if (group !== undefined) {
      const share = await this.config.keyShares.create(group);
      // The second ClientHello must carry exactly the selected group (§4.1.4); never trust the factory blindly.
      if (share.group !== group) {
        throw protocolError(Alert.internalError, `key share factory returned ${groupName(share.group)}`);
      }
      this.shares = [share];
    }
    this.sendClientHello(2, hello.cookie);
  }

  private async onCertificate(message: HandshakeMessage): Promise<void> {
    const chain = parseCertificate(message.body);
    let leaf: X509Certificate;
    try {
      leaf = parseX509(chain[0] as Uint8Array);
    } catch (cause) {
      throw protocolError(Alert.badCertificate, `server certificate does not parse: ${String(cause)}`, cause);
    }
    this.serverChain = chain;
    this.leaf = leaf;
    this.pendingServerInfo = serverCertificateInfo(this.config.serverName, this.config.port, chain, leaf);
    this.pendingServerInfo.catch(() => undefined);
    this.leafKeys = new LeafKeyCache(leaf.spki);
    this.leafKeys.prefetch(leaf.publicKeyAlgorithm);
    this.transcript.add(message.raw);
    this.pendingHash = this.transcript.hash((this.suite as CipherSuite).hash);
    this.pendingHash.catch(() => undefined);
    this.state = 'wait_certificate_verify';
  }

  private async onCertificateVerify(message: HandshakeMessage): Promise<void> {
    const suite = this.suite as CipherSuite;
    const leaf = this.leaf as X509Certificate;
    const verify = parseCertificateVerify(message.body);
    const content = certificateVerifyContent('server', await (this.pendingHash as Promise<Uint8Array>));
    // The hash through CertificateVerify (for the Finished check) is started while the signature is checked.
    this.transcript.add(message.raw);
    this.pendingHash = this.transcript.hash(suite.hash);
    this.pendingHash.catch(() => undefined);
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
    const verified = (this.serverFinishedKey as Promise<Uint8Array>)
      .then((key) => hmac(suite.hash, key, transcriptHash))
      .then((expected) => {
        if (!equalBytes(expected, message.body)) {
          throw protocolError(Alert.decryptError, 'server Finished does not match the handshake transcript');
        }
      });
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

    // Application secrets (§7.1) are derived after the flight is sealed: only later records need them. The
    // server switches keys right after its Finished, so the new read key is installed at this record boundary
    // (§5.1) as a promise; records wait for it.
    const secrets = deriveApplicationSecrets(
      suite,
      this.masterSalt as Promise<Uint8Array>,
      serverFinishedTranscript,
      this.config.logSecrets,
      (label, secret) => this.host.logSecret(label, secret),
    );
    const read = secrets.then((s) => RecordProtection.fromSecret(suite, s.serverApplicationTrafficSecret));
    const write = secrets.then((s) => RecordProtection.fromSecret(suite, s.clientApplicationTrafficSecret));
    for (const pending of [read, write]) pending.catch(() => undefined);
    this.applicationSecrets = secrets;
    this.host.setReadProtection(read);
    this.host.setWriteProtection(write);
    this.host.background(Promise.all([read, write]));
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
    this.resumption ??= Promise.all([salt, digest(suite.hash, transcript), zeroHkdfKey(suite.hash)])
      .then(([masterSalt, hash, zeros]) =>
        deriveFromExtract(suite.hash, zeros, masterSalt, 'res master', hash),
      )
      .then((secret) => {
        this.host.logSecret('RESUMPTION_MASTER_SECRET', secret);
        return secret;
      });
    return this.resumption;
  }
}
