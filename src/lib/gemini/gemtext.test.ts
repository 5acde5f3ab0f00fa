import { describe, expect, it } from 'vitest';
import { gemtextToPlain, parseGemtext } from './gemtext';

describe('parseGemtext', () => {
  it('reads every line type', () => {
    const doc = [
      '# Title',
      '## Sub',
      '### Third',
      '#### deeper',
      'plain text',
      '',
      '=> gemini://example.org/ Example site',
      '=>gemini://x.org',
      '=>   ',
      '* one',
      '* two',
      'between',
      '* three',
      '> quoted',
      '>',
      '```ascii art',
      '# not a heading',
      '  => not a link',
      '```',
      '*not a list',
    ].join('\n');
    expect(parseGemtext(doc + '\n')).toEqual([
      { type: 'heading', level: 1, text: 'Title' },
      { type: 'heading', level: 2, text: 'Sub' },
      { type: 'heading', level: 3, text: 'Third' },
      { type: 'heading', level: 3, text: '# deeper' },
      { type: 'text', text: 'plain text' },
      { type: 'text', text: '' },
      { type: 'link', url: 'gemini://example.org/', label: 'Example site' },
      { type: 'link', url: 'gemini://x.org' },
      { type: 'text', text: '=>   ' },
      { type: 'list', items: ['one', 'two'] },
      { type: 'text', text: 'between' },
      { type: 'list', items: ['three'] },
      { type: 'quote', text: 'quoted' },
      { type: 'quote', text: '' },
      { type: 'preformatted', alt: 'ascii art', lines: ['# not a heading', '  => not a link'] },
      { type: 'text', text: '*not a list' },
    ]);
  });

  it('handles CRLF, an unclosed preformatted block and the empty document', () => {
    expect(parseGemtext('a\r\n```\r\nx\r\n')).toEqual([
      { type: 'text', text: 'a' },
      { type: 'preformatted', lines: ['x'] },
    ]);
    expect(parseGemtext('')).toEqual([{ type: 'text', text: '' }]);
  });

  it('gives plain text for previews and search', () => {
    expect(gemtextToPlain('# Hi\n=> gemini://a b c\n* x\n```\ncode\n```')).toBe('Hi\nb c\nx\ncode');
  });
});
