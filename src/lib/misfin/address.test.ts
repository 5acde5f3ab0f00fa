import { describe, expect, it } from 'vitest';
import {
  formatAddress,
  parseAddress,
  parseMisfinLink,
  sameAddress,
  toRequestUrl,
  tryParseAddress,
} from './address';
import { AddressError } from './errors';

describe('parseAddress', () => {
  it('reads mailbox@host with the default port 1958', () => {
    expect(parseAddress('hello@misfin.org')).toEqual({ mailbox: 'hello', host: 'misfin.org', port: 1958 });
  });

  it('reads both link forms (doc §18) and an explicit port', () => {
    expect(parseAddress('misfin://queen@hive.com')).toEqual({
      mailbox: 'queen',
      host: 'hive.com',
      port: 1958,
    });
    expect(parseAddress('misfin:queen@hive.com')).toEqual({ mailbox: 'queen', host: 'hive.com', port: 1958 });
    expect(parseAddress('MISFIN://a@host:1960')).toEqual({ mailbox: 'a', host: 'host', port: 1960 });
    expect(parseAddress('  misfin://a@host/ ')).toEqual({ mailbox: 'a', host: 'host', port: 1958 });
  });

  it('lowercases the host, keeps the mailbox case', () => {
    expect(parseAddress('Queen@Hive.COM')).toEqual({ mailbox: 'Queen', host: 'hive.com', port: 1958 });
  });

  it('reads IPv6 literals in brackets and IPv4', () => {
    expect(parseAddress('a@[::1]:1960')).toEqual({ mailbox: 'a', host: '::1', port: 1960 });
    expect(parseAddress('a@[2001:DB8::1]')).toEqual({ mailbox: 'a', host: '2001:db8::1', port: 1958 });
    expect(parseAddress('a@127.0.0.1')).toEqual({ mailbox: 'a', host: '127.0.0.1', port: 1958 });
  });

  it.each([
    ['', /no "@"/],
    ['queen', /no "@"/],
    ['@hive.com', /mailbox before "@" is empty/],
    ['queen@', /host after "@" is empty/],
    ['a@b@c', /more than one "@"/],
    ['que en@hive.com', /whitespace/],
    ['a,b@hive.com', /","/],
    ['a@hive..com', /not a valid DNS label/],
    ['a@-hive.com', /not a valid DNS label/],
    ['a@hive.com:0', /between 1 and 65535/],
    ['a@hive.com:70000', /between 1 and 65535/],
    ['a@hive.com:x', /port must be a number/],
    ['a@::1', /brackets/],
    ['a@[::1', /closing "]"/],
    ['a@[nothex]', /not an IPv6/],
    ['a@bücher.de', /xn--/],
    ['misfin://a@h?x', /not a valid DNS label/],
  ])('refuses %j with a clear AddressError', (input, message) => {
    expect(() => parseAddress(input)).toThrow(AddressError);
    expect(() => parseAddress(input)).toThrow(message);
  });

  it('tryParseAddress answers undefined for bad input', () => {
    expect(tryParseAddress('nope')).toBeUndefined();
    expect(tryParseAddress('a@b')).toEqual({ mailbox: 'a', host: 'b', port: 1958 });
  });
});

describe('formatting', () => {
  it('adds the port only when it is not 1958', () => {
    expect(formatAddress(parseAddress('a@h:1958'))).toBe('a@h');
    expect(formatAddress(parseAddress('a@h:1960'))).toBe('a@h:1960');
    expect(toRequestUrl(parseAddress('misfin:a@H'))).toBe('misfin://a@h');
    expect(toRequestUrl(parseAddress('a@[::1]:2000'))).toBe('misfin://a@[::1]:2000');
    expect(toRequestUrl(parseAddress('a@[::1]'))).toBe('misfin://a@[::1]');
  });

  it('compares addresses', () => {
    expect(sameAddress(parseAddress('a@H'), parseAddress('misfin://a@h:1958'))).toBe(true);
    expect(sameAddress(parseAddress('a@h'), parseAddress('A@h'))).toBe(false);
  });
});

describe('parseMisfinLink', () => {
  it('reads the Lagrange composer query and list commands (doc §18)', () => {
    expect(parseMisfinLink('misfin:bob@h?Hello%20there')).toEqual({
      address: { mailbox: 'bob', host: 'h', port: 1958 },
      query: 'Hello there',
    });
    expect(parseMisfinLink('misfin:list@h?subscribe').query).toBe('subscribe');
    expect(parseMisfinLink('misfin://bob@h')).toEqual({ address: { mailbox: 'bob', host: 'h', port: 1958 } });
  });

  it('refuses broken percent-encoding', () => {
    expect(() => parseMisfinLink('misfin:bob@h?%E0%A4%A')).toThrow(AddressError);
  });
});
