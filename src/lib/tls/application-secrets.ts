// Application traffic secrets (RFC 8446 §7.1), derived from the Master Secret's salt and the transcript
// through the server Finished. The Master Secret itself is only computed when a key log wants it.
import { RecordProtection } from './aead';
import type { CipherSuite } from './cipher-suites';
import type { HandshakeHost } from './handshake-host';
import {
  deriveFromExtract,
  digest,
  hashLength,
  hkdfExtract,
  zeroHkdfKey,
  type ApplicationSecrets,
} from './key-schedule';

export type ApplicationTrafficSecrets = Omit<ApplicationSecrets, 'masterSecret'>;

/**
 * `masterSalt` is Derive-Secret(Handshake Secret, "derived", ""); `logSecret` receives the traffic secrets
 * (the connection keeps them for KeyUpdate) and, when `logMaster`, the Master Secret too.
 */
export async function deriveApplicationSecrets(
  suite: CipherSuite,
  masterSalt: Promise<Uint8Array>,
  serverFinishedTranscript: Uint8Array,
  logMaster: boolean,
  logSecret: (label: string, secret: Uint8Array) => void,
): Promise<ApplicationTrafficSecrets> {
  const [salt, hash, zeros] = await Promise.all([
    masterSalt,
    digest(suite.hash, serverFinishedTranscript),
    zeroHkdfKey(suite.hash),
  ]);
  const [client, server, exporter] = await Promise.all([
    deriveFromExtract(suite.hash, zeros, salt, 'c ap traffic', hash),
    deriveFromExtract(suite.hash, zeros, salt, 's ap traffic', hash),
    deriveFromExtract(suite.hash, zeros, salt, 'exp master', hash),
  ]);
  if (logMaster) {
    logSecret('MASTER_SECRET', await hkdfExtract(suite.hash, salt, new Uint8Array(hashLength(suite.hash))));
  }
  logSecret('CLIENT_TRAFFIC_SECRET_0', client);
  logSecret('SERVER_TRAFFIC_SECRET_0', server);
  logSecret('EXPORTER_SECRET', exporter);
  return {
    clientApplicationTrafficSecret: client,
    serverApplicationTrafficSecret: server,
    exporterMasterSecret: exporter,
  };
}

/**
 * Derives the application traffic secrets and installs them: the server switches keys right after its
 * Finished, so the new read key is installed at this record boundary (§5.1) as a promise; records wait for it.
 */
export function installApplicationKeys(
  host: HandshakeHost,
  suite: CipherSuite,
  masterSalt: Promise<Uint8Array>,
  serverFinishedTranscript: Uint8Array,
  logSecrets: boolean,
): Promise<ApplicationTrafficSecrets> {
  const secrets = deriveApplicationSecrets(suite, masterSalt, serverFinishedTranscript, logSecrets, (l, s) =>
    host.logSecret(l, s),
  );
  const read = secrets.then((s) => RecordProtection.fromSecret(suite, s.serverApplicationTrafficSecret));
  const write = secrets.then((s) => RecordProtection.fromSecret(suite, s.clientApplicationTrafficSecret));
  for (const pending of [read, write]) pending.catch(() => undefined);
  host.setReadProtection(read);
  host.setWriteProtection(write);
  host.background(Promise.all([read, write]));
  return secrets;
}

/** resumption_master_secret = Derive-Secret(Master Secret, "res master", ClientHello...client Finished) (§7.1). */
export async function deriveResumptionMasterSecret(
  suite: CipherSuite,
  masterSalt: Promise<Uint8Array>,
  transcriptThroughClientFinished: Uint8Array,
): Promise<Uint8Array> {
  const [salt, hash, zeros] = await Promise.all([
    masterSalt,
    digest(suite.hash, transcriptThroughClientFinished),
    zeroHkdfKey(suite.hash),
  ]);
  return deriveFromExtract(suite.hash, zeros, salt, 'res master', hash);
}
