// TLS 1.3 session resumption on the mail host (mailhost/resumption.ts): a node:tls client resumes a GMAP
// session and is still the same mailbox; a resumed session never changes who the client is; deliveries
// work with and without resumption; the certificate read from the session encoding equals OpenSSL's.
import { X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { peerCertificateFromSession } from '../../mailhost/peer-certificate';
import { toBase64Url } from '../../src/lib/bytes/base64';
import { createCsr } from '../../src/lib/identity/csr';
import { generateIdentityKey } from '../../src/lib/identity/keys';
import { importIdentityPem } from '../../src/lib/identity/import';
import { connectTcp } from '../../src/lib/node/tcp-transport';
import { connectTls, MemorySessionCache } from '../../src/lib/tls/client';
import { misfinB, rawRequest, selfSignedIdentity, type TestIdentity } from '../support/mailhost-client';
import { addMailboxWithCert, invite, startTestHost, type TestHost } from '../support/mailhost-instance';

let host: TestHost;
let alice: TestIdentity;
let bob: TestIdentity;

beforeAll(async () => {
  host = await startTestHost('localhost', {
    setup: async (dir) => {
      alice = await addMailboxWithCert(dir, 'alice');
      bob = await addMailboxWithCert(dir, 'bob');
    },
  });
  const delivered = await rawRequest(host.port, misfinB('alice@localhost', '# hello alice'), {
    identity: bob,
  });
  expect(delivered.status).toBe(20);
});

afterAll(async () => {
  await host?.stop();
});

describe('TLS 1.3 resumption for GMAP', () => {
  it('a resumed connection fetches GMAP as the same mailbox, with the same certificate', async () => {
    const first = await rawRequest(host.port, 'gemini://localhost/tag/Inbox\r\n', { identity: alice });
    expect(first.status).toBe(20);
    expect(first.version).toBe('TLSv1.3');
    expect(first.reused).toBe(false);
    expect(first.sessions.length).toBeGreaterThan(0);
    const ids = first.body;
    expect(ids).not.toBe('');
    // The newest ticket is the one the host keeps (resumption.ts); node:tls offers the session given.
    const resumed = await rawRequest(host.port, 'gemini://localhost/tag/Inbox\r\n', {
      session: first.sessions.at(-1)!,
    });
    expect(resumed.reused).toBe(true);
    expect(resumed.status).toBe(20);
    expect(resumed.body).toBe(ids);
    // And again from the ticket of the resumed connection.
    const again = await rawRequest(host.port, `gemini://localhost/msgid/${ids.split(',')[0]}\r\n`, {
      session: resumed.sessions.at(-1)!,
    });
    expect(again.reused).toBe(true);
    expect(again.status).toBe(20);
    expect(again.body).toContain('# hello alice');
  });

  it('a session is bound to its certificate: presenting another one still resumes as the original', async () => {
    const first = await rawRequest(host.port, 'gemini://localhost/tag/Inbox\r\n', { identity: alice });
    expect(first.status).toBe(20);
    // OpenSSL clients do not send a certificate on resumption; the session's own peer certificate counts.
    const resumed = await rawRequest(host.port, 'gemini://localhost/tag/Inbox\r\n', {
      identity: bob,
      session: first.sessions.at(-1)!,
    });
    expect(resumed.reused).toBe(true);
    expect(resumed.status).toBe(20);
    expect(resumed.body).toBe(first.body); // alice's inbox, never bob's
    const bobs = await rawRequest(host.port, 'gemini://localhost/tag/Inbox\r\n', { identity: bob });
    expect(bobs.status).toBe(20);
    expect(bobs.body).not.toBe(first.body);
  });

  it('sessions of deliveries are not kept; a stale or unknown ticket falls back to a full handshake', async () => {
    const delivery = await rawRequest(host.port, misfinB('alice@localhost', '# via delivery'), {
      identity: bob,
    });
    expect(delivery.status).toBe(20);
    const retry = await rawRequest(host.port, misfinB('alice@localhost', '# second delivery'), {
      identity: bob,
      session: delivery.sessions.at(-1)!,
    });
    expect(retry.reused).toBe(false);
    expect(retry.status).toBe(20);
  });

  it('a registration (status 20, but no mailbox authenticated) with a client certificate is not kept', async () => {
    const code = await invite(host.dataDir, 'carol');
    const key = await generateIdentityKey('ec', { extractable: true });
    const csr = await createCsr(key, { mailbox: 'carol', displayName: 'carol', host: 'localhost' });
    const query = new URLSearchParams({ mailbox: 'carol', invite: code, csr: toBase64Url(csr) });
    const stranger = await selfSignedIdentity('stranger', 'elsewhere.example');
    const registered = await rawRequest(host.port, `gemini://localhost/register?${query.toString()}\r\n`, {
      identity: stranger,
    });
    expect(registered.status).toBe(20);
    const retry = await rawRequest(host.port, 'gemini://localhost/tag/Inbox\r\n', {
      session: registered.sessions.at(-1)!,
    });
    expect(retry.reused).toBe(false);
    expect(retry.status).toBe(60); // a full handshake without a certificate
  });

  it('delivers over a resumed GMAP session as the session certificate', async () => {
    const first = await rawRequest(host.port, 'gemini://localhost/tag/Inbox\r\n', { identity: bob });
    expect(first.status).toBe(20);
    const resumed = await rawRequest(host.port, misfinB('alice@localhost', '# resumed delivery'), {
      session: first.sessions.at(-1)!,
    });
    expect(resumed.reused).toBe(true);
    expect(resumed.status).toBe(20);
    const inbox = await rawRequest(host.port, 'gemini://localhost/tag/Inbox\r\n', { identity: alice });
    const last = inbox.body.split(',').at(-1)!;
    const message = await rawRequest(host.port, `gemini://localhost/msgid/${last}\r\n`, { identity: alice });
    expect(message.body.split('\n')[0]).toBe('bob@localhost bob tester');
    expect(message.body).toContain('# resumed delivery');
  });
});

describe("resumption with this project's own TLS client", () => {
  it("the second GMAP request resumes the first one's session and is still the mailbox", async () => {
    const identity = await importIdentityPem(alice.certPem + alice.keyPem, { extractable: false });
    const cache = new MemorySessionCache();
    const results: { resumed: boolean; response: string }[] = [];
    for (let attempt = 0; attempt < 2; attempt++) {
      const connection = await connectTls(await connectTcp('127.0.0.1', host.port), {
        serverName: 'localhost',
        port: host.port,
        identity: { certificateChain: identity.certificateChain, privateKey: identity.privateKey },
        verifyServer: async () => undefined,
        resumption: { cache, key: `localhost:${host.port}:alice` },
      });
      await connection.write(new TextEncoder().encode('gemini://localhost/tag/Inbox\r\n'));
      const response = new TextDecoder().decode(await connection.readAll(1 << 20));
      results.push({ resumed: connection.resumed, response: response.slice(0, 15) });
    }
    expect(results).toEqual([
      { resumed: false, response: '20 text/plain\r\n' },
      { resumed: true, response: '20 text/plain\r\n' },
    ]);
  });
});

describe('client certificate from the session encoding', () => {
  it('equals the certificate OpenSSL reports, and is absent without a client certificate', async () => {
    const seen: { fromSession?: Buffer; fromOpenSsl?: Buffer; reused: boolean }[] = [];
    const { createServer } = await import('node:tls');
    const { readFile } = await import('node:fs/promises');
    const { constants } = await import('node:crypto');
    const server = createServer(
      {
        key: await readFile(`${host.dataDir}/domains/localhost/ca-key.pem`, 'utf8'),
        cert: await readFile(`${host.dataDir}/domains/localhost/ca-cert.pem`, 'utf8'),
        requestCert: true,
        rejectUnauthorized: false,
        secureOptions: constants.SSL_OP_NO_TICKET,
      },
      (socket) => {
        const session = socket.getSession();
        const der = session ? peerCertificateFromSession(session) : undefined;
        seen.push({
          ...(der ? { fromSession: Buffer.from(der) } : {}),
          ...(socket.getPeerX509Certificate() ? { fromOpenSsl: socket.getPeerX509Certificate()!.raw } : {}),
          reused: socket.isSessionReused(),
        });
        socket.end('20 ok\r\n');
      },
    );
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    try {
      await rawRequest(port, 'x\r\n', { identity: alice });
      await rawRequest(port, 'x\r\n', {});
      expect(seen[0]!.fromSession).toBeDefined();
      expect(seen[0]!.fromSession!.equals(seen[0]!.fromOpenSsl!)).toBe(true);
      expect(new X509Certificate(seen[0]!.fromSession!).fingerprint256.replace(/:/g, '').toLowerCase()).toBe(
        alice.fingerprint,
      );
      expect(seen[1]!.fromSession).toBeUndefined();
      expect(seen[1]!.fromOpenSsl).toBeUndefined();
    } finally {
      server.close();
    }
  });
});
