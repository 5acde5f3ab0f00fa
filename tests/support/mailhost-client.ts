// Test helpers for the mail host: identities (identity library, or openssl for odd certificates), a raw
// node:tls client for Misfin and Gemini requests, temporary data directories.
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { formatPem } from '../../src/lib/bytes/pem';
import { createSelfSignedCertificate } from '../../src/lib/identity/certificate-builder';
import { generateIdentityKey } from '../../src/lib/identity/keys';
import { certificateFingerprint } from '../../src/lib/identity/x509';

export interface TestIdentity {
  keyPem: string;
  certPem: string;
  fingerprint: string;
}

export async function selfSignedIdentity(
  mailbox: string,
  host: string,
  options: { displayName?: string; now?: Date; validDays?: number } = {},
): Promise<TestIdentity> {
  const key = await generateIdentityKey('ec', { extractable: true });
  const der = await createSelfSignedCertificate(
    key,
    { mailbox, host, ...(options.displayName ? { displayName: options.displayName } : {}) },
    {
      ...(options.now ? { now: options.now } : {}),
      ...(options.validDays ? { validDays: options.validDays } : {}),
    },
  );
  const pkcs8 = new Uint8Array(await crypto.subtle.exportKey('pkcs8', key.privateKey));
  return {
    keyPem: formatPem('PRIVATE KEY', pkcs8),
    certPem: formatPem('CERTIFICATE', der),
    fingerprint: await certificateFingerprint(der),
  };
}

/** A certificate made by openssl with the given subject and SAN (e.g. no UID), for odd-identity tests. */
export async function opensslIdentity(subject: string, san: string | undefined): Promise<TestIdentity> {
  const args = [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-subj',
    subject,
    '-days',
    '2',
  ];
  if (san) args.push('-addext', `subjectAltName=${san}`);
  const out = execFileSync('openssl', [...args, '-keyout', '-', '-out', '-'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const keyPem = /-----BEGIN PRIVATE KEY-----[\s\S]+?-----END PRIVATE KEY-----\n/.exec(out)![0];
  const certPem = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n/.exec(out)![0];
  const der = Buffer.from(certPem.replace(/-----[A-Z ]+-----|\s/g, ''), 'base64');
  return { keyPem, certPem, fingerprint: await certificateFingerprint(new Uint8Array(der)) };
}

/** Splits a PEM file with a certificate chain and a key (what `mailbox add --cert-out` writes). */
export function identityFromPemFile(text: string, fingerprint: string): TestIdentity {
  const keyPem = /-----BEGIN PRIVATE KEY-----[\s\S]+?-----END PRIVATE KEY-----\n/.exec(text)![0];
  const certPem = text.replace(keyPem, '');
  return { keyPem, certPem, fingerprint };
}

export interface RawResponse {
  status: number;
  meta: string;
  /** Bytes after the response line (Gemini bodies). */
  body: string;
  /** The server's certificate fingerprint (SHA-256 of its DER, lowercase hex). */
  serverFingerprint: string;
  /** Whether the TLS session was resumed from `options.session`. */
  reused: boolean;
  version: string | null;
  /** Every session ticket the server sent, in order (to resume with later). */
  sessions: Buffer[];
}

/** One request on a fresh TLS connection to 127.0.0.1:port; reads until the server closes. */
export function rawRequest(
  port: number,
  request: Uint8Array | string,
  options: { identity?: TestIdentity; servername?: string; timeoutMs?: number; session?: Buffer } = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect({
      host: '127.0.0.1',
      port,
      rejectUnauthorized: false,
      servername: options.servername ?? 'localhost',
      ...(options.identity ? { key: options.identity.keyPem, cert: options.identity.certPem } : {}),
      ...(options.session ? { session: options.session } : {}),
    });
    const chunks: Buffer[] = [];
    const sessions: Buffer[] = [];
    let serverFingerprint = '';
    socket.on('session', (session: Buffer) => sessions.push(session));
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error('test client: no response in time'));
    }, options.timeoutMs ?? 15_000);
    socket.once('secureConnect', () => {
      serverFingerprint = (socket.getPeerCertificate().fingerprint256 ?? '').replace(/:/g, '').toLowerCase();
      socket.write(request);
    });
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.once('end', () => {
      clearTimeout(timer);
      const reused = socket.isSessionReused();
      const version = socket.getProtocol();
      socket.end();
      // Tickets arrive before the response; give a late 'session' event its turn.
      setImmediate(() => {
        const text = Buffer.concat(chunks).toString('utf8');
        const crlf = text.indexOf('\r\n');
        const line = crlf < 0 ? text : text.slice(0, crlf);
        const match = /^(\d{2}) ?(.*)$/.exec(line);
        if (!match)
          return reject(new Error(`test client: bad response line ${JSON.stringify(line.slice(0, 80))}`));
        resolve({
          status: Number(match[1]),
          meta: match[2]!,
          body: crlf < 0 ? '' : text.slice(crlf + 2),
          serverFingerprint,
          reused,
          version,
          sessions,
        });
      });
    });
  });
}

export const misfinB = (to: string, message: string) => `misfin://${to} ${message}\r\n`;

export function misfinC(to: string, message: string): Buffer {
  const body = Buffer.from(message, 'utf8');
  return Buffer.concat([Buffer.from(`misfin://${to}\t${body.length}\r\n`), body]);
}

export async function tempDir(prefix: string): Promise<{ path: string; remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), `mailhost-${prefix}-`));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}
