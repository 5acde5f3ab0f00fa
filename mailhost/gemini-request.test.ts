import { describe, expect, it } from 'vitest';
import { GeminiRequestError, parseGeminiUrl } from './gemini-request';

describe('parseGeminiUrl', () => {
  it('splits host, decoded path segments and the raw query', () => {
    expect(parseGeminiUrl('gemini://Mail.Example:1958/tag/Inbox/2024-01-01T00%3A00%3A00Z')).toEqual({
      host: 'mail.example',
      segments: ['tag', 'Inbox', '2024-01-01T00:00:00Z'],
    });
    expect(parseGeminiUrl('gemini://h/tag/Archive?0001-ab')).toEqual({
      host: 'h',
      segments: ['tag', 'Archive'],
      query: '0001-ab',
    });
    expect(parseGeminiUrl('gemini://h')).toEqual({ host: 'h', segments: [] });
    expect(parseGeminiUrl('gemini://h/tag/')).toEqual({ host: 'h', segments: ['tag', ''] });
  });

  it('refuses what is not a gemini URL, userinfo, bad escapes and long URLs', () => {
    for (const bad of [
      'http://h/',
      'gemini://',
      'gemini://u@h/',
      'gemini://h/%zz',
      `gemini://h/${'a'.repeat(1030)}`,
    ]) {
      expect(() => parseGeminiUrl(bad), bad).toThrow(GeminiRequestError);
    }
  });
});
