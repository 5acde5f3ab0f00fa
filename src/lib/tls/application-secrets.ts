// Application traffic secrets (RFC 8446 §7.1), derived from the Master Secret's salt and the transcript
// through the server Finished. The Master Secret itself is only computed when a key log wants it.
import type { CipherSuite } from './cipher-suites';
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
