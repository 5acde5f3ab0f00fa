// `misfin gmap` as a child process against a loopback GMAP server (misfin-protocol.md §15) that keeps
// its tags in memory.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliRunner, cliTimeout as slow, newCliIdentity } from '../support/cli-runner';
import {
  referenceServerPem as serverPem,
  startReferenceServer as startServer,
  type ReferenceServer as TestServer,
} from '../support/reference-server';

const dir = mkdtempSync(join(tmpdir(), 'misfin-cli-gmap-'));
const path = (name: string) => join(dir, name);
const runCli = cliRunner(dir);
let identityFingerprint = '';

beforeAll(async () => {
  identityFingerprint = await newCliIdentity(runCli, path('alice.pem'), 'alice');
}, 60_000);

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
  });
  afterAll(() => {
    gmap.server.close();
    rmSync(dir, { recursive: true, force: true });
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
