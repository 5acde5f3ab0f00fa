import { createHash } from 'node:crypto';
import { createServer, type Server, type TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestPki, type TestPki } from '../../../tests/support/test-pki';
import { connectTls } from '../tls/client';
import { connectTcp } from '../node/tcp-transport';
import { geminiRequest, geminiUrl } from './client';
import { GeminiProtocolError, GmapError } from './errors';
import { GmapClient, GmapStatusError } from './gmap-client';

/**
 * A real Node TLS server on 127.0.0.1 answering GMAP requests (doc §15) from a small in-memory mailbox; it
 * only serves a client that presents our identity certificate, as a GMAP host does.
 */
let pki: TestPki;
let server: Server;
let port: number;
const tags = new Map<string, Set<string>>([
  ['m1', new Set(['Inbox', 'Unread'])],
  ['m/2', new Set(['Inbox'])],
  ['m3', new Set(['Trash'])],
]);
const MESSAGE = 'alice@example.org Alice\n\n2026-02-11T12:00:00Z\n# Hello\n\nHi bee!\n';

function respond(path: string, query: string): string {
  let match: RegExpExecArray | null;
  if ((match = /^\/tag\/([A-Za-z0-9_-]*)$/.exec(path))) {
    const tag = match[1] ?? '';
    if (query !== '') {
      tags.get(query)?.add(tag);
      return tags.has(query) ? '20 text/plain\r\n' : '51 no such message\r\n';
    }
    const ids = [...tags].filter(([, t]) => (tag === '' ? !t.has('Trash') : t.has(tag))).map(([id]) => id);
    return `20 text/plain\r\n${ids.join(', ')}`;
  }
  if ((match = /^\/untag\/([A-Za-z0-9_-]+)$/.exec(path))) {
    tags.get(query)?.delete(match[1] ?? '');
    return '20 text/plain\r\n';
  }
  if (path === '/delete')
    return tags.get(query)?.has('Trash') && tags.delete(query) ? '20 text/plain\r\n' : '59 not in Trash\r\n';
  if ((match = /^\/msgid\/(.+)$/.exec(path))) {
    return tags.has(decodeURIComponent(match[1] ?? ''))
      ? `20 text/plain; charset=utf-8\r\n${MESSAGE}`
      : '51 not found\r\n';
  }
  if (path === '/big') return `20 text/plain\r\n${'x'.repeat(5000)}`;
  return '51 not found\r\n';
}

function handle(socket: TLSSocket): void {
  let text = '';
  socket.setTimeout(10_000, () => socket.destroy());
  socket.on('data', (chunk: Buffer) => {
    text += chunk.toString('utf8');
    const end = text.indexOf('\r\n');
    if (end < 0) return;
    const peer = socket.getPeerX509Certificate();
    if (!peer || createHash('sha256').update(peer.raw).digest('hex') !== pki.clientCertSha256) {
      socket.end('60 certificate required\r\n');
      return;
    }
    const url = new URL(text.slice(0, end));
    socket.end(respond(url.pathname, decodeURIComponent(url.search.slice(1))));
  });
  socket.on('error', () => socket.destroy());
}

beforeAll(async () => {
  pki = await makeTestPki();
  server = createServer(
    {
      key: pki.serverKeyPem,
      cert: pki.serverCertPem,
      requestCert: true,
      rejectUnauthorized: false,
      minVersion: 'TLSv1.3',
    },
    handle,
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const common = () => ({
  connector: (host: string, p: number) => connectTcp(host, p, { timeoutMs: 5000 }),
  verifyServer: async (info: { certSha256: string }) => {
    if (info.certSha256 !== pki.serverCertSha256) throw new Error('unexpected server certificate');
  },
  timeoutMs: 5000,
});

describe('geminiRequest', () => {
  it('makes one request and enforces the body cap', async () => {
    const ok = await geminiRequest({
      ...common(),
      identity: pki.client,
      url: `gemini://127.0.0.1:${port}/tag/Inbox`,
      maxBodyBytes: 1000,
    });
    expect(ok.header).toMatchObject({ status: 20, category: 'success' });
    expect(ok.server.certSha256).toBe(pki.serverCertSha256);
    await expect(
      geminiRequest({
        ...common(),
        identity: pki.client,
        url: `gemini://127.0.0.1:${port}/big`,
        maxBodyBytes: 100,
      }),
    ).rejects.toThrow();
    const noCert = await geminiRequest({
      ...common(),
      url: `gemini://127.0.0.1:${port}/tag/Inbox`,
      maxBodyBytes: 100,
    });
    expect(noCert.header).toMatchObject({ status: 60, category: 'certificate' });
    await expect(geminiRequest({ ...common(), url: 'https://x/', maxBodyBytes: 1 })).rejects.toThrow(
      GeminiProtocolError,
    );
  });
});

describe('GmapClient', () => {
  const client = () =>
    new GmapClient({ ...common(), identity: pki.client, server: { host: '127.0.0.1', port } });

  it('lists, fetches, tags, untags and deletes', async () => {
    const gmap = client();
    expect(await gmap.listIds('Inbox')).toEqual(['m1', 'm/2']);
    expect(await gmap.listIds()).toEqual(['m1', 'm/2']);
    const fetched = await gmap.fetchMessage('m/2');
    expect(fetched.raw).toBe(MESSAGE);
    expect(fetched.mail).toMatchObject({
      senders: [{ address: 'alice@example.org', name: 'Alice' }],
      subject: 'Hello',
    });
    await gmap.addTag('m1', 'Archive');
    expect(await gmap.listIds('Archive')).toEqual(['m1']);
    await gmap.removeTag('m1', 'Unread');
    expect(await gmap.listIds('Unread')).toEqual([]);
    await gmap.deleteMessage('m3', ['Trash']);
    expect(await gmap.listIds('Trash')).toEqual([]);
  });

  it('turns non-20 answers into GmapStatusError and guards delete locally', async () => {
    const gmap = client();
    const error = await gmap.fetchMessage('nope').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GmapStatusError);
    expect(error).toMatchObject({ status: 51, meta: 'not found' });
    await expect(gmap.deleteMessage('m1', ['Inbox'])).rejects.toThrow(GmapError);
    expect(await gmap.listIds('Inbox')).toContain('m1');
  });
});

describe('GmapClient over already-open connections', () => {
  it('uses the `open` source for every request and fetches the raw text unparsed', async () => {
    const { connector, verifyServer } = common();
    let opened = 0;
    const gmap = new GmapClient({
      open: async (host, p) => {
        opened++;
        return connectTls(await connector(host, p), {
          serverName: host,
          port: p,
          identity: pki.client,
          verifyServer,
        });
      },
      server: { host: '127.0.0.1', port },
    });
    expect(await gmap.listIds('Inbox')).toContain('m1');
    expect(await gmap.fetchRaw('m/2')).toBe(MESSAGE);
    expect(opened).toBe(2);
  });
});

describe('geminiUrl', () => {
  it('writes the port unless it is 1965 and brackets IPv6 literals', () => {
    expect(geminiUrl('example.org', 1965, '/a?b')).toBe('gemini://example.org/a?b');
    expect(geminiUrl('example.org', 1958, '/')).toBe('gemini://example.org:1958/');
    expect(geminiUrl('::1', 1960, '/tag/')).toBe('gemini://[::1]:1960/tag/');
  });
});
