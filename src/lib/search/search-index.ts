/**
 * Local full-text search over stored mail (issue 8): subject, body, addresses and names, results as the user
 * types. Everything stays in the page; nothing about a query leaves the device.
 *
 * Documents get increasing internal numbers; removing one only marks it gone, and a compaction renumbers
 * once enough have gone. That keeps add and remove O(terms of the message) while sync streams mail in.
 */
import { checkDocument, SearchIndexError, type SearchDocument } from './document';
import { addressTerms, parseQuery, tokenize } from './tokenize';
import { topCandidates, type Candidate } from './rank';
import { documentOf, Field, FIELD_SPAN, fieldWeight, TermTable } from './term-table';

export { SearchIndexError, type SearchDocument } from './document';

export interface SearchHit {
  id: string;
  score: number;
}

export interface SearchOptions {
  /** At most this many hits, best first. Default 50. */
  limit?: number;
}

// Compact when at least this many removed documents wait, and they are a quarter of the live ones:
// amortised, each removal pays a constant share of the rebuild.
const COMPACT_MIN_DEAD = 1024;
// A word typed in full beats a longer word that merely starts with it ("tom" over "tomorrow").
const WHOLE_WORD_BONUS = 0.5;
// Marks "the prefix is itself a word here" next to the three field bits in the scratch masks.
const WHOLE_WORD_FLAG = FIELD_SPAN;

function prefixScore(mask: number): number {
  return fieldWeight(mask % FIELD_SPAN) + (mask & WHOLE_WORD_FLAG ? WHOLE_WORD_BONUS : 0);
}

export class SearchIndex {
  #terms = new TermTable();
  #ids: (string | undefined)[] = []; // by document number; undefined = removed
  #receivedAt: number[] = [];
  #numberOf = new Map<string, number>();
  #dead = 0;
  // Scratch space for prefix scans, reused across keystrokes; a generation stamp avoids clearing it.
  #stamp = new Uint32Array(0);
  #masks = new Uint8Array(0);
  #generation = 0;

  /** How many documents are indexed. */
  get size(): number {
    return this.#numberOf.size;
  }

  /** Indexes a document; a document with the same id is replaced (sync may deliver a message twice). */
  add(doc: SearchDocument): void {
    checkDocument(doc);
    this.remove(doc.id);
    const fields = new Map<string, number>();
    const mark = (terms: string[], field: number) => {
      for (const term of terms) fields.set(term, (fields.get(term) ?? 0) | field);
    };
    mark(tokenize(doc.subject), Field.subject);
    for (const address of doc.addresses) mark(addressTerms(address), Field.people);
    for (const name of doc.names) mark(tokenize(name), Field.people);
    mark(tokenize(doc.body), Field.body);

    const number = this.#ids.length;
    this.#ids.push(doc.id);
    this.#receivedAt.push(doc.receivedAt);
    this.#numberOf.set(doc.id, number);
    this.#terms.appendDocument(number, fields);
  }

  /** Same as `add`; named for call sites that change a message already indexed. */
  update(doc: SearchDocument): void {
    this.add(doc);
  }

  /** Forgets a document; returns whether it was indexed. */
  remove(id: string): boolean {
    const number = this.#numberOf.get(id);
    if (number === undefined) return false;
    this.#numberOf.delete(id);
    this.#ids[number] = undefined;
    this.#dead++;
    if (this.#dead >= COMPACT_MIN_DEAD && this.#dead * 4 >= this.size) this.compact();
    return true;
  }

  /**
   * Every word must match (AND); the last one, while still being typed, matches as a prefix. Hits are
   * ranked by where the words occur (subject > names/addresses > body), then by recency.
   */
  search(query: string, options: SearchOptions = {}): SearchHit[] {
    const limit = options.limit ?? 50;
    if (!Number.isInteger(limit) || limit < 0)
      throw new SearchIndexError(`limit must be a whole number ≥ 0, got ${limit}`);
    const { exact, prefix } = parseQuery(query);
    if (exact.length === 0 && prefix === undefined) return [];

    let candidates: Candidate[] | undefined;
    const lists: (readonly number[])[] = [];
    for (const term of exact) {
      const list = this.#terms.get(term);
      if (!list) return [];
      lists.push(list);
    }
    // Rarest word first: the candidate set only shrinks, so start it as small as possible.
    lists.sort((a, b) => a.length - b.length);
    for (const list of lists) candidates = candidates ? this.#intersect(candidates, list) : this.#seed(list);
    if (prefix !== undefined) candidates = this.#applyPrefix(prefix, candidates);

    return topCandidates(candidates ?? [], limit).map((c) => ({
      id: this.#ids[c.documentNumber] as string,
      score: c.score,
    }));
  }

  /** Drops removed documents for good and renumbers the rest. Runs by itself; public for tests. */
  compact(): void {
    const renumber = new Int32Array(this.#ids.length).fill(-1);
    const ids: string[] = [];
    const receivedAt: number[] = [];
    this.#ids.forEach((id, old) => {
      if (id === undefined) return;
      renumber[old] = ids.length;
      this.#numberOf.set(id, ids.length);
      ids.push(id);
      receivedAt.push(this.#receivedAt[old] as number);
    });
    this.#terms.compact(renumber);
    this.#ids = ids;
    this.#receivedAt = receivedAt;
    this.#dead = 0;
  }

  /** Distinct terms held; for memory estimates. */
  get termCount(): number {
    return this.#terms.termCount;
  }

  /** Internals for `serialize.ts`; compacted first so no removed document is written out. */
  exportState(): { ids: string[]; receivedAt: number[]; terms: [string, number[]][] } {
    this.compact();
    return { ids: this.#ids as string[], receivedAt: this.#receivedAt, terms: [...this.#terms.entries()] };
  }

  /** Replaces the contents with previously exported state (checked by the caller). */
  importState(ids: string[], receivedAt: number[], terms: [string, number[]][]): void {
    this.#terms = TermTable.restore(terms, ids.length);
    this.#ids = [...ids];
    this.#receivedAt = [...receivedAt];
    this.#numberOf = new Map(ids.map((id, number) => [id, number]));
    this.#dead = 0;
  }

  #seed(list: readonly number[]): Candidate[] {
    const out: Candidate[] = [];
    for (const posting of list) {
      const documentNumber = documentOf(posting);
      if (this.#ids[documentNumber] === undefined) continue;
      const receivedAt = this.#receivedAt[documentNumber] as number;
      out.push({ documentNumber, score: fieldWeight(posting), receivedAt });
    }
    return out;
  }

  // Both sides are ordered by document number (see term-table.ts), so AND is a linear merge.
  #intersect(candidates: Candidate[], list: readonly number[]): Candidate[] {
    const out: Candidate[] = [];
    let j = 0;
    for (const candidate of candidates) {
      while (j < list.length && documentOf(list[j] as number) < candidate.documentNumber) j++;
      if (j === list.length) break;
      const posting = list[j] as number;
      if (documentOf(posting) === candidate.documentNumber) {
        candidate.score += fieldWeight(posting);
        out.push(candidate);
      }
    }
    return out;
  }

  /**
   * Scores each document by the fields where some word starting with `prefix` occurs (plus a bonus when the
   * prefix is itself one of its words), keeping only documents also in `candidates` when given.
   */
  #applyPrefix(prefix: string, candidates: Candidate[] | undefined): Candidate[] {
    const whole = this.#terms.get(prefix);
    const short = this.#terms.getShortPrefix(prefix);
    if (short) return this.#applyUnion(short, whole, candidates);

    // Longer prefixes: OR the masks of all matching terms per document in scratch space.
    this.#prepareScratch();
    const generation = this.#generation;
    const stamp = this.#stamp;
    const masks = this.#masks;
    const reached: number[] = [];
    this.#terms.forEachWithPrefix(prefix, (term, list) => {
      const extra = term === prefix ? WHOLE_WORD_FLAG : 0;
      for (const posting of list) {
        const documentNumber = documentOf(posting);
        const mask = (posting % FIELD_SPAN) | extra;
        if (stamp[documentNumber] !== generation) {
          stamp[documentNumber] = generation;
          masks[documentNumber] = mask;
          reached.push(documentNumber);
        } else masks[documentNumber] = (masks[documentNumber] as number) | mask;
      }
    });
    const scoreOf = (documentNumber: number) => prefixScore(masks[documentNumber] as number);
    if (candidates) {
      return candidates.filter((candidate) => {
        if (stamp[candidate.documentNumber] !== generation) return false;
        candidate.score += scoreOf(candidate.documentNumber);
        return true;
      });
    }
    const out: Candidate[] = [];
    for (const documentNumber of reached) {
      if (this.#ids[documentNumber] === undefined) continue;
      const receivedAt = this.#receivedAt[documentNumber] as number;
      out.push({ documentNumber, score: scoreOf(documentNumber), receivedAt });
    }
    return out;
  }

  // Short prefixes: one precomputed union list, walked in step with the candidates (both by document).
  #applyUnion(
    union: readonly number[],
    whole: readonly number[] | undefined,
    candidates: Candidate[] | undefined,
  ): Candidate[] {
    const out: Candidate[] = [];
    let w = 0;
    const bonusFor = (documentNumber: number) => {
      if (!whole) return 0;
      while (w < whole.length && documentOf(whole[w] as number) < documentNumber) w++;
      return w < whole.length && documentOf(whole[w] as number) === documentNumber ? WHOLE_WORD_BONUS : 0;
    };
    if (candidates) {
      let u = 0;
      for (const candidate of candidates) {
        while (u < union.length && documentOf(union[u] as number) < candidate.documentNumber) u++;
        if (u === union.length) break;
        const posting = union[u] as number;
        if (documentOf(posting) !== candidate.documentNumber) continue;
        candidate.score += fieldWeight(posting) + bonusFor(candidate.documentNumber);
        out.push(candidate);
      }
      return out;
    }
    for (const posting of union) {
      const documentNumber = documentOf(posting);
      if (this.#ids[documentNumber] === undefined) continue;
      const receivedAt = this.#receivedAt[documentNumber] as number;
      out.push({ documentNumber, score: fieldWeight(posting) + bonusFor(documentNumber), receivedAt });
    }
    return out;
  }

  #prepareScratch(): void {
    const needed = this.#ids.length;
    if (this.#stamp.length < needed) {
      const capacity = Math.max(needed, this.#stamp.length * 2, 1024);
      this.#stamp = new Uint32Array(capacity);
      this.#masks = new Uint8Array(capacity);
      this.#generation = 0;
    }
    this.#generation++;
    if (this.#generation === 0xffffffff) {
      this.#stamp.fill(0);
      this.#generation = 1;
    }
  }
}
