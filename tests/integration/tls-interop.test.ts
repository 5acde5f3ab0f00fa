// Our TLS 1.3 client against real servers on loopback, each started here: Node's tls, `openssl s_server`
// (suites, groups, forced HelloRetryRequest, key types) and GnuTLS `gnutls-serv`. In every case the server
// must have seen our client certificate, and its fingerprint must be our identity's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectTls, TlsError, type ServerCertificateInfo } from '../../src/lib/tls/client';
import { connectTcp } from '../../src/lib/node/tcp-transport';
import {
  certificateSha256FromPem,
  identityFrom,
  makeCertificate,
  normaliseFingerprint,
  removeTempDirs,
  startGnutlsServer,
  startNodeTlsServer,
  startOpensslServer,
  type KeyKind,
  type TestCertificate,
} from '../support/tls-peers';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

let certs: Record<string, TestCertificate>;
beforeAll(() => {
  certs = {
    serverEc: makeCertificate('ec', 'server-ec.test'),
    serverRsa: makeCertificate('rsa', 'server-rsa.test'),
    serverEd: makeCertificate('ed25519', 'server-ed.test'),
    serverEc384: makeCertificate('ec384', 'server-ec384.test'),
    clientEc: makeCertificate('ec', 'client-ec.test'),
    clientRsa: makeCertificate('rsa', 'client-rsa.test'),
    clientEd: makeCertificate('ed25519', 'client-ed.test'),
  };
});
afterAll(() => removeTempDirs());

function recordingVerifier() {
  const seen: ServerCertificateInfo[] = [];
  return { seen, verifyServer: async (info: ServerCertificateInfo) => void seen.push(info) };
}

const clientFor: Record<KeyKind, string> = {
  ec: 'clientEc',
  rsa: 'clientRsa',
  ed25519: 'clientEd',
  ec384: 'clientEc',
};

describe('Node tls server', () => {
  for (const serverKind of ['serverEc', 'serverRsa'] as const) {
    for (const clientKind of ['ec', 'rsa', 'ed25519'] as const) {
      it(`${serverKind} with a ${clientKind} client certificate`, async () => {
        const server = certs[serverKind] as TestCertificate;
        const client = certs[clientFor[clientKind]] as TestCertificate;
        const peer = await startNodeTlsServer(server);
        try {
          const { seen, verifyServer } = recordingVerifier();
          const transport = await connectTcp('127.0.0.1', peer.port);
          const connection = await connectTls(transport, {
            serverName: 'localhost',
            port: peer.port,
            identity: await identityFrom(client),
            verifyServer,
            timeoutMs: 10_000,
          });
          expect(seen).toHaveLength(1);
          expect(connection.server.certSha256).toBe(server.sha256);
          await connection.write(encoder.encode('misfin'));
          expect(decoder.decode(await connection.readAll(1024))).toBe('hello misfin');
          await connection.close();
          expect(peer.clientFingerprints.map(normaliseFingerprint)).toEqual([client.sha256]);
        } finally {
          await peer.close();
        }
      });
    }
  }

  it('sends an empty Certificate without an identity (Node accepts it with rejectUnauthorized false)', async () => {
    const peer = await startNodeTlsServer(certs.serverEc as TestCertificate);
    try {
      const transport = await connectTcp('127.0.0.1', peer.port);
      const connection = await connectTls(transport, {
        serverName: 'localhost',
        port: peer.port,
        verifyServer: async () => undefined,
      });
      await connection.write(encoder.encode('anon'));
      expect(decoder.decode(await connection.readAll(1024))).toBe('hello anon');
      expect(peer.clientFingerprints).toEqual([]);
    } finally {
      await peer.close();
    }
  });
});

/** One exchange with s_server: we send a line, it prints it; it sends a line from stdin, we read it. */
async function opensslExchange(
  extra: string[],
  clientKind: KeyKind,
  serverCert = 'serverEc',
  expectSuite?: string,
) {
  const client = certs[clientFor[clientKind]] as TestCertificate;
  const server = await startOpensslServer(certs[serverCert] as TestCertificate, client, [
    '-naccept',
    '1',
    ...extra,
  ]);
  try {
    const transport = await connectTcp('127.0.0.1', server.port);
    const connection = await connectTls(transport, {
      serverName: 'localhost',
      port: server.port,
      identity: await identityFrom(client),
      verifyServer: async () => undefined,
      timeoutMs: 10_000,
    });
    if (expectSuite) expect(connection.cipherSuite).toBe(expectSuite);
    await connection.write(encoder.encode('ping from webmail\n'));
    await server.waitFor(/ping from webmail/);
    server.process.stdin?.write('pong from openssl\n');
    const reply = await connection.read();
    expect(decoder.decode(reply ?? new Uint8Array())).toBe('pong from openssl\n');
    await connection.close();
    // s_server prints the verified client certificate as PEM.
    const pem = (
      await server.waitFor(
        /Client certificate\s*\n(-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----)/,
      )
    )[1];
    expect(certificateSha256FromPem(pem as string)).toBe(client.sha256);
    return server.output();
  } finally {
    await server.stop();
  }
}

describe('openssl s_server -Verify 1', () => {
  it('TLS_AES_128_GCM_SHA256 with an ECDSA client', async () => {
    await opensslExchange(
      ['-ciphersuites', 'TLS_AES_128_GCM_SHA256'],
      'ec',
      'serverEc',
      'TLS_AES_128_GCM_SHA256',
    );
  });
  it('TLS_AES_256_GCM_SHA384 with an RSA client', async () => {
    await opensslExchange(
      ['-ciphersuites', 'TLS_AES_256_GCM_SHA384'],
      'rsa',
      'serverRsa',
      'TLS_AES_256_GCM_SHA384',
    );
  });
  it('X25519 key share with an Ed25519 client and Ed25519 server', async () => {
    await opensslExchange(['-groups', 'X25519'], 'ed25519', 'serverEd');
  });
  it('P-256 key share', async () => {
    await opensslExchange(['-groups', 'P-256'], 'ec');
  });
  it('HelloRetryRequest forced with -groups P-384', async () => {
    await opensslExchange(['-groups', 'P-384'], 'ec', 'serverEc384');
  });
  it('refuses with a message naming both lists when no client scheme fits', async () => {
    const client = certs.clientEc as TestCertificate;
    const server = await startOpensslServer(certs.serverEc as TestCertificate, client, [
      '-naccept',
      '1',
      '-client_sigalgs',
      'RSA-PSS+SHA256',
    ]);
    try {
      const transport = await connectTcp('127.0.0.1', server.port);
      const error = await connectTls(transport, {
        serverName: 'localhost',
        port: server.port,
        identity: await identityFrom(client),
        verifyServer: async () => undefined,
        timeoutMs: 10_000,
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TlsError);
      expect((error as TlsError).code).toBe('handshake_failure');
      expect((error as TlsError).message).toMatch(/rsa_pss_rsae_sha256.*ecdsa_secp256r1_sha256/);
    } finally {
      await server.stop();
    }
  });
  it('reports certificate_required when we have no identity', async () => {
    const server = await startOpensslServer(certs.serverEc as TestCertificate, certs.clientEc, [
      '-naccept',
      '1',
    ]);
    try {
      const transport = await connectTcp('127.0.0.1', server.port);
      const connection = await connectTls(transport, {
        serverName: 'localhost',
        port: server.port,
        verifyServer: async () => undefined,
        timeoutMs: 10_000,
      });
      const error = await connection.read().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TlsError);
      expect((error as TlsError).code).toBe('certificate_required');
      expect((error as TlsError).remote).toBe(true);
      expect((error as TlsError).message).toMatch(/server requires a client certificate/);
    } finally {
      await server.stop();
    }
  });
});

describe('openssl s_server post-handshake', () => {
  it('KeyUpdate in both directions, tickets kept and never returned as data', async () => {
    const client = certs.clientEc as TestCertificate;
    const server = await startOpensslServer(certs.serverEc as TestCertificate, client, ['-naccept', '1']);
    try {
      const transport = await connectTcp('127.0.0.1', server.port);
      const connection = await connectTls(transport, {
        serverName: 'localhost',
        port: server.port,
        identity: await identityFrom(client),
        verifyServer: async () => undefined,
        timeoutMs: 10_000,
      });
      await connection.write(encoder.encode('first line\n'));
      await server.waitFor(/first line/);
      // "K": s_server sends KeyUpdate(update_requested); we must switch our receive key and answer.
      server.process.stdin?.write('K\n');
      await new Promise((resolve) => setTimeout(resolve, 200));
      server.process.stdin?.write('after server update\n');
      expect(decoder.decode((await connection.read()) ?? new Uint8Array())).toBe('after server update\n');
      await connection.write(encoder.encode('client after server update\n'));
      await server.waitFor(/client after server update/);
      // Now we initiate, asking the server to update too.
      await connection.updateKeys(true);
      await connection.write(encoder.encode('after client update\n'));
      await server.waitFor(/after client update/);
      server.process.stdin?.write('server reply after client update\n');
      expect(decoder.decode((await connection.read()) ?? new Uint8Array())).toBe(
        'server reply after client update\n',
      );
      expect(connection.tickets.length).toBeGreaterThan(0);
      expect(connection.tickets[0]?.psk?.length).toBe(32);
      await connection.close();
      expect(server.output()).not.toMatch(/error|alert/i);
      // s_server prints this after performing the KeyUpdate that "K" asked for.
      expect(server.output()).toMatch(/SSL_do_handshake -> 1/);
    } finally {
      await server.stop();
    }
  });
});

describe('gnutls-serv --require-client-cert', () => {
  for (const clientKind of ['ec', 'rsa', 'ed25519'] as const) {
    it(`echoes over TLS 1.3 with a ${clientKind} client certificate`, async () => {
      const client = certs[clientFor[clientKind]] as TestCertificate;
      const server = await startGnutlsServer(certs.serverEc as TestCertificate);
      try {
        const transport = await connectTcp('127.0.0.1', server.port);
        const connection = await connectTls(transport, {
          serverName: 'localhost',
          port: server.port,
          identity: await identityFrom(client),
          verifyServer: async () => undefined,
          timeoutMs: 10_000,
        });
        await connection.write(encoder.encode('echo me\n'));
        expect(decoder.decode((await connection.read()) ?? new Uint8Array())).toBe('echo me\n');
        await connection.close();
        // gnutls-serv prints the client certificate it received, with its SHA-256 fingerprint.
        const fingerprint = await server.waitFor(
          /Fingerprint:\s*\n\s*sha1:[0-9a-f]+\s*\n\s*sha256:([0-9a-f]{64})/,
        );
        expect(fingerprint[1]).toBe(client.sha256);
        expect(server.output()).toMatch(/- Version: TLS1.3/);
      } finally {
        await server.stop();
      }
    });
  }
});
