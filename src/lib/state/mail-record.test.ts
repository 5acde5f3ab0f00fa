import { describe, expect, it } from 'vitest';
import { toMessageRecord } from './mail-record';

describe('toMessageRecord', () => {
  it('reads sender, subject and time from the C form', () => {
    const raw = 'alice@example.org Alice\n\n2026-02-11T12:00:00Z\n# Hello\n\nHi Bob\n';
    const record = toMessageRecord('bob@example.org', 'm1', raw, ['Inbox', 'Unread']);
    expect(record.fromAddress).toBe('alice@example.org');
    expect(record.fromName).toBe('Alice');
    expect(record.subject).toBe('Hello');
    expect(record.receivedAt).toBe(Date.parse('2026-02-11T12:00:00Z'));
    expect(record.tags).toEqual(['Inbox', 'Unread']);
  });

  it('keeps an unreadable message instead of dropping it', () => {
    const record = toMessageRecord('bob@example.org', 'm2', 'garbage', ['Inbox']);
    expect(record.raw).toBe('garbage');
    expect(record.subject).toBe('');
  });
});
