// `misfin send` and `misfin probe` as a child process against a loopback server that behaves like the
// reference implementation (tests/support/reference-server.ts).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Server } from 'node:tls';
import { cliRunner, cliTimeout as slow, newCliIdentity } from '../support/cli-runner';
import {
  referenceAnswer as referenceLike,
  referenceServerPem as serverPem,
  startReferenceServer as startServer,
  type ReferenceServer,
} from '../support/reference-server';

const dir = mkdtempSync(join(tmpdir(), 'misfin-cli-send-'));
const path = (name: string) => join(dir, name);
const runCli = cliRunner(dir);
let misfin: ReferenceServer;
let identityFingerprint = '';
const servers: Server[] = [];

beforeAll(async () => {
  misfin = await startServer(await serverPem('admin'), referenceLike);
  servers.push(misfin.server);
  identityFingerprint = await newCliIdentity(runCli, path('alice.pem'), 'alice');
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
