import { describe, expect, it } from 'vitest';
import { addressTerms, foldText, MAX_TERM_LENGTH, parseQuery, tokenize } from './tokenize';

describe('tokenize', () => {
  it('lowercases and splits on anything that is not a letter or digit', () => {
    expect(tokenize('Hello, World! Meeting at 10:30 -- ok?')).toEqual([
      'hello',
      'world',
      'meeting',
      'at',
      '10',
      '30',
      'ok',
    ]);
  });

  it('strips diacritics and folds compatibility forms', () => {
    expect(tokenize('Résumé für Ångström')).toEqual(['resume', 'fur', 'angstrom']);
    expect(tokenize('ﬁle Ｆｕｌｌ')).toEqual(['file', 'full']);
    // Precomposed and decomposed spellings meet.
    expect(tokenize('caf\u00e9')).toEqual(tokenize('cafe\u0301'));
  });

  it('keeps letters of other scripts', () => {
    expect(tokenize('Привет, МИР; Ελληνικά')).toEqual(['привет', 'мир', 'ελληνικα']);
  });

  it('cuts very long runs', () => {
    const [term] = tokenize('x'.repeat(500));
    expect(term).toHaveLength(MAX_TERM_LENGTH);
  });

  it('returns nothing for separators only', () => {
    expect(tokenize(' -- ,, ')).toEqual([]);
    expect(foldText('ÉCOLE')).toBe('ecole');
  });
});

describe('addressTerms', () => {
  it('indexes the parts, the host and the whole address', () => {
    expect(addressTerms('Alice@Example.org')).toEqual([
      'alice',
      'example',
      'org',
      'example.org',
      'alice@example.org',
    ]);
  });

  it('drops the port from the host term', () => {
    expect(addressTerms('bob@mail.example.net:1958')).toContain('mail.example.net');
  });
});

describe('parseQuery', () => {
  it('treats the last word as a prefix while it is being typed', () => {
    expect(parseQuery('Meeting tom')).toEqual({ exact: ['meeting'], prefix: 'tom' });
  });

  it('treats every word as exact after a trailing separator', () => {
    expect(parseQuery('meeting tom ')).toEqual({ exact: ['meeting', 'tom'] });
  });

  it('deduplicates and drops a prefix already required exactly', () => {
    expect(parseQuery('tom tom')).toEqual({ exact: ['tom'] });
    expect(parseQuery('a a b ')).toEqual({ exact: ['a', 'b'] });
  });

  it('is empty for an empty query', () => {
    expect(parseQuery('   ')).toEqual({ exact: [] });
  });
});

describe('marks that are not accents', () => {
  it('keeps Indic vowel signs inside the word', () => {
    // "हिंदी" (Hindi): the vowel signs are combining marks but belong to the word.
    expect(tokenize('हिंदी भाषा')).toEqual(['हिंदी', 'भाषा']);
  });
});
