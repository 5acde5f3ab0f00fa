// `misfin identity`: making and showing identities, run as a child process.
import { mkdtempSync, rmSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliRunner, cliTimeout as slow, newCliIdentity } from '../support/cli-runner';

const dir = mkdtempSync(join(tmpdir(), 'misfin-cli-identity-'));
const path = (name: string) => join(dir, name);
const runCli = cliRunner(dir);
let identityFingerprint = '';

beforeAll(async () => {
  identityFingerprint = await newCliIdentity(runCli, path('alice.pem'), 'alice', ['--blurb', 'Alice A.']);
}, 60_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

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
