import { describe, expect, it } from 'vitest';
import { createMemoryStore } from './memory';
import type { MessageRecord } from './schema';

const message = (owner: string, id: string): MessageRecord => ({
  owner,
  id,
  tags: ['Inbox'],
  raw: '',
  subject: id,
  fromAddress: 'a@b',
  receivedAt: 1,
  threadKey: id,
});

describe('createMemoryStore (shared-computer mode)', () => {
  it('keeps records per owner and hands out copies, as structured clone would', async () => {
    const store = createMemoryStore();
    await store.messages.putMany([message('me@h', '1'), message('me@h', '2'), message('you@h', '3')]);
    const mine = await store.messages.listFor('me@h');
    expect(mine.map((m) => m.id).sort()).toEqual(['1', '2']);
    mine[0]!.tags.push('Changed');
    expect((await store.messages.get('me@h', mine[0]!.id))?.tags).toEqual(['Inbox']);
    expect((await store.messages.setTags('me@h', '1', ['Archive']))?.tags).toEqual(['Archive']);
    expect((await store.messages.newest('me@h', 1)).map((m) => m.id)).toHaveLength(1);
    await store.messages.deleteMany('me@h', ['2']);
    expect(await store.messages.get('me@h', '2')).toBeUndefined();
  });

  it('numbers queued tag changes in order and forgets everything of a removed identity', async () => {
    const store = createMemoryStore();
    await store.tagQueue.add({ owner: 'me@h', messageId: '1', action: { kind: 'delete' }, createdAt: 1 });
    await store.tagQueue.add({ owner: 'me@h', messageId: '2', action: { kind: 'delete' }, createdAt: 2 });
    expect((await store.tagQueue.listFor('me@h')).map((c) => [c.seq, c.messageId])).toEqual([
      [1, '1'],
      [2, '2'],
    ]);
    await store.messages.putMany([message('me@h', '1')]);
    await store.identities.delete('me@h');
    expect(await store.messages.listFor('me@h')).toEqual([]);
    expect(await store.tagQueue.listFor('me@h')).toEqual([]);
  });

  it('normalises contact hosts and falls back for unknown settings', async () => {
    const store = createMemoryStore();
    const now = new Date(0);
    await store.contacts.put({
      address: 'bee@Example.ORG',
      fingerprint: 'ab',
      firstSeen: now,
      lastSeen: now,
      verifiedBy: 'first-use',
    });
    expect(await store.contacts.get('bee@example.org')).toMatchObject({ fingerprint: 'ab' });
    expect(await store.settings.get('missing', 7)).toBe(7);
    await store.settings.set('k', { a: 1 });
    expect(await store.settings.get('k', {})).toEqual({ a: 1 });
  });
});
