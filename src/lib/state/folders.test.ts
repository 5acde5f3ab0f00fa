import { describe, expect, it } from 'vitest';
import { folderCounts, inFolder, moveChanges } from './folders';

describe('folders', () => {
  it('hides trashed messages from every folder but Trash', () => {
    expect(inFolder(['Inbox', 'Trash'], 'Inbox')).toBe(false);
    expect(inFolder(['Inbox', 'Trash'], 'Trash')).toBe(true);
    expect(inFolder(['Sent'], 'Sent')).toBe(true);
  });

  it('counts totals and unread per folder', () => {
    const counts = folderCounts([
      { tags: ['Inbox', 'Unread'] },
      { tags: ['Inbox'] },
      { tags: ['Archive', 'Unread'] },
      { tags: ['Inbox', 'Unread', 'Trash'] },
      { tags: ['Sent'] },
    ]);
    expect(counts.Inbox).toEqual({ total: 2, unread: 1 });
    expect(counts.Archive).toEqual({ total: 1, unread: 1 });
    expect(counts.Trash).toEqual({ total: 1, unread: 1 });
    expect(counts.Sent).toEqual({ total: 1, unread: 0 });
    expect(counts.Drafts).toEqual({ total: 0, unread: 0 });
  });

  it('trashing keeps the folder tag so a restore goes back', () => {
    expect(moveChanges(['Inbox'], 'Trash')).toEqual({ add: ['Trash'], remove: [] });
  });

  it('moving to Archive drops Inbox and adds Archive', () => {
    expect(moveChanges(['Inbox', 'Unread'], 'Archive')).toEqual({ add: ['Archive'], remove: ['Inbox'] });
    expect(moveChanges(['Archive', 'Trash'], 'Inbox')).toEqual({
      add: ['Inbox'],
      remove: ['Archive', 'Trash'],
    });
  });
});
