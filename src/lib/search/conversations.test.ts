import { describe, expect, it } from 'vitest';
import { conversationsForHits, groupConversations } from './conversations';

interface Summary {
  id: string;
  receivedAt: number;
  threadKey: string;
  subject: string;
}

const m = (id: string, receivedAt: number, threadKey: string, subject = ''): Summary => ({
  id,
  receivedAt,
  threadKey,
  subject,
});

describe('groupConversations', () => {
  const mail = [
    m('a1', 100, 'lunch\nalice bob'),
    m('b1', 150, 'report\nbob carol'),
    m('a2', 300, 'lunch\nalice bob'),
    m('c1', 200, 'alone\nme'),
    m('a3', 250, 'lunch\nalice bob'),
  ];

  it('groups by the stored threadKey and orders messages oldest first', () => {
    const conversations = groupConversations(mail);
    expect(conversations.map((c) => c.key)).toEqual(['lunch\nalice bob', 'alone\nme', 'report\nbob carol']);
    const [lunch] = conversations;
    expect(lunch?.messages.map((x) => x.id)).toEqual(['a1', 'a3', 'a2']);
    expect(lunch?.latest.id).toBe('a2');
    expect(lunch?.latestAt).toBe(300);
  });

  it('takes any key function', () => {
    const bySubject = groupConversations(
      [m('x', 1, '', 'Hello'), m('y', 2, '', 'hello'), m('z', 3, '', 'Other')],
      (s) => s.subject.toLowerCase(),
    );
    expect(bySubject.map((c) => c.messages.map((x) => x.id))).toEqual([['z'], ['x', 'y']]);
  });

  it('does not lump messages with an empty key together', () => {
    const conversations = groupConversations([m('p', 1, ''), m('q', 2, '')]);
    expect(conversations.map((c) => c.messages.length)).toEqual([1, 1]);
    expect(conversations.map((c) => c.latest.id)).toEqual(['q', 'p']);
  });

  it('is independent of input order, with ties broken by id and key', () => {
    const tied = [m('b', 5, 'k'), m('a', 5, 'k'), m('c', 5, 'j')];
    const forward = groupConversations(tied);
    const backward = groupConversations([...tied].reverse());
    expect(backward).toEqual(forward);
    expect(forward.map((c) => c.key)).toEqual(['j', 'k']);
    expect(forward[1]?.messages.map((x) => x.id)).toEqual(['a', 'b']);
  });

  it('returns nothing for no messages and rejects a non-string key', () => {
    expect(groupConversations([])).toEqual([]);
    expect(() => groupConversations([m('x', 1, 'k')], () => 7 as unknown as string)).toThrow(TypeError);
  });
});

describe('conversationsForHits', () => {
  it('keeps conversations with a hit, ordered by their best hit', () => {
    const conversations = groupConversations([
      m('a1', 1, 'a'),
      m('a2', 9, 'a'),
      m('b1', 5, 'b'),
      m('c1', 7, 'c'),
    ]);
    const shown = conversationsForHits(['b1', 'a1', 'b1'], conversations);
    expect(shown.map((c) => c.key)).toEqual(['b', 'a']);
  });
});
