import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { SearchIndex, SearchIndexError, type SearchDocument } from './search-index';
import { deserializeIndex, serializeIndex } from './serialize';

function doc(id: string, fields: Partial<SearchDocument> = {}): SearchDocument {
  return { id, subject: '', body: '', addresses: [], names: [], receivedAt: 0, ...fields };
}

function ids(index: SearchIndex, query: string, limit?: number): string[] {
  return index.search(query, { limit }).map((hit) => hit.id);
}

function sample(): SearchIndex {
  const index = new SearchIndex();
  index.add(
    doc('m1', {
      subject: 'Lunch tomorrow',
      body: 'Shall we meet at the café?',
      addresses: ['alice@example.org'],
      names: ['Alice Martin'],
      receivedAt: 1000,
    }),
  );
  index.add(
    doc('m2', {
      subject: 'Quarterly report',
      body: 'The résumé you asked for is attached as a link.',
      addresses: ['bob@mail.example.net'],
      names: ['Bob'],
      receivedAt: 2000,
    }),
  );
  index.add(
    doc('m3', {
      subject: 'Re: Lunch tomorrow',
      body: 'Tom will join us.',
      addresses: ['alice@example.org', 'tom@gemini.example'],
      names: ['Tom Tomlinson'],
      receivedAt: 3000,
    }),
  );
  return index;
}

describe('SearchIndex', () => {
  it('finds by subject, body, address parts and names, with AND across words', () => {
    const index = sample();
    expect(index.size).toBe(3);
    expect(ids(index, 'quarterly ')).toEqual(['m2']);
    expect(ids(index, 'attached ')).toEqual(['m2']);
    expect(ids(index, 'example.net ')).toEqual(['m2']);
    expect(ids(index, 'alice@example.org')).toEqual(['m3', 'm1']);
    expect(ids(index, 'martin ')).toEqual(['m1']);
    expect(ids(index, 'lunch join ')).toEqual(['m3']);
    expect(ids(index, 'lunch report ')).toEqual([]);
    expect(ids(index, 'nowhere')).toEqual([]);
    expect(ids(index, '')).toEqual([]);
  });

  it('ignores case and diacritics on both sides', () => {
    const index = sample();
    expect(ids(index, 'CAFE ')).toEqual(['m1']);
    expect(ids(index, 'resume ')).toEqual(['m2']);
    expect(ids(index, 'RÉSUMÉ')).toEqual(['m2']);
  });

  it('matches the word being typed as a prefix, and only the last word', () => {
    const index = sample();
    expect(ids(index, 'quart')).toEqual(['m2']);
    expect(ids(index, 'quart ')).toEqual([]);
    expect(ids(index, 'lunch tom')).toEqual(['m3', 'm1']); // "tomorrow" in both subjects
    expect(ids(index, 'tom lunch')).toEqual(['m3']); // "tom" is complete: m1 has only "tomorrow"
  });

  it('ranks subject over names and addresses over body, then newer first', () => {
    const index = new SearchIndex();
    index.add(doc('body-new', { body: 'invoice', receivedAt: 50 }));
    index.add(doc('body-old', { body: 'invoice', receivedAt: 10 }));
    index.add(doc('subject', { subject: 'Invoice', receivedAt: 1 }));
    index.add(doc('name', { names: ['Invoice Bot'], receivedAt: 2 }));
    expect(ids(index, 'invoice ')).toEqual(['subject', 'name', 'body-new', 'body-old']);
    const [top] = index.search('invoice ');
    expect(top?.score).toBe(4);
  });

  it('prefers a whole word to a longer word while typing', () => {
    const index = new SearchIndex();
    index.add(doc('longer', { body: 'tomorrow', receivedAt: 2 }));
    index.add(doc('whole', { body: 'tom', receivedAt: 1 }));
    expect(ids(index, 'tom')).toEqual(['whole', 'longer']);
  });

  it('respects the limit', () => {
    const index = new SearchIndex();
    for (let i = 0; i < 500; i++) index.add(doc(`m${i}`, { body: `note ${i}`, receivedAt: i }));
    expect(ids(index, 'note', 3)).toEqual(['m499', 'm498', 'm497']);
    expect(index.search('no')).toHaveLength(50);
    expect(index.search('note', { limit: 0 })).toEqual([]);
    expect(() => index.search('note', { limit: Number.NaN })).toThrow(SearchIndexError);
  });

  it('removes and replaces documents', () => {
    const index = sample();
    expect(index.remove('m2')).toBe(true);
    expect(index.remove('m2')).toBe(false);
    expect(index.size).toBe(2);
    expect(ids(index, 'quarterly')).toEqual([]);
    index.update(doc('m1', { subject: 'Dinner instead', receivedAt: 1000 }));
    expect(index.size).toBe(2);
    expect(ids(index, 'lunch ')).toEqual(['m3']);
    expect(ids(index, 'dinner')).toEqual(['m1']);
  });

  it('stays correct across automatic compaction', () => {
    const index = new SearchIndex();
    for (let i = 0; i < 3000; i++)
      index.add(doc(`m${i}`, { body: i % 2 ? 'odd' : 'even', subject: `n${i}`, receivedAt: i }));
    for (let i = 0; i < 3000; i += 2) index.remove(`m${i}`);
    expect(index.size).toBe(1500);
    expect(ids(index, 'even')).toEqual([]);
    expect(ids(index, 'odd ', 2)).toEqual(['m2999', 'm2997']);
    expect(ids(index, 'n2998 ')).toEqual([]);
    index.add(doc('late', { body: 'even', receivedAt: 9999 }));
    expect(ids(index, 'even')).toEqual(['late']);
  });

  it('rejects malformed documents with a typed error', () => {
    const index = new SearchIndex();
    expect(() => index.add(doc(''))).toThrow(SearchIndexError);
    expect(() => index.add({ ...doc('x'), addresses: [1] } as unknown as SearchDocument)).toThrow(
      SearchIndexError,
    );
    expect(() => index.add(doc('x', { receivedAt: Number.NaN }))).toThrow(/receivedAt/);
  });

  it('round-trips through serialisation and rejects damaged data', () => {
    const index = sample();
    index.remove('m1');
    const copy = deserializeIndex(JSON.parse(JSON.stringify(serializeIndex(index))));
    expect(copy.size).toBe(2);
    for (const query of ['lunch', 'resume ', 'tom', 'example'])
      expect(ids(copy, query)).toEqual(ids(index, query));
    copy.add(doc('m4', { body: 'lunch' }));
    expect(ids(copy, 'lunch ')).toEqual(['m3', 'm4']);
    const good = serializeIndex(index);
    expect(() => deserializeIndex({ ...good, version: 2 })).toThrow(SearchIndexError);
    expect(() => deserializeIndex({ ...good, terms: [['x', [8, 8]]] })).toThrow(/bad postings/);
    expect(() => deserializeIndex({ ...good, receivedAt: [] })).toThrow(SearchIndexError);
    expect(() => deserializeIndex(null)).toThrow(SearchIndexError);
  });

  it('finds every indexed document by any word of its body (property)', () => {
    const word = fc.string({
      minLength: 1,
      maxLength: 12,
      unit: fc.constantFrom(...'abcdeéfghiøjklmnopqrstuvwxyzÄ0123'.split('')),
    });
    const docs = fc.uniqueArray(
      fc.record({
        id: fc.uuid(),
        words: fc.array(word, { minLength: 1, maxLength: 20 }),
        receivedAt: fc.integer({ min: 0, max: 1e12 }),
      }),
      { minLength: 1, maxLength: 40, selector: (d) => d.id },
    );
    fc.assert(
      fc.property(docs, fc.nat(), (list, pick) => {
        const index = new SearchIndex();
        for (const d of list) index.add(doc(d.id, { body: d.words.join(' '), receivedAt: d.receivedAt }));
        for (const d of list) {
          const chosen = d.words[pick % d.words.length] as string;
          const exact = ids(index, `${chosen} `, list.length);
          const typed = ids(index, chosen.slice(0, Math.max(1, chosen.length - 1)), list.length);
          if (!exact.includes(d.id) || !typed.includes(d.id)) return false;
        }
        return true;
      }),
      { numRuns: 100 },
    );
  });
});
