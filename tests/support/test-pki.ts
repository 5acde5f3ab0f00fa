import { execFileSync } from 'node:child_process';
import { createHash, createPrivateKey, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClientIdentity } from '../../src/lib/tls/client';

/** Test support: a server certificate and a Misfin client identity made by the real `openssl` CLI. */
export interface TestPki {
  serverKeyPem: string;
  serverCertPem: string;
  /** SHA-256 of the server certificate DER, lowercase hex (the Misfin fingerprint). */
  serverCertSha256: string;
  client: ClientIdentity;
  clientCertSha256: string;
}

function makeCert(dir: string, name: string, subject: string): { keyPem: string; certPem: string } {
  const key = join(dir, `${name}.key`);
  const cert = join(dir, `${name}.pem`);
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '2',
      '-subj',
      subject,
      '-addext',
      'subjectAltName=DNS:localhost',
    ],
    { stdio: 'ignore', timeout: 20_000 },
  );
  return { keyPem: readFileSync(key, 'utf8'), certPem: readFileSync(cert, 'utf8') };
}

export async function makeTestPki(): Promise<TestPki> {
  const dir = mkdtempSync(join(tmpdir(), 'misfin-pki-'));
  try {
    const server = makeCert(dir, 'server', '/CN=localhost');
    const client = makeCert(dir, 'client', '/CN=Test Bee/UID=bee');
    const clientDer = new Uint8Array(new X509Certificate(client.certPem).raw);
    const pkcs8 = createPrivateKey(client.keyPem).export({ type: 'pkcs8', format: 'der' });
    const privateKey = await globalThis.crypto.subtle.importKey(
      'pkcs8',
      new Uint8Array(pkcs8),
      { name: 'ECDSA', namedCurve: 'P-256' },
      false,
      ['sign'],
    );
    const sha = (der: Uint8Array) => createHash('sha256').update(der).digest('hex');
    return {
      serverKeyPem: server.keyPem,
      serverCertPem: server.certPem,
      serverCertSha256: sha(new Uint8Array(new X509Certificate(server.certPem).raw)),
      client: { certificateChain: [clientDer], privateKey },
      clientCertSha256: sha(clientDer),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
