import { describe, expect, it } from 'vitest';
import { GemmailError } from './errors';
import { findSubject, parseGemmail, parseGemmailB, parseGemmailC } from './gemmail';
import { composeMessage, formatGemmailB, formatGemmailC, formatTimestamp } from './gemmail-format';

describe('parseGemmailB (spec §4)', () => {
  it('reads the misfin crate vector (doc §22)', () => {
    const mail = parseGemmailB(
      '< friend@example.com Friendly Person\n: one@example.com two@example.com\n@ 2023-05-09T19:39:15Z\n# A note on flowers\n\nThe green ones bite.\n',
    );
    expect(mail.form).toBe('B');
    expect(mail.senders).toEqual([{ address: 'friend@example.com', name: 'Friendly Person' }]);
    expect(mail.recipients).toEqual(['one@example.com', 'two@example.com']);
    expect(mail.timestamps).toEqual(['2023-05-09T19:39:15Z']);
    expect(mail.receivedAt?.toISOString()).toBe('2023-05-09T19:39:15.000Z');
    expect(mail.subject).toBe('A note on flowers');
    expect(mail.body).toBe('# A note on flowers\n\nThe green ones bite.\n');
  });

  it('reads the spec §4.5 examples', () => {
    expect(parseGemmailB("< friend@example.com Your Friend\n\nWhat's up?")).toMatchObject({
      senders: [{ address: 'friend@example.com', name: 'Your Friend' }],
      recipients: [],
      body: "\nWhat's up?",
    });
    const group = parseGemmailB(
      '< one@example.com Person One\n: two@example.com three@example.com\n\nA funny joke',
    );
    expect(group.recipients).toEqual(['two@example.com', 'three@example.com']);
    const list = parseGemmailB(
      '< workers@hive.com Worker bees list\n< 33@hive.com Bee #33\n\n# A note on flowers\n\n...',
    );
    expect(list.senders).toEqual([
      { address: 'workers@hive.com', name: 'Worker bees list' },
      { address: '33@hive.com', name: 'Bee #33' },
    ]);
    expect(list.subject).toBe('A note on flowers');
  });

  it('allows no space after the marker and no blurb', () => {
    expect(parseGemmailB('<a@b\n:c@d\n@2024-01-01T00:00:00Z\nhi')).toMatchObject({
      senders: [{ address: 'a@b' }],
      recipients: ['c@d'],
      timestamps: ['2024-01-01T00:00:00Z'],
      body: 'hi',
    });
  });

  it('uses only the first recipients line and keeps later metadata-like lines as text', () => {
    const mail = parseGemmailB(': a@b\n: c@d\nhello\n< x@y\n: not metadata\n');
    expect(mail.recipients).toEqual(['a@b']);
    expect(mail.body).toBe('hello\n< x@y\n: not metadata\n');
  });

  it('stops at a marker line that holds no address', () => {
    const mail = parseGemmailB('< a@b\n: ) smile\n');
    expect(mail.senders).toHaveLength(1);
    expect(mail.body).toBe(': ) smile\n');
  });

  it('keeps an unparsable timestamp as written', () => {
    const mail = parseGemmailB('@ yesterday\nx');
    expect(mail.timestamps).toEqual(['yesterday']);
    expect(mail.receivedAt).toBeUndefined();
  });
});

describe('parseGemmailC (doc §8)', () => {
  it('reads the Titlani example', () => {
    const mail = parseGemmailC(
      'alice@mail.example.com Alice\nbob@mail.example.com Bob\n2026-02-11T12:00:00Z\n# Re: Meeting tomorrow\n\n...',
    );
    expect(mail).toMatchObject({
      form: 'C',
      senders: [{ address: 'alice@mail.example.com', name: 'Alice' }],
      recipients: ['bob@mail.example.com'],
      timestamps: ['2026-02-11T12:00:00Z'],
      subject: 'Re: Meeting tomorrow',
      body: '# Re: Meeting tomorrow\n\n...',
    });
  });

  it('reads several senders and timestamps, CRLF endings and empty lines', () => {
    const mail = parseGemmailC(
      'list@h Bees, author@h\r\n\r\n2024-02-01T00:00:00Z, 2024-01-01T00:00:00Z\r\nbody\r\n',
    );
    expect(mail.senders).toEqual([{ address: 'list@h', name: 'Bees' }, { address: 'author@h' }]);
    expect(mail.recipients).toEqual([]);
    expect(mail.timestamps).toEqual(['2024-02-01T00:00:00Z', '2024-01-01T00:00:00Z']);
    expect(mail.body).toBe('body\r\n');
    expect(parseGemmailC('\n\n\n')).toMatchObject({ senders: [], recipients: [], timestamps: [], body: '' });
    expect(parseGemmailC('\n\n')).toMatchObject({ body: '' });
  });

  it('refuses fewer than three lines and bad addresses', () => {
    expect(() => parseGemmailC('a@b\nhello')).toThrow(GemmailError);
    expect(() => parseGemmailC('')).toThrow(/three metadata lines/);
    expect(() => parseGemmailC('not an address\n\n\n')).toThrow(/bad address/);
    expect(() => parseGemmail('a@b\n\n2024 01 01\n', 'C')).toThrow(/whitespace/);
  });
});

describe('findSubject', () => {
  it('takes the first heading outside preformatted text', () => {
    expect(findSubject('```\n# not this\n```\n## This one\n# Later')).toBe('This one');
    expect(findSubject('no heading')).toBeUndefined();
    expect(findSubject('#\n# Real')).toBe('Real');
  });
});

describe('formatting', () => {
  it('composes new mail without < or @ lines; recipients line only for several (spec §4.2, bp §1)', () => {
    const single = composeMessage({ subject: 'Hi', body: 'text', to: ['a@b'] });
    expect(formatGemmailB(single)).toBe('# Hi\ntext');
    expect(formatGemmailC(single)).toBe('\n\n\n# Hi\ntext');
    const group = composeMessage({ subject: ' Hi \n there', body: 'x', to: ['a@b', 'c@d', 'a@b'] });
    expect(formatGemmailB(group)).toBe(': a@b c@d\n# Hi there\nx');
    expect(formatGemmailC(group)).toBe('\na@b,c@d\n\n# Hi there\nx');
    expect(formatGemmailB(composeMessage({ body: '', to: [] }))).toBe('');
  });

  it('round-trips metadata in both forms', () => {
    const mail = {
      senders: [{ address: 'list@h', name: 'List, bees' }, { address: 'a@h' }],
      recipients: ['x@h', 'y@h'],
      timestamps: ['2024-02-01T00:00:00Z', '2024-01-01T00:00:00Z'],
      body: '# S\nbody\n',
    };
    const b = parseGemmailB(formatGemmailB(mail));
    expect(b.senders).toEqual(mail.senders);
    expect(b).toMatchObject({ recipients: mail.recipients, timestamps: mail.timestamps, body: mail.body });
    const c = parseGemmailC(formatGemmailC(mail));
    expect(c.senders).toEqual([{ address: 'list@h', name: 'List  bees' }, { address: 'a@h' }]);
    expect(c).toMatchObject({ recipients: mail.recipients, timestamps: mail.timestamps, body: mail.body });
  });

  it('formats timestamps as YYYY-MM-DDTHH:MM:SSZ', () => {
    expect(formatTimestamp(new Date(Date.UTC(2023, 4, 9, 19, 39, 15, 123)))).toBe('2023-05-09T19:39:15Z');
  });
});
