import { describe, expect, it } from 'vitest';
import { applyTagAction, mergeMessages, planSync, tagsById } from './sync-plan';

describe('tagsById', () => {
  it('inverts tag lists', () => {
    const byId = tagsById(
      new Map([
        ['Inbox', ['1', '2']],
        ['Unread', ['2']],
      ]),
    );
    expect(byId.get('1')).toEqual(['Inbox']);
    expect(byId.get('2')).toEqual(['Inbox', 'Unread']);
  });
});

describe('planSync', () => {
  const remote = new Map([
    ['', ['1', '2', '3']],
    ['Inbox', ['1', '2']],
    ['Unread', ['2']],
    ['Sent', ['3']],
    ['Trash', ['4']],
  ]);

  it('fetches only what is new', () => {
    const local = new Map([
      ['1', ['Inbox']],
      ['2', ['Inbox', 'Unread']],
    ]);
    const plan = planSync(remote, local);
    expect(plan.fetch.sort()).toEqual(['3', '4']);
    expect(plan.remove).toEqual([]);
    expect(plan.retag.size).toBe(0);
    expect(plan.tags.get('4')).toEqual(['Trash']);
  });

  it('notices tag changes and deletions made elsewhere', () => {
    const local = new Map([
      ['1', ['Inbox', 'Unread']],
      ['2', ['Inbox', 'Unread']],
      ['3', ['Sent']],
      ['4', ['Trash']],
      ['9', ['Inbox']],
    ]);
    const plan = planSync(remote, local);
    expect(plan.fetch).toEqual([]);
    expect(plan.remove).toEqual(['9']);
    expect([...plan.retag]).toEqual([['1', ['Inbox']]]);
  });

  it('keeps pending local changes over the host view', () => {
    const local = new Map([
      ['1', ['Inbox']],
      ['2', ['Inbox']],
      ['3', ['Sent']],
      ['4', ['Trash']],
    ]);
    const plan = planSync(remote, local, [
      { messageId: '2', action: { kind: 'untag', tag: 'Unread' } },
      { messageId: '4', action: { kind: 'delete' } },
    ]);
    expect(plan.retag.size).toBe(0);
    expect(plan.remove).toEqual(['4']);
  });
});

describe('applyTagAction', () => {
  it('adds once, removes, deletes', () => {
    expect(applyTagAction(['A'], { kind: 'tag', tag: 'A' })).toEqual(['A']);
    expect(applyTagAction(['A'], { kind: 'tag', tag: 'B' })).toEqual(['A', 'B']);
    expect(applyTagAction(['A', 'B'], { kind: 'untag', tag: 'A' })).toEqual(['B']);
    expect(applyTagAction(['A'], { kind: 'delete' })).toBeUndefined();
  });
});

describe('mergeMessages', () => {
  it('drops removed ids and replaces changed ones', () => {
    const out = mergeMessages(
      [
        { id: '1', v: 'a' },
        { id: '2', v: 'b' },
        { id: '3', v: 'c' },
      ],
      ['1'],
      [
        { id: '2', v: 'B' },
        { id: '4', v: 'd' },
      ],
    );
    expect(out).toEqual([
      { id: '3', v: 'c' },
      { id: '2', v: 'B' },
      { id: '4', v: 'd' },
    ]);
  });
});
