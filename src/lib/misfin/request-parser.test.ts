import { describe, expect, it } from 'vitest';
import { MisfinRequestError } from './errors';
import { parseRequest, parseRequestHead } from './request-parser';

const bytes = (s: string) => new TextEncoder().encode(s);
const queen = { mailbox: 'queen', host: 'hive.com', port: 1958 };

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof MisfinRequestError) return error.code;
    throw error;
  }
  return undefined;
}

describe('parseRequestHead / parseRequest', () => {
  it('parses a B request with bare LF lines (bp §1)', () => {
    const req = "misfin://queen@hive.com # Hello\nWhere's the flowers at\r\n";
    expect(parseRequest(bytes(req))).toEqual({
      kind: 'parsed',
      form: 'B',
      address: queen,
      message: "# Hello\nWhere's the flowers at",
      byteLength: req.length,
    });
  });

  it('parses the probe forms of B and C (§19 #4)', () => {
    expect(parseRequest(bytes('misfin://queen@localhost \r\n'))).toMatchObject({ form: 'B', message: '' });
    expect(parseRequest(bytes('misfin://a@host\t0\r\n'))).toMatchObject({
      form: 'C',
      message: '',
      byteLength: 19,
    });
  });

  it('parses a C head, then waits for the announced bytes', () => {
    const head = 'misfin://queen@hive.com:1960\t7\r\n';
    expect(parseRequestHead(bytes(head))).toEqual({
      kind: 'parsed',
      form: 'C',
      address: { ...queen, port: 1960 },
      length: 7,
      headerLength: head.length,
    });
    expect(parseRequest(bytes(head + '\n\n\nab'))).toEqual({ kind: 'need-more' });
    expect(parseRequest(bytes(head + '\n\n\nab\r\n'))).toMatchObject({ form: 'C', message: '\n\n\nab\r\n' });
  });

  it('asks for more on every prefix of a valid request, byte by byte', () => {
    for (const req of ['misfin://queen@hive.com hi\r\n', 'misfin://queen@hive.com\t3\r\nabc']) {
      const all = bytes(req);
      for (let n = 0; n < all.length; n++)
        expect(parseRequest(all.subarray(0, n))).toEqual({ kind: 'need-more' });
      expect(parseRequest(all).kind).toBe('parsed');
    }
  });

  it.each([
    ['gemini://queen@hive.com hi\r\n', 'bad-scheme'],
    ['misfin://queenhive.com hi\r\n', 'bad-address'],
    ['misfin://queen@hive.com\r\n', 'bad-separator'],
    ['misfin://queen@hive.com a\rb\r\n', 'bare-cr'],
    ['misfin://queen@hive.com\tx\r\n', 'bad-length'],
    ['misfin://queen@hive.com\t\r\n', 'bad-length'],
    ['misfin://queen@hive.com\t16385\r\n', 'too-large'],
    ['misfin://queen@hive.com\t0000000', 'too-large'],
    ['misfin://queen@hive.com hi\r\nmore', 'bad-length'],
    ['misfin://queen@hive.com\t2\r\nabc', 'bad-length'],
    ['misfin://queen@hive.com\t2\r\na\r', 'bare-cr'],
  ])('refuses %j with %s', (req, code) => {
    expect(codeOf(() => parseRequest(bytes(req)))).toBe(code);
  });

  it('refuses invalid UTF-8 in the message', () => {
    const req = new Uint8Array([...bytes('misfin://a@h '), 0xff, 0x0d, 0x0a]);
    expect(codeOf(() => parseRequest(req))).toBe('invalid-utf8');
  });

  it('enforces 2048 bytes for B, counting CRLF', () => {
    const prefix = 'misfin://queen@hive.com ';
    const ok = prefix + 'x'.repeat(2048 - prefix.length - 2) + '\r\n';
    expect(parseRequest(bytes(ok))).toMatchObject({ kind: 'parsed', byteLength: 2048 });
    const over = prefix + 'x'.repeat(2048 - prefix.length - 1) + '\r\n';
    expect(codeOf(() => parseRequest(bytes(over)))).toBe('too-large');
    expect(codeOf(() => parseRequestHead(bytes(prefix + 'x'.repeat(3000))))).toBe('too-large');
  });

  it('refuses an address longer than the C header limit without waiting forever', () => {
    expect(codeOf(() => parseRequestHead(bytes('misfin://' + 'a'.repeat(1100))))).toBe('bad-address');
  });
});
