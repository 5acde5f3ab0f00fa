// Durability (issue 6): SIGKILL the host process in the middle of a burst of concurrent deliveries, restart
// it, and check that every message answered 20 is present and intact, and nothing is duplicated or torn.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { initCommand, mailboxAddCommand } from '../../mailhost/admin';
import { requireHostFile, writeHostFile } from '../../mailhost/config';
import { parseGemmailC } from '../../src/lib/misfin/gemmail';
import { misfinB, misfinC, rawRequest, tempDir, type TestIdentity } from '../support/mailhost-client';
import { addMailboxWithCert, spawnHost, type HostProcess } from '../support/mailhost-instance';

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

function bodyFor(i: number): string {
  // Every fourth message is a large C message, so a torn write would be visible.
  const size = i % 4 === 0 ? 12_000 : 300;
  return `# message ${i}\n` + `line ${i} `.repeat(Math.ceil(size / 10)).slice(0, size) + `\nend ${i}`;
}

describe('durability', () => {
  it('keeps every acknowledged message intact across SIGKILL, without duplicates or torn files', async () => {
    const dir = await tempDir('durable');
    cleanups.push(dir.remove);
    await initCommand(dir.path, 'localhost');
    const file = await requireHostFile(dir.path);
    file.settings.ipRate = { perSecond: 100_000, burst: 100_000 };
    file.settings.senderRate = { perSecond: 100_000, burst: 100_000 };
    await writeHostFile(dir.path, file);
    const reader = await addMailboxWithCert(dir.path, 'sink');
    const senders: TestIdentity[] = [];
    for (let i = 0; i < 4; i++) senders.push(await addMailboxWithCert(dir.path, `sender${i}`));
    await mailboxAddCommand(dir.path, 'unused', {});

    let host: HostProcess = await spawnHost(dir.path);
    cleanups.push(() => host.kill('SIGKILL'));
    const acknowledged = new Set<number>();
    const total = 400;
    let killed = false;
    let inFlight = 0;
    let next = 0;
    await new Promise<void>((resolveAll) => {
      const launch = () => {
        if (next >= total || killed) {
          if (inFlight === 0) resolveAll();
          return;
        }
        const i = next++;
        inFlight++;
        const body = bodyFor(i);
        const request =
          i % 4 === 0 ? misfinC('sink@localhost', `\n\n\n${body}`) : misfinB('sink@localhost', body);
        rawRequest(host.port, request, { identity: senders[i % senders.length]!, timeoutMs: 10_000 })
          .then((response) => {
            if (response.status === 20) acknowledged.add(i);
            // Kill in the middle of the burst: plenty acknowledged, plenty still in flight.
            if (acknowledged.size === 120 && !killed) {
              killed = true;
              host.child.kill('SIGKILL');
            }
          })
          .catch(() => undefined)
          .finally(() => {
            inFlight--;
            launch();
          });
      };
      for (let k = 0; k < 40; k++) launch();
    });
    expect(killed).toBe(true);
    // Deliveries were still under way when the host died.
    expect(next).toBeGreaterThan(acknowledged.size);
    await host.kill('SIGKILL');
    expect(acknowledged.size).toBeGreaterThanOrEqual(120);

    host = await spawnHost(dir.path);
    const list = await rawRequest(host.port, 'gemini://localhost/tag/\r\n', { identity: reader });
    const ids = list.body === '' ? [] : list.body.split(',');
    const seen = new Map<number, number>();
    for (const id of ids) {
      const text = (await rawRequest(host.port, `gemini://localhost/msgid/${id}\r\n`, { identity: reader }))
        .body;
      const mail = parseGemmailC(text);
      const match = /^# message (\d+)\n/.exec(mail.body);
      expect(match, `message ${id} has a readable body`).not.toBeNull();
      const i = Number(match![1]);
      expect(mail.body, `message ${i} is intact`).toBe(bodyFor(i));
      expect(mail.senders[0]!.address).toBe(`sender${i % senders.length}@localhost`);
      seen.set(i, (seen.get(i) ?? 0) + 1);
    }
    for (const i of acknowledged) expect(seen.get(i), `acknowledged message ${i} survived`).toBe(1);
    for (const [i, count] of seen) expect(count, `message ${i} stored once`).toBe(1);
    // No temporary leftovers after the restart.
    const files = await readdir(join(dir.path, 'domains/localhost/mailboxes/sink/messages'));
    expect(files.filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(files.filter((f) => f.endsWith('.gmi'))).toHaveLength(ids.length);
    // The restarted host accepts mail again.
    expect(
      (await rawRequest(host.port, misfinB('sink@localhost', 'after restart'), { identity: senders[0]! }))
        .status,
    ).toBe(20);
    await host.kill('SIGTERM');
  }, 60_000);
});
