import { createHash } from 'node:crypto';
import { createServer, type Server, type TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectTcp } from '../node/tcp-transport';
import { connectTls, type ServerCertificateInfo } from '../tls/client';
import { parseAddress, type MisfinAddress } from './address';
import { MisfinProtocolError } from './errors';
import { composeMessage } from './gemmail-format';
import { parseRequest } from './request-parser';
import { formatResponse } from './response';
import { probe, sendFollowingRedirects, sendMessage } from './send';
import { makeTestPki, type TestPki } from '../../../tests/support/test-pki';

/**
 * A real Node TLS server on 127.0.0.1 that speaks Misfin with our own request parser, the way the mail host
 * will: it answers by mailbox name so one server covers delivery, redirects and errors.
 */
interface Received {
  form: string;
  mailbox: string;
  message: string;
  clientSha256?: string;
}

let pki: TestPki;
let server: Server;
let port: number;
const received: Received[] = [];

function answer(mailbox: string, form: string): Uint8Array {
  const here = (name: string) => `${name}@127.0.0.1:${port}`;
  if (mailbox === 'bee')
    return formatResponse(20, pki.serverCertSha256.toUpperCase().replace(/(..)(?!$)/g, '$1:'));
  if (mailbox === 'moved') return formatResponse(31, here('bee'));
  if (mailbox === 'hop1') return formatResponse(30, here('hop2'));
  if (mailbox === 'hop2') return formatResponse(30, here('moved'));
  if (mailbox === 'loop') return formatResponse(30, here('loop2'));
  if (mailbox === 'loop2') return formatResponse(30, here('loop'));
  if (mailbox === 'bonly' && form === 'C') return formatResponse(40, 'temporary error');
  if (mailbox === 'garbage') return new TextEncoder().encode('hello there\r\n');
  return formatResponse(51, "mailbox doesn't exist");
}

function handle(socket: TLSSocket): void {
  let buffer = new Uint8Array(0);
  socket.setTimeout(10_000, () => socket.destroy());
  socket.on('data', (chunk: Buffer) => {
    buffer = new Uint8Array([...buffer, ...chunk]);
    let parsed;
    try {
      parsed = parseRequest(buffer);
    } catch {
      socket.end(formatResponse(59, 'bad request'));
      return;
    }
    if (parsed.kind === 'need-more') return;
    const peer = socket.getPeerX509Certificate();
    received.push({
      form: parsed.form,
      mailbox: parsed.address.mailbox,
      message: parsed.message,
      clientSha256: peer ? createHash('sha256').update(peer.raw).digest('hex') : undefined,
    });
    socket.end(answer(parsed.address.mailbox, parsed.form));
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

function options() {
  const seen: ServerCertificateInfo[] = [];
  return {
    seen,
    connector: (host: string, p: number) => connectTcp(host, p, { timeoutMs: 5000 }),
    identity: pki.client,
    verifyServer: async (info: ServerCertificateInfo) => {
      seen.push(info);
      if (info.certSha256 !== pki.serverCertSha256) throw new Error('unexpected server certificate');
    },
    timeoutMs: 5000,
  };
}

const at = (mailbox: string): MisfinAddress => parseAddress(`${mailbox}@127.0.0.1:${port}`);

describe('sendMessage / probe against a Node TLS server', () => {
  it('delivers a B message with our client certificate and reads the normalised fingerprint', async () => {
    const opts = options();
    const message = composeMessage({ subject: 'Hi', body: 'line one\nline two', to: ['bee@127.0.0.1'] });
    const result = await sendMessage({ ...opts, to: at('bee'), message });
    expect(result.form).toBe('B');
    expect(result.response).toMatchObject({
      status: 20,
      category: 'success',
      fingerprint: pki.serverCertSha256,
    });
    expect(result.server.certSha256).toBe(pki.serverCertSha256);
    expect(opts.seen).toHaveLength(1);
    expect(received.at(-1)).toEqual({
      form: 'B',
      mailbox: 'bee',
      message: '# Hi\nline one\nline two',
      clientSha256: pki.clientCertSha256,
    });
  });

  it('switches to C for a long message and flags 40 after C as "may not support C"', async () => {
    const message = composeMessage({ subject: 'Long', body: 'x'.repeat(5000), to: ['bonly@h'] });
    const result = await sendMessage({ ...options(), to: at('bonly'), message });
    expect(result.form).toBe('C');
    expect(result.response.status).toBe(40);
    expect(result.mayNotSupportC).toBe(true);
    expect(received.at(-1)).toMatchObject({ form: 'C', message: `\n\n\n# Long\n${'x'.repeat(5000)}` });
  });

  it('probes with an empty B message and returns the fingerprint', async () => {
    const result = await probe({ ...options(), to: at('bee') });
    expect(result.fingerprint).toBe(pki.serverCertSha256);
    expect(received.at(-1)).toMatchObject({ form: 'B', message: '' });
    const missing = await probe({ ...options(), to: at('nobody') });
    expect(missing.fingerprint).toBeUndefined();
    expect(missing.response).toMatchObject({ status: 51, category: 'permanent' });
  });

  it('reports a malformed response line as a MisfinProtocolError', async () => {
    await expect(sendMessage({ ...options(), to: at('garbage'), message: { body: 'x' } })).rejects.toThrow(
      MisfinProtocolError,
    );
  });

  it('refuses a server the trust callback rejects', async () => {
    const opts = { ...options(), verifyServer: async () => Promise.reject(new Error('not pinned')) };
    await expect(sendMessage({ ...opts, to: at('bee'), message: { body: 'x' } })).rejects.toThrow();
  });
});

describe('sendFollowingRedirects', () => {
  it('asks at every hop and follows 30 then 31 to the final mailbox', async () => {
    const asked: string[] = [];
    const result = await sendFollowingRedirects({
      ...options(),
      to: at('hop1'),
      message: { body: 'follow me' },
      confirmRedirect: async (step) => {
        asked.push(`${step.from.mailbox}->${step.to.mailbox}${step.permanent ? ' (permanent)' : ''}`);
        return true;
      },
    });
    expect(asked).toEqual(['hop1->hop2', 'hop2->moved', 'moved->bee (permanent)']);
    expect(result.response.status).toBe(20);
    expect(result.deliveredTo.mailbox).toBe('bee');
    expect(result.redirects).toHaveLength(3);
  });

  it('returns the redirect when the user declines, and stops loops', async () => {
    const declined = await sendFollowingRedirects({
      ...options(),
      to: at('moved'),
      message: { body: 'x' },
      confirmRedirect: async () => false,
    });
    expect(declined.response.status).toBe(31);
    expect(declined.response.redirect?.mailbox).toBe('bee');
    await expect(
      sendFollowingRedirects({
        ...options(),
        to: at('loop'),
        message: { body: 'x' },
        confirmRedirect: async () => true,
      }),
    ).rejects.toThrow(/loop/);
  });
});

describe('an already-open connection (the `open` source, connect.ts)', () => {
  it('sends over the connection it is handed, as the identity that connection was opened with', async () => {
    const { connector, identity, verifyServer } = options();
    const opened: string[] = [];
    const open = async (host: string, p: number) => {
      opened.push(`${host}:${p}`);
      return connectTls(await connector(host, p), { serverName: host, port: p, identity, verifyServer });
    };
    const result = await sendMessage({ open, to: at('bee'), message: { body: 'warm' }, timeoutMs: 5000 });
    expect(result.response.fingerprint).toBe(pki.serverCertSha256);
    expect(opened).toEqual([`127.0.0.1:${port}`]);
    expect(received.at(-1)).toMatchObject({ message: 'warm', clientSha256: pki.clientCertSha256 });
  });

  it('times out an open that never completes', async () => {
    const open = () => new Promise<never>(() => undefined);
    await expect(probe({ open, to: at('bee'), timeoutMs: 50 })).rejects.toThrow(MisfinProtocolError);
  });
});
