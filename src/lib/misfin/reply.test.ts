import { describe, expect, it } from 'vitest';
import { parseGemmailB, parseGemmailC } from './gemmail';
import { composeMessage, formatGemmailB, formatGemmailC } from './gemmail-format';
import {
  baseSubject,
  forwardSubject,
  makeForward,
  makeReply,
  quoteBody,
  replySubject,
  replyTargets,
  threadKey,
} from './reply';

// spec §4.5: a group message from one to two and three.
const group = parseGemmailB(
  '< one@example.com Person One\n: two@example.com three@example.com\n@ 2023-05-09T19:39:15Z\n# Joke\n\nA funny joke\n',
);

describe('reply targets (spec §4.2)', () => {
  it('replies to the sender only, or to everyone except oneself for reply-all', () => {
    expect(replyTargets(group, 'two@example.com', false)).toEqual(['one@example.com']);
    expect(replyTargets(group, 'two@example.com', true)).toEqual(['one@example.com', 'three@example.com']);
    expect(replyTargets(group, 'TWO@EXAMPLE.COM', true)).toContain('two@example.com'); // mailbox case matters
    expect(replyTargets(group, 'two@Example.com', true)).not.toContain('two@example.com');
  });

  it('removes duplicates and the own address even when the sender is oneself', () => {
    const mail = parseGemmailB('< me@h\n: a@h me@h a@h:1958\nx');
    expect(replyTargets(mail, 'me@h', true)).toEqual(['a@h']);
    expect(replyTargets(parseGemmailB('no metadata'), 'me@h', true)).toEqual([]);
  });
});

describe('subjects', () => {
  it('adds Re: once, Fwd: once, and strips both for threading', () => {
    expect(replySubject('Joke')).toBe('Re: Joke');
    expect(replySubject('RE: Joke')).toBe('RE: Joke');
    expect(replySubject(undefined)).toBe('Re:');
    expect(forwardSubject('Joke')).toBe('Fwd: Joke');
    expect(forwardSubject('fw: Joke')).toBe('fw: Joke');
    expect(baseSubject('Re: re:Fwd: FW : Joke ')).toBe('Joke');
    expect(baseSubject(undefined)).toBe('');
  });
});

describe('makeReply', () => {
  it('builds a reply-all draft with quoted body and the recipients line of spec §4.5', () => {
    const draft = makeReply(group, 'two@example.com', { all: true });
    expect(draft.subject).toBe('Re: Joke');
    expect(draft.to).toEqual(['one@example.com', 'three@example.com']);
    expect(draft.body).toBe('\n\nPerson One (one@example.com) wrote:\n> A funny joke\n');
    // "reply from two: < two@example.com Person Two\n: one@example.com three@example.com" — the host adds "<".
    expect(formatGemmailB(composeMessage(draft))).toBe(
      ': one@example.com three@example.com\n# Re: Joke\n\n\nPerson One (one@example.com) wrote:\n> A funny joke\n',
    );
  });

  it('quotes every line, empty ones as a bare >', () => {
    const mail = parseGemmailC('a@h\n\n\n# S\n\nline one\n\n> already quoted\n');
    expect(quoteBody(mail)).toBe('> line one\n>\n> > already quoted');
    expect(makeReply(parseGemmailC('a@h\n\n\n'), 'b@h', { all: false }).body).toBe('\n');
  });
});

describe('makeForward', () => {
  it('keeps sender and timestamp lines and rewrites the subject heading', () => {
    const fwd = makeForward(group);
    expect(fwd.senders).toEqual([{ address: 'one@example.com', name: 'Person One' }]);
    expect(fwd.timestamps).toEqual(['2023-05-09T19:39:15Z']);
    expect(fwd.recipients).toBeUndefined();
    expect(formatGemmailB(fwd)).toBe(
      '< one@example.com Person One\n@ 2023-05-09T19:39:15Z\n# Fwd: Joke\n\nA funny joke\n',
    );
    expect(formatGemmailC(fwd)).toBe(
      'one@example.com Person One\n\n2023-05-09T19:39:15Z\n# Fwd: Joke\n\nA funny joke\n',
    );
  });

  it('leaves a message without subject unchanged', () => {
    expect(makeForward(parseGemmailB('< a@h\nplain')).body).toBe('plain');
  });
});

describe('threadKey (doc §17)', () => {
  it('matches replies to the original and separates other participant sets', () => {
    const reply = parseGemmailB('< two@example.com\n: one@example.com three@example.com\n# Re: RE: joke\nok');
    expect(threadKey(reply, 'one@example.com')).toBe(threadKey(group, 'two@example.com'));
    expect(threadKey(group, 'two@example.com')).toBe(
      'joke\none@example.com three@example.com two@example.com',
    );
    const other = parseGemmailB('< one@example.com\n# Joke\nx');
    expect(threadKey(other, 'two@example.com')).not.toBe(threadKey(group, 'two@example.com'));
  });
});
