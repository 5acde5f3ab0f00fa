import { describe, expect, it } from 'vitest';
import { GeminiProtocolError } from './errors';
import { encodeGeminiRequest, geminiTarget } from './request';
import {
  decodeGeminiText,
  findGeminiHeaderEnd,
  parseGeminiHeaderLine,
  parseGeminiResponse,
  parseMimeType,
} from './response';

const bytes = (s: string) => new TextEncoder().encode(s);

describe('encodeGeminiRequest', () => {
  it('writes the URL and CRLF', () => {
    expect(new TextDecoder().decode(encodeGeminiRequest('gemini://h:1958/tag/Inbox'))).toBe(
      'gemini://h:1958/tag/Inbox\r\n',
    );
  });

  it.each([
    ['/relative', /absolute/],
    ['https://example.org/', /gemini:\/\//],
    ['gemini://u@h/', /userinfo/],
    ['gemini://h/a\r\n', /CR or LF/],
    ['gemini://h/' + 'a'.repeat(1020), /1024-byte/],
  ])('refuses %j', (url, message) => {
    expect(() => encodeGeminiRequest(url)).toThrow(GeminiProtocolError);
    expect(() => encodeGeminiRequest(url)).toThrow(message);
  });

  it('finds host and port to connect to', () => {
    expect(geminiTarget('gemini://Example.org/x')).toEqual({ host: 'example.org', port: 1965 });
    expect(geminiTarget('gemini://[::1]:1960/')).toEqual({ host: '::1', port: 1960 });
    expect(() => geminiTarget('mailto:x')).toThrow(GeminiProtocolError);
  });
});

describe('Gemini responses', () => {
  it('reads a success with its MIME type and body', () => {
    const r = parseGeminiResponse(bytes('20 text/plain; charset=UTF-8\r\n1,2, 3'), 100);
    expect(r.header).toMatchObject({
      status: 20,
      name: 'SUCCESS',
      category: 'success',
      meta: 'text/plain; charset=UTF-8',
    });
    expect(r.header.mimeType).toEqual({ essence: 'text/plain', params: { charset: 'UTF-8' } });
    expect(decodeGeminiText(r)).toBe('1,2, 3');
  });

  it('defaults an empty success META to text/gemini; charset=utf-8', () => {
    expect(parseGeminiResponse(bytes('20\r\n'), 0).header.mimeType).toEqual({
      essence: 'text/gemini',
      params: { charset: 'utf-8' },
    });
  });

  it('categorises 1x to 6x, with names for known codes', () => {
    const cases: [string, string, string][] = [
      ['10 Your name?', 'input', 'INPUT'],
      ['11 Password', 'input', 'SENSITIVE INPUT'],
      ['31 gemini://other/', 'redirect', 'PERMANENT REDIRECT'],
      ['44 30', 'temporary', 'SLOW DOWN'],
      ['51 not found', 'permanent', 'NOT FOUND'],
      ['60 need a cert', 'certificate', 'CLIENT CERTIFICATE REQUIRED'],
      ['61 not yours', 'certificate', 'CERTIFICATE NOT AUTHORISED'],
      ['57 odd', 'permanent', 'PERMANENT'],
    ];
    for (const [line, category, name] of cases) {
      expect(parseGeminiHeaderLine(bytes(line))).toMatchObject({ category, name });
    }
  });

  it.each([
    ['', /ended before/],
    ['20 text/gemini', /ended before/],
    ['70 what\r\n', /malformed/],
    ['2 x\r\n', /malformed/],
    ['20 not-a-mime\r\n', /not a MIME type/],
    ['51 gone\r\nbody', /must not have a body/],
    ['20 text/plain\r\n12345', /over the limit of 4/],
  ])('refuses %j', (raw, message) => {
    expect(() => parseGeminiResponse(bytes(raw), 4)).toThrow(GeminiProtocolError);
    expect(() => parseGeminiResponse(bytes(raw), 4)).toThrow(message);
  });

  it('limits the header to META of 1024 bytes', () => {
    expect(parseGeminiResponse(bytes(`40 ${'x'.repeat(1024)}\r\n`), 0).header.meta.length).toBe(1024);
    expect(() => parseGeminiResponse(bytes(`40 ${'x'.repeat(1025)}\r\n`), 0)).toThrow(GeminiProtocolError);
    expect(() => findGeminiHeaderEnd(new Uint8Array(1029).fill(0x41))).toThrow(/no CRLF/);
    expect(findGeminiHeaderEnd(bytes('20 text/'))).toBeUndefined();
  });

  it('refuses bodies in a wrong charset or an unknown one', () => {
    const bad = parseGeminiResponse(new Uint8Array([...bytes('20 text/plain\r\n'), 0xff]), 10);
    expect(() => decodeGeminiText(bad)).toThrow(/not valid utf-8/);
    const unknown = parseGeminiResponse(bytes('20 text/plain; charset=nope\r\nx'), 10);
    expect(() => decodeGeminiText(unknown)).toThrow(/unknown charset/);
    const latin = parseGeminiResponse(
      new Uint8Array([...bytes('20 text/plain; charset="iso-8859-1"\r\n'), 0xe9]),
      10,
    );
    expect(decodeGeminiText(latin)).toBe('é');
  });

  it('parses MIME parameters', () => {
    expect(parseMimeType('Text/Gemini; Lang=en; charset="utf-8"; junk')).toEqual({
      essence: 'text/gemini',
      params: { lang: 'en', charset: 'utf-8' },
    });
  });
});
