import { describe, expect, it } from 'vitest';
import type { MessageRecord } from '../store';
import { Composer } from './composer.svelte';
import type { Webmail } from './webmail.svelte';

function fakeApp(): Webmail {
  return {
    current: { address: 'alice@example.org', host: 'example.org', port: 1958, origin: 'registered' },
    currentAddress: 'alice@example.org',
    homes: [{ host: 'example.org', port: 1958 }],
    view: 'mail',
  } as unknown as Webmail;
}

function message(raw: string): MessageRecord {
  return {
    owner: 'alice@example.org',
    id: '1',
    tags: ['Inbox'],
    raw,
    subject: '',
    fromAddress: '',
    receivedAt: 0,
    threadKey: '',
  };
}

describe('Composer', () => {
  it('counts the bytes left of a Misfin(B) request', () => {
    const composer = new Composer(fakeApp());
    composer.to = 'bob@example.org';
    composer.subject = 'Hi';
    composer.body = 'Hello';
    // misfin://bob@example.org SP "# Hi\nHello" CRLF = 24 + 1 + 10 + 2
    expect(composer.budget.form).toBe('B');
    expect(composer.budget.remaining).toBe(2048 - 37);
    expect(composer.canSend).toBe(true);
  });

  it('moves to Misfin(C) and then refuses, saying by how much', () => {
    const composer = new Composer(fakeApp());
    composer.to = 'bob@example.org';
    composer.body = 'x'.repeat(3000);
    expect(composer.budget.form).toBe('C');
    composer.body = 'x'.repeat(16_384);
    expect(composer.budget.over).toBe(3);
    expect(composer.canSend).toBe(false);
    expect(composer.counterText).toContain('Too long by 3 bytes');
  });

  it('lists addresses it cannot read', () => {
    const composer = new Composer(fakeApp());
    composer.to = 'bob@example.org, nobody';
    expect(composer.problems).toHaveLength(1);
    expect(composer.problems[0]).toContain('nobody');
    expect(composer.canSend).toBe(false);
  });

  it('reply-all goes to the sender and the other recipients, never to ourselves', () => {
    const composer = new Composer(fakeApp());
    const raw =
      'bob@example.org Bob\nalice@example.org,carol@example.org\n2026-01-01T00:00:00Z\n# Plans\n\nSee you.\n';
    composer.startReply(message(raw), true);
    expect(composer.recipients).toEqual(['bob@example.org', 'carol@example.org']);
    expect(composer.subject).toBe('Re: Plans');
    expect(composer.body).toContain('> See you.');
  });

  it('a forward keeps the original sender and timestamp lines', () => {
    const composer = new Composer(fakeApp());
    composer.startForward(message('bob@example.org Bob\n\n2026-01-01T00:00:00Z\n# Plans\n\nSee you.\n'));
    composer.to = 'dave@example.org';
    expect(composer.subject).toBe('Fwd: Plans');
    expect(composer.mail.senders).toEqual([{ address: 'bob@example.org', name: 'Bob' }]);
    expect(composer.mail.timestamps).toEqual(['2026-01-01T00:00:00Z']);
    expect(composer.mail.body).toBe('# Fwd: Plans\n\nSee you.\n');
  });
});
