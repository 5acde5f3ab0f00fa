import { describe, expect, it } from 'vitest';
import { parseArgs, parseHostPort, required, UsageError } from './args';

describe('parseArgs', () => {
  const spec = { values: ['to', 'message'], flags: ['follow-redirects'] };

  it('reads values, flags and positionals in any order', () => {
    const args = parseArgs(['list', '--to', 'a@b', '--follow-redirects', '--message=x=y', 'Inbox'], spec);
    expect(args.values.get('to')).toBe('a@b');
    expect(args.values.get('message')).toBe('x=y');
    expect(args.flags.has('follow-redirects')).toBe(true);
    expect(args.positionals).toEqual(['list', 'Inbox']);
    expect(parseArgs(['--', '--to'], spec).positionals).toEqual(['--to']);
    expect(parseArgs(['-h'], spec).flags.has('help')).toBe(true);
  });

  it('refuses unknown options, missing values and repeated values', () => {
    expect(() => parseArgs(['--bogus'], spec)).toThrow(UsageError);
    expect(() => parseArgs(['--to'], spec)).toThrow(/needs a value/);
    expect(() => parseArgs(['--to', 'a', '--to', 'b'], spec)).toThrow(/twice/);
    expect(() => parseArgs(['--follow-redirects=1'], spec)).toThrow(/no value/);
    expect(() => required(parseArgs([], spec), 'to')).toThrow(/--to is required/);
  });
});

describe('parseHostPort', () => {
  it('reads host:port, [IPv6]:port and a default port', () => {
    expect(parseHostPort('127.0.0.1:1958')).toEqual({ host: '127.0.0.1', port: 1958 });
    expect(parseHostPort('[::1]:2000')).toEqual({ host: '::1', port: 2000 });
    expect(parseHostPort('example.org', 1958)).toEqual({ host: 'example.org', port: 1958 });
    expect(() => parseHostPort('example.org')).toThrow(UsageError);
    expect(() => parseHostPort('example.org:99999')).toThrow(UsageError);
    expect(() => parseHostPort('a b:1')).toThrow(UsageError);
  });
});
