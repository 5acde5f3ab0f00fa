// A client core set up as RFC 8448's client (test support): the trace's cipher suites, groups and
// signature algorithms, its empty legacy_session_id (also when resuming), its clock, and its 1024-bit RSA
// server key allowed (below our default floor).
// Records every secret (by label, hex) and every server the trust callback was asked about.
import { toHex } from '../../bytes/hex';
import { TlsClientCore, type TlsCoreOptions } from '../connection';
import type { ServerCertificateInfo } from '../types';
import { rfcAllGroups, rfcCipherSuites, rfcSignatureAlgorithms } from './fixed-key-shares';

export function rfc8448Core(extra: Partial<TlsCoreOptions> & Pick<TlsCoreOptions, 'random' | 'keyShares'>) {
  const secrets = new Map<string, string>();
  const seen: ServerCertificateInfo[] = [];
  const core = new TlsClientCore({
    serverName: 'server',
    port: 443,
    cipherSuites: rfcCipherSuites,
    supportedGroups: rfcAllGroups,
    keyShareGroups: [0x001d],
    signatureAlgorithms: rfcSignatureAlgorithms,
    verifyServer: async (info) => void seen.push(info),
    onSecret: (label, secret) => secrets.set(label, toHex(secret)),
    legacySessionId: new Uint8Array(0),
    now: () => 1_000,
    minimumRsaModulusBits: 1024,
    ...extra,
  });
  return { core, secrets, seen };
}
