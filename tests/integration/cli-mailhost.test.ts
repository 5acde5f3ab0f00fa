// The `misfin` CLI (a child process) against the project's own mail host (in-process, loopback): a mailbox
// created by `mailbox add --cert-out` sends to another, which reads it back over GMAP. Together with
// cli.test.ts (reference-like servers) this checks both ends of the protocol agree.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mailboxAddCommand } from '../../mailhost/admin';
import { cliRunner } from '../support/cli-runner';
import { startTestHost, type TestHost } from '../support/mailhost-instance';

const dir = mkdtempSync(join(tmpdir(), 'misfin-cli-mailhost-'));
const path = (name: string) => join(dir, name);
const runCli = cliRunner(dir);
let host: TestHost;

beforeAll(async () => {
  let port = 0;
  host = await startTestHost('mail.test', {
    // Sender verification reaches mail.test:1958; send it to this host's loopback port instead.
    resolveHost: (name, wanted) =>
      name === 'mail.test' ? { host: '127.0.0.1', port } : { host: name, port: wanted },
    setup: async (data) => {
      await mailboxAddCommand(data, 'alice', { certOut: path('alice.pem'), blurb: 'Alice' });
      await mailboxAddCommand(data, 'bob', { certOut: path('bob.pem'), blurb: 'Bob' });
    },
  });
  port = host.port;
}, 60_000);

afterAll(async () => {
  await host?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const net = (identity: string) => [
  '--identity',
  path(identity),
  '--connect',
  `127.0.0.1:${host.port}`,
  '--known-hosts',
  path('known_hosts'),
];

describe('misfin CLI with the project mail host', () => {
  it('sends from alice to bob, and bob lists and fetches it over GMAP', async () => {
    const bobShown = await runCli(['identity', 'show', path('bob.pem')]);
    expect(bobShown.stdout).toContain('address: bob@mail.test');
    const bobFingerprint = /fingerprint: ([0-9a-f]{64})/.exec(bobShown.stdout)![1]!;

    const sent = await runCli([
      'send',
      ...net('alice.pem'),
      '--to',
      'bob@mail.test',
      '--message',
      '# Hello\nfrom the CLI',
    ]);
    expect(sent.code, sent.stderr).toBe(0);
    expect(sent.stdout).toBe(`20 ${bobFingerprint}\n`);

    const probed = await runCli(['probe', ...net('alice.pem'), 'bob@mail.test']);
    expect(probed.stdout).toBe(`${bobFingerprint}\n`);
    expect(
      (await runCli(['send', ...net('alice.pem'), '--to', 'nobody@mail.test', '--message', 'x'])).stdout,
    ).toMatch(/^51/);

    const listed = await runCli(['gmap', 'list', 'Inbox', ...net('bob.pem')]);
    expect(listed.code, listed.stderr).toBe(0);
    const ids = listed.stdout.trim().split('\n');
    expect(ids).toHaveLength(1);
    const fetched = await runCli(['gmap', 'fetch', ids[0]!, ...net('bob.pem')]);
    expect(fetched.code, fetched.stderr).toBe(0);
    expect(fetched.stdout).toMatch(/^alice@mail\.test/);
    expect(fetched.stdout).toContain('# Hello\nfrom the CLI');

    expect((await runCli(['gmap', 'tag', ids[0]!, 'Trash', ...net('bob.pem')])).code).toBe(0);
    expect((await runCli(['gmap', 'delete', ids[0]!, ...net('bob.pem')])).code).toBe(0);
    expect((await runCli(['gmap', 'list', 'Trash', ...net('bob.pem')])).stdout).toBe('');
  }, 90_000);
});
