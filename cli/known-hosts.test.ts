import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HostKeyChangedError, tofuVerifier } from '../src/lib/trust/host-pins';
import { defaultKnownHostsPath, FileHostPinStore, KnownHostsError } from './known-hosts';

const dir = mkdtempSync(join(tmpdir(), 'known-hosts-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const info = (cert: string) => ({
  host: 'Mail.Example.org',
  port: 1958,
  chain: [],
  certSha256: cert.repeat(64),
  spkiSha256: cert.repeat(64),
});

describe('FileHostPinStore', () => {
  it('pins on first use, keeps the pin across instances, and refuses a changed key', async () => {
    const path = join(dir, 'sub', 'known_hosts');
    let time = Date.parse('2026-11-01T00:00:00Z');
    const first: string[] = [];
    const verify = tofuVerifier(new FileHostPinStore(path), {
      now: () => time,
      onFirstContact: (seen) => first.push(seen.host),
    });
    await verify(info('a'));
    expect(first).toEqual(['Mail.Example.org']);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readFileSync(path, 'utf8')).toContain(
      `mail.example.org:1958 ${'a'.repeat(64)} ${'a'.repeat(64)} 2026-11-01T00:00:00.000Z 2026-11-01T00:00:00.000Z`,
    );

    time += 86_400_000;
    const again = tofuVerifier(new FileHostPinStore(path), { now: () => time });
    await again(info('a'));
    expect((await new FileHostPinStore(path).get('mail.example.org', 1958))?.lastSeen).toBe(time);
    await expect(again(info('b'))).rejects.toThrow(HostKeyChangedError);
    expect((await new FileHostPinStore(path).list()).map((pin) => pin.certSha256)).toEqual(['a'.repeat(64)]);

    await new FileHostPinStore(path).delete('MAIL.example.org', 1958);
    expect(await new FileHostPinStore(path).list()).toEqual([]);
  });

  it('reports a damaged file with its line number, and ignores comments', async () => {
    const path = join(dir, 'broken');
    writeFileSync(path, '# comment\n\nlocalhost:1958 nothex\n');
    await expect(new FileHostPinStore(path).list()).rejects.toThrow(KnownHostsError);
    await expect(new FileHostPinStore(path).list()).rejects.toThrow(/broken:3/);
  });

  it('defaults to the XDG config directory', () => {
    expect(defaultKnownHostsPath({ XDG_CONFIG_HOME: '/cfg' })).toBe('/cfg/misfin/known_hosts');
    expect(defaultKnownHostsPath({})).toMatch(/\.config\/misfin\/known_hosts$/);
  });
});
