// The admin CLI as a user runs it (`node --import tsx mailhost/main.ts ...`), and the embedded host `npm start` uses.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { startEmbeddedHost } from '../../mailhost/embedded';
import { toBase64Url } from '../../src/lib/bytes/base64';
import { createCsr } from '../../src/lib/identity/csr';
import { generateIdentityKey } from '../../src/lib/identity/keys';
import { identityFromPemFile, misfinB, rawRequest, tempDir } from '../support/mailhost-client';
import { addMailboxWithCert, repoRoot, spawnHost, startTestHost } from '../support/mailhost-instance';

const run = promisify(execFile);
const cli = (...args: string[]) =>
  run(process.execPath, ['--import', 'tsx', join(repoRoot, 'mailhost/main.ts'), ...args], {
    cwd: repoRoot,
    timeout: 30_000,
  });

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

describe('admin CLI', () => {
  it('prints usage with --help', async () => {
    const { stdout } = await cli('--help');
    for (const command of ['init', 'mailbox add', 'invite', 'list', 'serve'])
      expect(stdout).toContain(command);
  });

  it('init, mailbox add --cert-out, invite, list, serve', async () => {
    const dir = await tempDir('cli');
    cleanups.push(dir.remove);
    const init = await cli('init', '--data', dir.path, '--host', 'localhost');
    expect(init.stdout).toMatch(/Host CA fingerprint: [0-9a-f]{64}/);
    const certFile = join(dir.path, 'alice.pem');
    const add = await cli(
      'mailbox',
      'add',
      'alice',
      '--data',
      dir.path,
      '--blurb',
      'Alice A',
      '--cert-out',
      certFile,
    );
    const fingerprint = /Fingerprint: ([0-9a-f]{64})/.exec(add.stdout)![1]!;
    const alice = identityFromPemFile(await readFile(certFile, 'utf8'), fingerprint);
    await cli('mailbox', 'add', 'team', '--list', '--data', dir.path);
    const invite = await cli('invite', 'bob', '--data', dir.path, '--ttl', '600');
    expect(invite.stdout).toMatch(/Invite for bob@localhost/);
    const list = await cli('list', '--data', dir.path);
    expect(list.stdout).toContain(`alice@localhost  user  messages=0  ${fingerprint}`);
    expect(list.stdout).toContain('team@localhost  list');
    expect(list.stdout).toContain('bob@localhost  user  messages=0  (no certificate yet)');
    // A second host, reached through --peer, vouches for its own user (ViaHostCA).
    const other = await startTestHost('other.test');
    cleanups.push(() => other.stop());
    const olga = await addMailboxWithCert(other.dataDir, 'olga', 'other.test');
    const host = await spawnHost(dir.path, ['--peer', `other.test=127.0.0.1:${other.port}`]);
    try {
      const response = await rawRequest(host.port, misfinB('alice@localhost', 'hello me'), {
        identity: alice,
      });
      expect(response).toMatchObject({ status: 20, meta: fingerprint });
      expect(
        (await rawRequest(host.port, misfinB('alice@localhost', '# from olga'), { identity: olga })).status,
      ).toBe(20);
      const ids = (
        await rawRequest(host.port, 'gemini://localhost/tag/Inbox\r\n', { identity: alice })
      ).body.split(',');
      const tags = await rawRequest(host.port, `gemini://localhost/tags/${ids.at(-1)}\r\n`, {
        identity: alice,
      });
      expect(tags.body.split(',')).toEqual(expect.arrayContaining(['SenderVerified', 'ViaHostCA']));
    } finally {
      await host.kill('SIGTERM');
    }
  });

  it('fails with a clear message on bad use', async () => {
    await expect(cli('list')).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('--data DIR is required'),
    });
    const dir = await tempDir('cli-bad');
    cleanups.push(dir.remove);
    await expect(cli('list', '--data', dir.path)).rejects.toMatchObject({
      stderr: expect.stringContaining('run "init" first'),
    });
    await cli('init', '--data', dir.path, '--host', 'localhost');
    await expect(cli('mailbox', 'add', '../evil', '--data', dir.path)).rejects.toMatchObject({
      stderr: expect.stringContaining('not a usable mailbox name'),
    });
    await expect(cli('init', '--data', dir.path, '--host', 'localhost')).rejects.toMatchObject({
      stderr: expect.stringContaining('already served'),
    });
  });
});

describe('embedded host (npm start)', () => {
  it('initialises on first run with an invite for the first mailbox, and keeps its data on the next run', async () => {
    const dir = await tempDir('embedded');
    cleanups.push(dir.remove);
    const first = await startEmbeddedHost({ dataDir: dir.path, port: 0, log: () => undefined });
    expect(first.inviteCode).toMatch(/^[A-Za-z0-9_-]{16,}$/);
    expect(first.mailbox).toBe('me');
    const key = await generateIdentityKey('ec', { extractable: false });
    const csr = await createCsr(key, { mailbox: 'me', displayName: 'Me', host: 'localhost' });
    const query = new URLSearchParams({ mailbox: 'me', invite: first.inviteCode!, csr: toBase64Url(csr) });
    const registered = await rawRequest(first.port, `gemini://localhost/register?${query.toString()}\r\n`);
    expect(registered.status).toBe(20);
    await first.stop();
    const second = await startEmbeddedHost({ dataDir: dir.path, port: 0, log: () => undefined });
    try {
      expect(second.inviteCode).toBeUndefined();
      const probe = await rawRequest(second.port, 'misfin://me@localhost \r\n');
      expect(probe.status).toBe(20);
      expect(probe.meta).not.toBe(probe.serverFingerprint);
    } finally {
      await second.stop();
    }
  });
});
