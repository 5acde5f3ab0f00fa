import { describe, expect, it } from 'vitest';
import { encodeGeminiRequest, geminiUrl, parseGeminiAnswer } from './gemini-exchange';

const bytes = (s: string) => new TextEncoder().encode(s);

describe('parseGeminiAnswer', () => {
  it('splits the status line from the body', () => {
    const answer = parseGeminiAnswer(bytes('20 text/plain\r\n1,2,3'));
    expect(answer.status).toBe(20);
    expect(answer.meta).toBe('text/plain');
    expect(new TextDecoder().decode(answer.body)).toBe('1,2,3');
  });

  it('tolerates an empty meta', () => {
    expect(parseGeminiAnswer(bytes('51\r\n')).meta).toBe('');
  });

  it('refuses a missing or malformed line', () => {
    expect(() => parseGeminiAnswer(bytes('20 text/plain'))).toThrow(/no complete/);
    expect(() => parseGeminiAnswer(bytes('hello\r\n'))).toThrow(/malformed/);
  });
});

describe('geminiUrl', () => {
  it('writes the port unless it is 1965', () => {
    expect(geminiUrl('example.org', 1958, '/tag/Inbox')).toBe('gemini://example.org:1958/tag/Inbox');
    expect(geminiUrl('example.org', 1965, '/')).toBe('gemini://example.org/');
    expect(geminiUrl('::1', 4000, '/x')).toBe('gemini://[::1]:4000/x');
  });

  it('refuses requests over 1024 bytes', () => {
    expect(() => encodeGeminiRequest('gemini://h/' + 'a'.repeat(1100))).toThrow(/1024/);
  });
});
