// Starts real TLS peers on 127.0.0.1 for integration tests and benchmarks: certificates from the openssl
// command line, Node's tls server, `openssl s_server` and `gnutls-serv`. Every wait has a timeout.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createTlsServer, type Server as TlsServer, type TLSSocket } from 'node:tls';
import { parsePem } from '../../src/lib/bytes/pem';
import type { ClientIdentity } from '../../src/lib/tls/client';

export type KeyKind = 'ec' | 'rsa' | 'ed25519' | 'ec384';

export interface TestCertificate {
  kind: KeyKind;
  dir: string;
  certPath: string;
  keyPath: string;
  certPem: string;
  keyPem: string;
  certDer: Uint8Array;
  pkcs8Der: Uint8Array;
  /** Lowercase hex SHA-256 of the DER certificate. */
  sha256: string;
}

const keyArgs: Record<KeyKind, string[]> = {
  ec: ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'],
  ec384: ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-384'],
  rsa: ['-newkey', 'rsa:2048'],
  ed25519: ['-newkey', 'ed25519'],
};

const tempDirs: string[] = [];

export function makeCertificate(kind: KeyKind, commonName: string): TestCertificate {
  const dir = mkdtempSync(join(tmpdir(), 'tls-test-'));
  tempDirs.push(dir);
  const certPath = join(dir, 'cert.pem');
  const keyPath = join(dir, 'key.pem');
  execFileSync(
    'openssl',
    ['req', '-x509', ...keyArgs[kind], '-nodes', '-keyout', keyPath, '-out', certPath, '-days', '30'].concat([
      '-subj',
      `/CN=${commonName}`,
      '-addext',
      `subjectAltName=DNS:${commonName}`,
    ]),
    { stdio: 'ignore', timeout: 20_000 },
  );
  const certPem = readFileSync(certPath, 'utf8');
  const keyPem = readFileSync(keyPath, 'utf8');
  const certDer = parsePem(certPem)[0]?.der as Uint8Array;
  const pkcs8Der = parsePem(keyPem)[0]?.der as Uint8Array;
  const sha256 = createHash('sha256').update(certDer).digest('hex');
  return { kind, dir, certPath, keyPath, certPem, keyPem, certDer, pkcs8Der, sha256 };
}

export function removeTempDirs(): void {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** The identity as the page would hold it: a non-extractable WebCrypto key. */
export async function identityFrom(cert: TestCertificate): Promise<ClientIdentity> {
  const algorithms: Record<KeyKind, RsaHashedImportParams | EcKeyImportParams | Algorithm> = {
    ec: { name: 'ECDSA', namedCurve: 'P-256' },
    ec384: { name: 'ECDSA', namedCurve: 'P-384' },
    rsa: { name: 'RSA-PSS', hash: 'SHA-256' },
    ed25519: { name: 'Ed25519' },
  };
  const privateKey = await crypto.subtle.importKey(
    'pkcs8',
    cert.pkcs8Der as BufferSource,
    algorithms[cert.kind],
    false,
    ['sign'],
  );
  return { certificateChain: [cert.certDer], privateKey };
}

export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

export interface NodeTlsPeer {
  port: number;
  server: TlsServer;
  /** fingerprint256 of each client certificate, as Node reports it (AB:CD:...). */
  clientFingerprints: string[];
  /** Each connection: whether Node resumed its session, and the client certificate it saw. */
  seen: { reused: boolean; fingerprint?: string }[];
  /** Handshakes Node refused ('tlsClientError'). */
  clientErrors: Error[];
  close(): Promise<void>;
}

/** Node tls server that requests a client certificate, answers "hello <data>" and closes with close_notify. */
export async function startNodeTlsServer(
  server: TestCertificate,
  reply?: (data: Buffer) => Buffer,
): Promise<NodeTlsPeer> {
  const clientFingerprints: string[] = [];
  const seen: NodeTlsPeer['seen'] = [];
  const clientErrors: Error[] = [];
  const sockets = new Set<TLSSocket>();
  const tlsServer = createTlsServer(
    {
      cert: server.certPem,
      key: server.keyPem,
      requestCert: true,
      rejectUnauthorized: false,
      minVersion: 'TLSv1.3',
    },
    (socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => undefined);
      const peer = socket.getPeerCertificate();
      if (peer && peer.fingerprint256) clientFingerprints.push(peer.fingerprint256);
      seen.push({ reused: socket.isSessionReused(), fingerprint: peer?.fingerprint256 });
      socket.once('data', (data: Buffer) => {
        socket.end(reply ? reply(data) : Buffer.concat([Buffer.from('hello '), data]));
      });
    },
  );
  tlsServer.on('tlsClientError', (error) => clientErrors.push(error));
  await new Promise<void>((resolve) => tlsServer.listen(0, '127.0.0.1', resolve));
  const address = tlsServer.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  return {
    port: address.port,
    server: tlsServer,
    clientFingerprints,
    seen,
    clientErrors,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        tlsServer.close(() => resolve());
      }),
  };
}

/** Node prints fingerprints as colon-separated uppercase hex; ours are plain lowercase. */
export function normaliseFingerprint(fingerprint: string): string {
  return fingerprint.replace(/:/g, '').toLowerCase();
}

export interface ProcessPeer {
  port: number;
  process: ChildProcess;
  output(): string;
  /** Resolves when the combined output matches. */
  waitFor(pattern: RegExp, ms?: number): Promise<RegExpMatchArray>;
  stop(): Promise<void>;
}

function watch(child: ChildProcess): Pick<ProcessPeer, 'output' | 'waitFor'> {
  let text = '';
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    text += chunk.toString('utf8');
    for (const listener of listeners) listener();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  child.on('exit', () => {
    for (const listener of listeners) listener();
  });
  return {
    output: () => text,
    waitFor(pattern, ms = 10_000) {
      return withTimeout(
        new Promise<RegExpMatchArray>((resolve, reject) => {
          const check = () => {
            const match = text.match(pattern);
            if (match) {
              listeners.delete(check);
              resolve(match);
            } else if (child.exitCode !== null) {
              listeners.delete(check);
              reject(new Error(`process exited (${child.exitCode}) before ${pattern}: ${text.slice(-2000)}`));
            }
          };
          listeners.add(check);
          check();
        }),
        ms,
        `waiting for ${pattern} (output so far: ${text.slice(-500)})`,
      );
    },
  };
}

function stopper(child: ChildProcess): () => Promise<void> {
  return () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        resolve();
      }, 2000);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      child.kill('SIGTERM');
    });
}

/**
 * `openssl s_server -tls1_3 -Verify 1` trusting the client certificate (so verification passes and the
 * server prints it). Extra arguments select suites, groups, key types.
 */
export async function startOpensslServer(
  server: TestCertificate,
  clientCa: TestCertificate | undefined,
  extra: string[] = [],
): Promise<ProcessPeer> {
  const args = [
    's_server',
    '-accept',
    '127.0.0.1:0',
    '-cert',
    server.certPath,
    '-key',
    server.keyPath,
    '-tls1_3',
  ];
  if (clientCa) args.push('-Verify', '1', '-verify_return_error', '-CAfile', clientCa.certPath);
  const child = spawn('openssl', [...args, ...extra], { stdio: ['pipe', 'pipe', 'pipe'] });
  const watcher = watch(child);
  const stop = stopper(child);
  try {
    const match = await watcher.waitFor(/ACCEPT\s+\S*:(\d+)/);
    return { port: Number(match[1]), process: child, ...watcher, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Picks a free loopback port for programs that cannot listen on port 0 themselves. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createNetServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        address && typeof address !== 'string' ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** `gnutls-serv --require-client-cert --echo`: an independent TLS stack (GnuTLS). */
export async function startGnutlsServer(server: TestCertificate, extra: string[] = []): Promise<ProcessPeer> {
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const child = spawn(
      'gnutls-serv',
      [
        '--port',
        String(port),
        '--x509certfile',
        server.certPath,
        '--x509keyfile',
        server.keyPath,
        '--require-client-cert',
        '--echo',
        '--priority',
        'NORMAL:-VERS-ALL:+VERS-TLS1.3',
        ...extra,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const watcher = watch(child);
    const stop = stopper(child);
    try {
      await watcher.waitFor(/listening on IPv4 \S+ port \d+\.\.\.done/i);
      return { port, process: child, ...watcher, stop };
    } catch (error) {
      await stop();
      if (attempt >= 2) throw error;
    }
  }
}

export function certificateSha256FromPem(pem: string): string {
  return new X509Certificate(pem).fingerprint256.replace(/:/g, '').toLowerCase();
}

export function writeTemp(name: string, content: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'tls-test-'));
  tempDirs.push(dir);
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}
