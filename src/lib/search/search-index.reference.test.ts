// Cross-check: the index (postings, short-prefix unions, compaction, serialisation) must rank exactly like a
// brute-force scorer that re-reads every document for every query.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { SearchIndex, type SearchDocument } from './search-index';
import { deserializeIndex, serializeIndex } from './serialize';
import { addressTerms, parseQuery, tokenize } from './tokenize';

const WEIGHT = { subject: 4, people: 2, body: 1 };

function fieldsOf(doc: SearchDocument): Map<string, Set<keyof typeof WEIGHT>> {
  const fields = new Map<string, Set<keyof typeof WEIGHT>>();
  const mark = (terms: string[], field: keyof typeof WEIGHT) => {
    for (const term of terms) fields.set(term, (fields.get(term) ?? new Set()).add(field));
  };
  mark(tokenize(doc.subject), 'subject');
  doc.addresses.forEach((address) => mark(addressTerms(address), 'people'));
  doc.names.forEach((name) => mark(tokenize(name), 'people'));
  mark(tokenize(doc.body), 'body');
  return fields;
}

const weigh = (set: Set<keyof typeof WEIGHT>) => [...set].reduce((sum, field) => sum + WEIGHT[field], 0);

/** Documents in insertion order (later = larger sequence number), re-added documents moved to the end. */
function bruteForce(docs: SearchDocument[], query: string, limit: number): { id: string; score: number }[] {
  const { exact, prefix } = parseQuery(query);
  if (exact.length === 0 && prefix === undefined) return [];
  const hits: { id: string; score: number; at: number; seq: number }[] = [];
  docs.forEach((doc, seq) => {
    const fields = fieldsOf(doc);
    let score = 0;
    for (const term of exact) {
      const set = fields.get(term);
      if (!set) return;
      score += weigh(set);
    }
    if (prefix !== undefined) {
      const union = new Set<keyof typeof WEIGHT>();
      for (const [term, set] of fields) if (term.startsWith(prefix)) set.forEach((field) => union.add(field));
      if (union.size === 0) return;
      score += weigh(union) + (fields.has(prefix) ? 0.5 : 0);
    }
    hits.push({ id: doc.id, score, at: doc.receivedAt, seq });
  });
  hits.sort((a, b) => b.score - a.score || b.at - a.at || b.seq - a.seq);
  return hits.slice(0, limit).map(({ id, score }) => ({ id, score }));
}

const letters = fc.constantFrom(...'abeéo'.split(''));
const word = fc.string({ unit: letters, minLength: 1, maxLength: 4 });
const text = fc.array(word, { maxLength: 8 }).map((words) => words.join(' '));
const documentArb = fc.record({
  id: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'),
  subject: text,
  body: text,
  addresses: fc.array(
    fc.tuple(word, word).map(([box, host]) => `${box}@${host}.org`),
    { maxLength: 2 },
  ),
  names: fc.array(word, { maxLength: 2 }),
  receivedAt: fc.integer({ min: 0, max: 5 }),
});
const operation = fc.oneof(
  documentArb.map((doc) => ({ kind: 'add' as const, doc })),
  fc.constantFrom('a', 'b', 'c', 'd').map((id) => ({ kind: 'remove' as const, id })),
);
const query = fc
  .tuple(fc.array(word, { maxLength: 2 }), fc.boolean())
  .map(([words, typing]) => words.join(' ') + (typing ? '' : ' '));

describe('SearchIndex against a brute-force reference', () => {
  it('returns the same hits and scores after any sequence of adds and removes', () => {
    let queriesWithHits = 0;
    fc.assert(
      fc.property(
        fc.array(operation, { maxLength: 30 }),
        fc.array(query, { minLength: 1, maxLength: 6 }),
        (ops, queries) => {
          const index = new SearchIndex();
          let docs: SearchDocument[] = [];
          for (const op of ops) {
            if (op.kind === 'add') {
              index.add(op.doc);
              docs = [...docs.filter((d) => d.id !== op.doc.id), op.doc];
            } else {
              index.remove(op.id);
              docs = docs.filter((d) => d.id !== op.id);
            }
          }
          const copies = [index, deserializeIndex(JSON.parse(JSON.stringify(serializeIndex(index))))];
          for (const q of queries) {
            const expected = bruteForce(docs, q, 5);
            if (expected.length > 0) queriesWithHits++;
            for (const copy of copies) expect(copy.search(q, { limit: 5 })).toEqual(expected);
          }
        },
      ),
      { numRuns: 300 },
    );
    // The comparison means something only if many queries actually hit.
    expect(queriesWithHits).toBeGreaterThan(100);
  });
});
