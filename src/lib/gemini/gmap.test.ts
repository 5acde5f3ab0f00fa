import { describe, expect, it } from 'vitest';
import { GmapError } from './errors';
import {
  gmapAddTagUrl,
  gmapDeleteUrl,
  gmapListUrl,
  gmapMessageUrl,
  gmapRemoveTagUrl,
  parseGmapIdList,
  parseGmapMessage,
} from './gmap';

const server = { host: 'mail.example', port: 1958 };

describe('GMAP URLs (doc §15)', () => {
  it('builds list URLs: by tag, all non-Trash, since a time', () => {
    expect(gmapListUrl(server, 'Inbox')).toBe('gemini://mail.example:1958/tag/Inbox');
    expect(gmapListUrl(server)).toBe('gemini://mail.example:1958/tag/');
    expect(gmapListUrl(server, 'Unread', new Date(Date.UTC(2024, 1, 3, 4, 5, 6, 789)))).toBe(
      'gemini://mail.example:1958/tag/Unread/2024-02-03T04:05:06Z',
    );
    expect(gmapListUrl({ host: '::1', port: 1960 }, 'Sent')).toBe('gemini://[::1]:1960/tag/Sent');
    expect(gmapListUrl({ host: 'h', port: 1965 }, 'Sent')).toBe('gemini://h/tag/Sent');
  });

  it('builds fetch, tag, untag and delete URLs with percent-encoded ids', () => {
    expect(gmapMessageUrl(server, '20240101-abc')).toBe('gemini://mail.example:1958/msgid/20240101-abc');
    expect(gmapMessageUrl(server, 'a/b?c #d')).toBe('gemini://mail.example:1958/msgid/a%2Fb%3Fc%20%23d');
    expect(gmapAddTagUrl(server, 'Archive', 'id 1')).toBe('gemini://mail.example:1958/tag/Archive?id%201');
    expect(gmapRemoveTagUrl(server, 'Unread', 'x')).toBe('gemini://mail.example:1958/untag/Unread?x');
    expect(gmapDeleteUrl(server, 'x', ['Trash', 'Unread'])).toBe('gemini://mail.example:1958/delete?x');
  });

  it('refuses bad tags, empty ids, a since without tag, and deleting outside Trash', () => {
    expect(() => gmapListUrl(server, 'In box')).toThrow(GmapError);
    expect(() => gmapAddTagUrl(server, 'Inbox/..', 'x')).toThrow(/not a GMAP tag/);
    expect(() => gmapMessageUrl(server, '')).toThrow(/non-empty/);
    expect(() => gmapListUrl(server, '', new Date())).toThrow(/needs a tag/);
    expect(() => gmapListUrl(server, 'Inbox', new Date(NaN))).toThrow(/valid date/);
    expect(() => gmapDeleteUrl(server, 'x', ['Inbox'])).toThrow(/only messages in Trash/);
  });
});

describe('GMAP answers', () => {
  it('parses comma-separated ids with optional spaces', () => {
    expect(parseGmapIdList('a1,b2, c3,\n')).toEqual(['a1', 'b2', 'c3']);
    expect(parseGmapIdList('')).toEqual([]);
    expect(parseGmapIdList('x, x')).toEqual(['x']);
    expect(() => parseGmapIdList('a b, c')).toThrow(GmapError);
  });

  it('parses a fetched message in Misfin(C) form', () => {
    const mail = parseGmapMessage('alice@h Alice\n\n2026-02-11T12:00:00Z\n# Hello\nbody');
    expect(mail).toMatchObject({
      form: 'C',
      senders: [{ address: 'alice@h', name: 'Alice' }],
      subject: 'Hello',
    });
  });
});
