// TLS 1.3 resumption against `openssl s_server` and GnuTLS `gnutls-serv`, each started here on loopback with
// its default tickets: a full handshake, then a resumed one. The server itself must report the resumption and
// the same client certificate on both connections (s_server -www prints "New"/"Reused" and the client
// certificate in its answer; gnutls-serv logs "This is a resumed session" and the peer's fingerprint).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectTcp } from '../../src/lib/node/tcp-transport';
import {
  connectTls,
  MemorySessionCache,
  TlsError,
  type ByteTransport,
  type TlsConnection,
} from '../../src/lib/tls/client';
import {
  certificateSha256FromPem,
  identityFrom,
  makeCertificate,
  removeTempDirs,
  startGnutlsServer,
  startOpensslServer,
  type TestCertificate,
} from '../support/tls-peers';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

let serverCert: TestCertificate;
let clientCert: TestCertificate;
beforeAll(() => {
  serverCert = makeCertificate('ec', 'localhost');
  clientCert = makeCertificate('ec', 'client-resume.test');
});
afterAll(() => removeTempDirs());

async function connect(
  port: number,
  cache: MemorySessionCache,
  rewriteFirst?: (bytes: Uint8Array) => Uint8Array,
): Promise<TlsConnection> {
  let transport: ByteTransport = await connectTcp('127.0.0.1', port);
  if (rewriteFirst) {
    const inner = transport;
    let first = true;
    transport = {
      read: () => inner.read(),
      write: (bytes) => {
        const out = first ? rewriteFirst(bytes.slice()) : bytes;
        first = false;
        return inner.write(out);
      },
      close: () => inner.close(),
    };
  }
  return connectTls(transport, {
    serverName: 'localhost',
    port,
    identity: await identityFrom(clientCert),
    verifyServer: async (info) => {
      if (info.certSha256 !== serverCert.sha256) throw new Error('unexpected server certificate');
    },
    timeoutMs: 10_000,
    resumption: { cache, key: `127.0.0.1:${port}:${clientCert.sha256}` },
  });
}

const flipLastByte = (bytes: Uint8Array) => {
  bytes[bytes.length - 1] = (bytes[bytes.length - 1] as number) ^ 0x01;
  return bytes;
};

/** s_server -www answers GET with a status page and closes; returns the page. */
async function statusPage(connection: TlsConnection): Promise<string> {
  await connection.write(encoder.encode('GET / HTTP/1.0\r\n\r\n'));
  const page = decoder.decode(await connection.readAll(256 * 1024));
  await connection.close();
  return page;
}

function clientCertificateOnPage(page: string): string {
  const pem = page.match(
    /Client certificate[\s\S]*?(-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----)/,
  );
  if (!pem) throw new Error(`no client certificate on the status page: ${page.slice(0, 400)}`);
  return certificateSha256FromPem(pem[1] as string);
}

describe('openssl s_server', () => {
  const variants: [string, string[], string][] = [
    ['default tickets', [], 'TLS_AES_128_GCM_SHA256'],
    ['SHA-384 suite', ['-ciphersuites', 'TLS_AES_256_GCM_SHA384'], 'TLS_AES_256_GCM_SHA384'],
    ['stateful tickets (-no_ticket)', ['-no_ticket'], 'TLS_AES_128_GCM_SHA256'],
    ['HelloRetryRequest on every handshake (-groups P-384)', ['-groups', 'P-384'], 'TLS_AES_128_GCM_SHA256'],
    ['one ticket per connection (-num_tickets 1)', ['-num_tickets', '1'], 'TLS_AES_128_GCM_SHA256'],
  ];
  for (const [name, extra, suite] of variants) {
    it(`resumes: ${name}`, async () => {
      const peer = await startOpensslServer(serverCert, clientCert, ['-www', ...extra]);
      try {
        const cache = new MemorySessionCache();
        const first = await connect(peer.port, cache);
        const firstPage = await statusPage(first);
        expect(first.resumed).toBe(false);
        expect(firstPage).toMatch(/\bNew, TLSv1\.3/);

        const second = await connect(peer.port, cache);
        const secondPage = await statusPage(second);
        expect(second.resumed).toBe(true);
        expect(second.cipherSuite).toBe(suite);
        expect(second.server.certSha256).toBe(serverCert.sha256);
        expect(secondPage).toMatch(/\bReused, TLSv1\.3/);
        expect(clientCertificateOnPage(firstPage)).toBe(clientCert.sha256);
        expect(clientCertificateOnPage(secondPage)).toBe(clientCert.sha256);
      } finally {
        await peer.stop();
      }
    });
  }

  it('refuses a binder we corrupt on purpose (sanity)', async () => {
    const peer = await startOpensslServer(serverCert, clientCert, ['-www']);
    try {
      const cache = new MemorySessionCache();
      await statusPage(await connect(peer.port, cache));
      const failure = await connect(peer.port, cache, flipLastByte).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(TlsError);
      expect((failure as TlsError).remote).toBe(true);
    } finally {
      await peer.stop();
    }
  });
});

describe('gnutls-serv', () => {
  it('resumes with the same client certificate and echoes data', async () => {
    const peer = await startGnutlsServer(serverCert);
    try {
      const cache = new MemorySessionCache();
      for (const expectResumed of [false, true]) {
        const connection = await connect(peer.port, cache);
        // gnutls-serv --echo answers line by line.
        await connection.write(encoder.encode('misfin\n'));
        expect(decoder.decode((await connection.read()) ?? new Uint8Array())).toBe('misfin\n');
        expect(connection.resumed).toBe(expectResumed);
        await connection.close();
      }
      // The client certificate's fingerprint is logged for both connections, after the resumption notice.
      const fingerprint = `sha256:${clientCert.sha256}`;
      await peer.waitFor(new RegExp(`${fingerprint}[\\s\\S]*resumed session[\\s\\S]*${fingerprint}`));
      const mentions = peer.output().split(`sha256:${clientCert.sha256}`).length - 1;
      expect(mentions).toBe(2);
      expect(peer.output().match(/This is a resumed session/g)).toHaveLength(1);
    } finally {
      await peer.stop();
    }
  });

  it('refuses a binder we corrupt on purpose (sanity)', async () => {
    const peer = await startGnutlsServer(serverCert);
    try {
      const cache = new MemorySessionCache();
      const first = await connect(peer.port, cache);
      await first.write(encoder.encode('x\n'));
      await first.read();
      await first.close();
      const failure = await connect(peer.port, cache, flipLastByte).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(TlsError);
      expect((failure as TlsError).remote).toBe(true);
    } finally {
      await peer.stop();
    }
  });
});
