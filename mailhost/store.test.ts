import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Mailbox, QuotaExceededError } from './store';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function fresh(): Promise<Mailbox> {
  const dir = await mkdtemp(join(tmpdir(), 'mailbox-'));
  dirs.push(dir);
  return Mailbox.create(join(dir, 'alice'), { name: 'alice', kind: 'user', fingerprints: [], createdAt: '' });
}

const quota = { maxMessages: 3, maxBytes: 1000 };

describe('Mailbox', () => {
  it('stores messages with tags and finds them again after a reload', async () => {
    const mailbox = await fresh();
    const id = await mailbox.addMessage('a\n\n\nhello', ['Inbox', 'Unread'], {
      quota,
      now: 1_700_000_000_000,
    });
    expect(id).toMatch(/^1700000000000-[0-9a-f]{8}$/);
    await mailbox.changeTags(id, (tags) => tags.delete('Unread'));
    const reloaded = await Mailbox.load(mailbox.dir);
    expect(await reloaded.readMessage(id)).toBe('a\n\n\nhello');
    expect([...reloaded.messages.get(id)!.tags]).toEqual(['Inbox']);
    expect(reloaded.listIds('Inbox', 1_700_000_000_001)).toEqual([]);
    expect(reloaded.listIds('Inbox', 1_700_000_000_000)).toEqual([id]);
  });

  it('keeps initial tags in the file name (one file per delivery) and replaces drafts in place', async () => {
    const mailbox = await fresh();
    const id = await mailbox.addMessage('a\n\n\ndraft 1', ['Drafts'], { quota });
    expect(await readdir(join(mailbox.dir, 'messages'))).toEqual([`${id}.Drafts.gmi`]);
    await mailbox.changeTags(id, (tags) => tags.add('Archive'));
    const again = await mailbox.addMessage('a\n\n\ndraft 2', ['Drafts'], { quota, replaceId: id });
    expect(again).toBe(id);
    const reloaded = await Mailbox.load(mailbox.dir);
    expect(await reloaded.readMessage(id)).toBe('a\n\n\ndraft 2');
    expect([...reloaded.messages.get(id)!.tags].sort()).toEqual(['Archive', 'Drafts']);
    expect(reloaded.usage().messages).toBe(1);
  });

  it('enforces the quota even for concurrent deliveries', async () => {
    const mailbox = await fresh();
    const results = await Promise.allSettled(
      Array.from({ length: 6 }, (_, i) => mailbox.addMessage(`message ${i}`, ['Inbox'], { quota })),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
    for (const r of results.filter((r) => r.status === 'rejected')) {
      expect((r as PromiseRejectedResult).reason).toBeInstanceOf(QuotaExceededError);
    }
    await expect(
      mailbox.addMessage('x'.repeat(2000), [], { quota: { maxMessages: 99, maxBytes: 1000 } }),
    ).rejects.toThrow(QuotaExceededError);
  });

  it('drops temporary files and orphaned tag files on load, keeps messages without a tags file', async () => {
    const mailbox = await fresh();
    const messages = join(mailbox.dir, 'messages');
    await writeFile(join(messages, '.1700000000000-00000000.gmi.abc.tmp'), 'torn');
    await writeFile(join(messages, '1700000000001-00000001.tags'), 'Inbox\n');
    await writeFile(join(messages, '1700000000002-00000002.gmi'), 'x\n\n\nbody');
    const reloaded = await Mailbox.load(mailbox.dir);
    expect([...reloaded.messages.keys()]).toEqual(['1700000000002-00000002']);
    expect([...reloaded.messages.get('1700000000002-00000002')!.tags]).toEqual(['Inbox', 'Unread']);
    expect((await readdir(messages)).sort()).toEqual(['1700000000002-00000002.gmi']);
  });

  it('deletes a message and its tags', async () => {
    const mailbox = await fresh();
    const id = await mailbox.addMessage('m', ['Trash'], { quota });
    expect(await mailbox.deleteMessage(id)).toBe(true);
    expect(await mailbox.readMessage(id)).toBeUndefined();
    expect(await readdir(join(mailbox.dir, 'messages'))).toEqual([]);
    expect(mailbox.usage()).toEqual({ messages: 0, bytes: 0 });
  });
});
