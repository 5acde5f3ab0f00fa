// The `misfin` CLI run as a child process against loopback servers built here on Node's `tls`, which
// behave like the reference implementation (misfin-protocol.md §12, §21): a client certificate is
// required at TLS level and any is accepted; `20 <fingerprint of the client certificate>` for the
// server's mailbox, `51` otherwise, `40` for a Misfin(C) request.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type TLSSocket } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportIdentityPem } from '../../src/lib/identity/export';
import { createSelfSignedIdentity } from '../../src/lib/identity/identity';

/** Every test runs the CLI several times, each a fresh Node process (about a second apiece). */
const slow = { timeout: 120_000 };

const root = join(import.meta.dirname, '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'misfin-cli-test-'));
const path = (name: string) => join(dir, name);

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `misfin` exactly as `npm run misfin` does, with its config dir inside the test's scratch dir. */
function runCli(args: string[], input = ''): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'cli/main.ts', ...args], {
      cwd: root,
      env: { ...process.env, XDG_CONFIG_HOME: path('config') },
    });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`misfin ${args.join(' ')} did not finish in 25 s\n${stderr}`));
    }, 25_000);
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(input);
  });
}

const fingerprintOf = (socket: TLSSocket) =>
  socket.getPeerX509Certificate()!.fingerprint256.replace(/:/g, '').toLowerCase();

interface Seen {
  servername: string | false | null;
  request: string;
  clientFingerprint: string;
}

interface TestServer {
  port: number;
  seen: Seen[];
  server: Server;
}

/**
 * Serves one request per connection, reading until the first CRLF. `answer` returns the whole response for
 * the request line; the server records SNI, the request and the client certificate's fingerprint.
 */
async function startServer(
  pem: string,
  answer: (line: string, client: string) => string,
): Promise<TestServer> {
  const seen: Seen[] = [];
  const server = createServer({
    cert: pem,
    key: pem,
    requestCert: true,
    rejectUnauthorized: false,
    minVersion: 'TLSv1.2',
  });
  server.on('secureConnection', (socket) => {
    // The reference refuses connections without a client certificate (VERIFY_FAIL_IF_NO_PEER_CERT).
    if (!socket.getPeerX509Certificate()) return void socket.destroy();
    let buffer = '';
    socket.setTimeout(10_000, () => socket.destroy());
    socket.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      const end = buffer.indexOf('\r\n');
      if (end < 0) return;
      const line = buffer.slice(0, end);
      const client = fingerprintOf(socket);
      seen.push({ servername: socket.servername, request: buffer, clientFingerprint: client });
      socket.end(answer(line, client));
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return { port: typeof address === 'object' && address ? address.port : 0, seen, server };
}

/** The reference's receive-as: its own mailbox gets 20, a C request 40; plus a redirect and a 63 for the tests. */
function referenceLike(line: string, client: string): string {
  return referenceStatus(line, client) + '\r\n';
}

function referenceStatus(line: string, client: string): string {
  if (line.includes('\t')) return '40 temporary error';
  const match = /^misfin:\/\/([^@ ]+)@([^ ]+) /.exec(line);
  if (!match) return '59 bad request';
  if (match[1] === 'bee') return `20 ${client}`;
  if (match[1] === 'moved') return '30 bee@localhost';
  if (match[1] === 'angry') return '63 certificate changed';
  return '51 mailbox does not exist';
}

async function serverPem(mailbox: string): Promise<string> {
  const identity = await createSelfSignedIdentity({ mailbox, host: 'localhost' }, 'ec', {
    extractable: true,
    isCA: true,
  });
  return exportIdentityPem(identity);
}

let misfin: TestServer;
let identityFingerprint = '';
const servers: Server[] = [];

beforeAll(async () => {
  misfin = await startServer(await serverPem('admin'), referenceLike);
  servers.push(misfin.server);
  const made = await runCli([
    'identity',
    'new',
    '--mailbox',
    'alice',
    '--blurb',
    'Alice A.',
    '--host',
    'localhost',
    '--out',
    path('alice.pem'),
  ]);
  expect(made.code).toBe(0);
  identityFingerprint = made.stdout.trim();
}, 60_000);

afterAll(() => {
  for (const server of servers) server.close();
  rmSync(dir, { recursive: true, force: true });
});

const net = () => [
  '--identity',
  path('alice.pem'),
  '--connect',
  `127.0.0.1:${misfin.port}`,
  '--known-hosts',
  path('known_hosts'),
];

describe('misfin identity', () => {
  it('writes a 0600 PEM with certificate and PKCS#8 key, and shows it', slow, async () => {
    expect(identityFingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(statSync(path('alice.pem')).mode & 0o777).toBe(0o600);
    const text = readFileSync(path('alice.pem'), 'utf8');
    expect(text).toContain('-----BEGIN CERTIFICATE-----');
    expect(text).toContain('-----BEGIN PRIVATE KEY-----');
    const shown = await runCli(['identity', 'show', path('alice.pem')]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain('address: alice@localhost');
    expect(shown.stdout).toContain('blurb: Alice A.');
    expect(shown.stdout).toContain(`fingerprint: ${identityFingerprint}`);
  });

  it('makes RSA and Ed25519 identities, and refuses to overwrite or take bad options', slow, async () => {
    for (const key of ['rsa', 'ed25519']) {
      const made = await runCli([
        'identity',
        'new',
        '--mailbox',
        'k',
        '--host',
        'localhost',
        '--key',
        key,
        '--out',
        path(`${key}.pem`),
      ]);
      expect(made.code).toBe(0);
      expect((await runCli(['identity', 'show', path(`${key}.pem`)])).stdout).toContain(
        `key: ${key === 'rsa' ? 'rsa' : 'ed25519'}`,
      );
    }
    const again = await runCli([
      'identity',
      'new',
      '--mailbox',
      'k',
      '--host',
      'localhost',
      '--out',
      path('rsa.pem'),
    ]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('already exists');
    expect(
      (
        await runCli([
          'identity',
          'new',
          '--mailbox',
          'k',
          '--host',
          'localhost',
          '--key',
          'dsa',
          '--out',
          path('x.pem'),
        ])
      ).code,
    ).toBe(2);
    expect((await runCli(['identity', 'show', path('missing.pem')])).code).toBe(2);
  });
});

describe('misfin send and probe', () => {
  it(
    'sends Misfin(B) with SNI and request for the address host while --connect picks the TCP target',
    slow,
    async () => {
      const result = await runCli([
        'send',
        ...net(),
        '--to',
        'bee@localhost',
        '--message',
        '# Hi\nhello bee',
      ]);
      expect(result.code).toBe(0);
      expect(result.stdout).toBe(`20 ${identityFingerprint}\n`);
      expect(result.stderr).toMatch(/first contact with localhost:1958; pinned/);
      const last = misfin.seen.at(-1)!;
      expect(last.servername).toBe('localhost');
      expect(last.request).toBe('misfin://bee@localhost # Hi\nhello bee\r\n');
      expect(last.clientFingerprint).toBe(identityFingerprint);
      expect(readFileSync(path('known_hosts'), 'utf8')).toMatch(
        /^localhost:1958 [0-9a-f]{64} [0-9a-f]{64} /m,
      );
    },
  );

  it('reads the message from stdin and reports other statuses with exit code 1', slow, async () => {
    const piped = await runCli(['send', ...net(), '--to', 'bee@localhost'], 'from stdin\n');
    expect(piped.code).toBe(0);
    expect(piped.stderr).not.toContain('first contact');
    expect(misfin.seen.at(-1)!.request).toBe('misfin://bee@localhost from stdin\n\r\n');

    const unknown = await runCli(['send', ...net(), '--to', 'nobody@localhost', '--message', 'x']);
    expect(unknown.code).toBe(1);
    expect(unknown.stdout).toBe('51 mailbox does not exist\n');
    const angry = await runCli(['send', ...net(), '--to', 'angry@localhost', '--message', 'x']);
    expect(angry.code).toBe(1);
    expect(angry.stdout).toBe('63 certificate changed\n');
    expect(angry.stderr).toMatch(/63 /);
  });

  it('sends a long message as Misfin(C), which the reference answers with 40', slow, async () => {
    const long = 'x'.repeat(3000);
    const result = await runCli(['send', ...net(), '--to', 'bee@localhost', '--message', long]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('40 temporary error\n');
    expect(result.stderr).toMatch(/Misfin\(C\).*Misfin\(B\)/);
    expect(misfin.seen.at(-1)!.request.startsWith('misfin://bee@localhost\t')).toBe(true);
  });

  it('stops at a redirect unless asked to follow it', slow, async () => {
    const stopped = await runCli(['send', ...net(), '--to', 'moved@localhost', '--message', 'hi']);
    expect(stopped.code).toBe(1);
    expect(stopped.stdout).toBe('30 bee@localhost\n');
    expect(stopped.stderr).toContain('--follow-redirects');
    const followed = await runCli([
      'send',
      ...net(),
      '--to',
      'moved@localhost',
      '--message',
      'hi',
      '--follow-redirects',
    ]);
    expect(followed.code).toBe(0);
    expect(followed.stdout).toBe(`20 ${identityFingerprint}\n`);
    expect(misfin.seen.at(-1)!.request).toBe('misfin://bee@localhost hi\r\n');
  });

  it('probes with an empty message and prints the fingerprint', slow, async () => {
    const result = await runCli(['probe', ...net(), 'bee@localhost']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`${identityFingerprint}\n`);
    expect(misfin.seen.at(-1)!.request).toBe('misfin://bee@localhost \r\n');
    const missing = await runCli(['probe', ...net(), 'nobody@localhost']);
    expect(missing.code).toBe(1);
  });

  it('refuses a changed host key until --accept-new-host-key', slow, async () => {
    const other = await startServer(await serverPem('impostor'), referenceLike);
    servers.push(other.server);
    const args = [
      'send',
      '--identity',
      path('alice.pem'),
      '--connect',
      `127.0.0.1:${other.port}`,
      '--known-hosts',
      path('known_hosts'),
    ];
    const refused = await runCli([...args, '--to', 'bee@localhost', '--message', 'secret']);
    expect(refused.code).toBe(3);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toContain('--accept-new-host-key');
    expect(other.seen).toHaveLength(0); // nothing was sent to the impostor
    const accepted = await runCli([
      ...args,
      '--accept-new-host-key',
      '--to',
      'bee@localhost',
      '--message',
      'ok',
    ]);
    expect(accepted.code).toBe(0);
    expect(accepted.stderr).toContain('replacing the pinned key');
    const later = await runCli([...args, '--to', 'bee@localhost', '--message', 'ok']);
    expect(later.code).toBe(0);
    // The original server is now the stranger.
    expect((await runCli(['send', ...net(), '--to', 'bee@localhost', '--message', 'x'])).code).toBe(3);
    await runCli(['send', ...net(), '--accept-new-host-key', '--to', 'bee@localhost', '--message', 'x']);
  });

  it('sends with an RSA identity in the reference format (certificate + PKCS#1 key)', slow, async () => {
    const keyPath = path('ref.key');
    const openssl = (args: string[]) => {
      const run = spawnSync('openssl', args, { encoding: 'utf8', timeout: 20_000 });
      if (run.status !== 0) throw new Error(run.stderr);
      return run.stdout;
    };
    openssl(['genrsa', '-traditional', '-out', keyPath, '2048']);
    const certificate = openssl([
      ...'req -x509 -new -key'.split(' '),
      keyPath,
      ...'-sha256 -days 30 -subj'.split(' '),
      '/CN=Worker bee/UID=bee',
      ...'-addext subjectAltName=DNS:localhost'.split(' '),
    ]);
    writeFileSync(path('ref.pem'), certificate + readFileSync(keyPath, 'utf8'));
    expect(readFileSync(path('ref.pem'), 'utf8')).toContain('BEGIN RSA PRIVATE KEY');
    const expected = openssl(['x509', '-noout', '-fingerprint', '-sha256', '-in', path('ref.pem')])
      .split('=')[1]!
      .trim()
      .replace(/:/g, '')
      .toLowerCase();
    const result = await runCli([
      'send',
      ...net().slice(2),
      '--identity',
      path('ref.pem'),
      '--to',
      'bee@localhost',
      '--message',
      'rsa',
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe(`20 ${expected}\n`);
  });

  it('authenticates with RSA-PSS and Ed25519 identities made by identity new', slow, async () => {
    for (const key of ['rsa', 'ed25519']) {
      const file = path(`tls-${key}.pem`);
      const made = await runCli([
        'identity',
        'new',
        '--mailbox',
        key,
        '--host',
        'localhost',
        '--key',
        key,
        '--out',
        file,
      ]);
      expect(made.code).toBe(0);
      const result = await runCli([
        'send',
        ...net().slice(2),
        '--identity',
        file,
        '--to',
        'bee@localhost',
        '--message',
        key,
      ]);
      expect(result.stdout).toBe(`20 ${made.stdout.trim()}\n`);
      expect(result.code, result.stderr).toBe(0);
    }
  });

  it('exits 3 on a network failure and 2 on usage errors; every command has --help', slow, async () => {
    const closed = await startServer(await serverPem('gone'), referenceLike);
    closed.server.close();
    const refused = await runCli([
      'send',
      ...net().slice(0, 2),
      '--connect',
      `127.0.0.1:${closed.port}`,
      '--to',
      'bee@localhost',
      '--message',
      'x',
    ]);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/network failure/);
    expect((await runCli(['send', ...net(), '--message', 'no recipient'])).code).toBe(2);
    expect((await runCli(['send', ...net(), '--to', 'not an address', '--message', 'x'])).code).toBe(2);
    expect((await runCli(['send', '--to', 'bee@localhost', '--message', 'x'])).code).toBe(2);
    expect((await runCli(['frobnicate'])).code).toBe(2);
    for (const command of [['send'], ['probe'], ['gmap'], ['identity', 'new'], ['identity', 'show'], []]) {
      const help = await runCli([...command, '--help']);
      expect(help.code).toBe(0);
      expect(help.stdout).toMatch(/Usage/);
    }
  });
});

describe('misfin gmap', () => {
  const message = 'carol@example.org Carol\nalice@localhost\n2026-11-20T10:00:00Z\n# Lunch?\n\nAt noon.\n';
  let gmap: TestServer;
  const tags = new Map<string, Set<string>>([
    ['m1', new Set(['Inbox', 'Unread'])],
    ['m2', new Set(['Inbox'])],
    ['m3', new Set(['Trash'])],
  ]);

  beforeAll(async () => {
    gmap = await startServer(await serverPem('admin'), (line) => {
      const url = new URL(line);
      const [, kind, tag] = url.pathname.split('/');
      const id = decodeURIComponent(url.search.slice(1));
      if (kind === 'tag' && !url.search) {
        const ids = [...tags]
          .filter(([, set]) => (tag ? set.has(tag) : !set.has('Trash')))
          .map(([key]) => key);
        return `20 text/plain\r\n${ids.join(',')}`;
      }
      if (kind === 'msgid') return tags.has(tag!) ? `20 text/plain\r\n${message}` : '51 no such message\r\n';
      if (kind === 'tag' && tags.has(id)) return (tags.get(id)!.add(tag!), '20 text/plain\r\nok');
      if (kind === 'untag' && tags.has(id)) return (tags.get(id)!.delete(tag!), '20 text/plain\r\nok');
      if (kind === 'delete' && tags.get(id)?.has('Trash')) return (tags.delete(id), '20 text/plain\r\nok');
      return '59 bad request\r\n';
    });
    servers.push(gmap.server);
  });

  const gmapArgs = () => [
    '--identity',
    path('alice.pem'),
    '--host',
    'localhost',
    '--connect',
    `127.0.0.1:${gmap.port}`,
    '--known-hosts',
    path('gmap_known_hosts'),
  ];

  it('lists ids by tag and fetches the raw gemmail', slow, async () => {
    const all = await runCli(['gmap', 'list', ...gmapArgs()]);
    expect(all.code).toBe(0);
    expect(all.stdout).toBe('m1\nm2\n');
    expect(gmap.seen.at(-1)!.request).toBe('gemini://localhost:1958/tag/\r\n');
    expect(gmap.seen.at(-1)!.clientFingerprint).toBe(identityFingerprint);
    expect((await runCli(['gmap', 'list', 'Unread', ...gmapArgs()])).stdout).toBe('m1\n');
    const fetched = await runCli(['gmap', 'fetch', 'm1', ...gmapArgs()]);
    expect(fetched.code).toBe(0);
    expect(fetched.stdout).toBe(message);
    const missing = await runCli(['gmap', 'fetch', 'nope', ...gmapArgs()]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('51');
  });

  it('tags, untags and deletes only from Trash', slow, async () => {
    expect((await runCli(['gmap', 'untag', 'm1', 'Unread', ...gmapArgs()])).code).toBe(0);
    expect(tags.get('m1')!.has('Unread')).toBe(false);
    expect((await runCli(['gmap', 'tag', 'm2', 'Archive', ...gmapArgs()])).code).toBe(0);
    expect(tags.get('m2')!.has('Archive')).toBe(true);
    const notTrash = await runCli(['gmap', 'delete', 'm2', ...gmapArgs()]);
    expect(notTrash.code).toBe(2);
    expect(notTrash.stderr).toContain('misfin gmap tag m2 Trash');
    expect(tags.has('m2')).toBe(true);
    expect((await runCli(['gmap', 'delete', 'm3', ...gmapArgs()])).code).toBe(0);
    expect(tags.has('m3')).toBe(false);
    expect((await runCli(['gmap', 'tag', 'm2', 'bad tag', ...gmapArgs()])).code).toBe(2);
  });
});
