import { describe, expect, it } from 'vitest';
import { bareAddress, routeAddress, splitRecipients } from './routing';

describe('routeAddress', () => {
  const homes = [{ host: 'localhost', port: 40123 }];

  it('uses the home port for a portless address on a home host', () => {
    expect(routeAddress('bob@localhost', homes)).toEqual({ mailbox: 'bob', host: 'localhost', port: 40123 });
  });

  it('keeps an explicit port, even 1958', () => {
    expect(routeAddress('bob@localhost:1958', homes).port).toBe(1958);
    expect(routeAddress('bob@localhost:7000', homes).port).toBe(7000);
  });

  it('leaves other hosts on 1958', () => {
    expect(routeAddress('bob@example.org', homes).port).toBe(1958);
  });
});

describe('splitRecipients', () => {
  it('splits on spaces, commas and semicolons and drops duplicates', () => {
    expect(splitRecipients(' a@h, b@h;a@h  c@h ')).toEqual(['a@h', 'b@h', 'c@h']);
    expect(splitRecipients('  ')).toEqual([]);
  });
});

describe('bareAddress', () => {
  it('drops the port', () => {
    expect(bareAddress('a@Host:4000')).toBe('a@host');
  });
});
