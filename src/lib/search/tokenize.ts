/**
 * Turning text into search terms. The same function runs over stored mail and over what the user types,
 * so both sides fold case and accents identically and "resume" finds "Résumé".
 */

/**
 * Terms longer than this are cut. Gemmail bodies can carry long runs without separators (base64, hashes,
 * URLs squashed together); cutting keeps the term table small, and because queries are cut the same way an
 * exact query for such a run still matches.
 */
export const MAX_TERM_LENGTH = 48;

// The combining-diacritics blocks (U+0300-036F and its supplements): what decomposition splits off "é",
// "ö", "ñ". Only these go; vowel signs of Indic and other scripts are also marks (\p{M}) but are part of
// the word, so removing them would merge unrelated words. An explicit range is also ~5x faster than \p{M}.
// eslint-disable-next-line no-misleading-character-class -- lone combining marks are exactly what we match
const DIACRITICS = /[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+/g;
// A term is a run of letters, digits and the remaining marks, in every script. `match` is several times
// faster in V8 than `split` on the negated class, which matters when 10,000 messages are indexed at sign-in.
const TERM_RUNS = /[\p{L}\p{N}\p{M}]+/gu;
// Most mail is ASCII; it has nothing to decompose, so the costly normalisation is skipped for it.
const NON_ASCII = /[^\p{ASCII}]/u;

/**
 * Folds text for comparison: NFKD rather than plain NFD so compatibility forms (ligatures such as "ﬁ",
 * full-width Latin, superscripts) meet their plain spelling too; then accents go and case is lowered.
 * `toLowerCase` (not the locale variant) keeps results the same on every user's machine.
 */
export function foldText(text: string): string {
  if (!NON_ASCII.test(text)) return text.toLowerCase();
  return text.normalize('NFKD').replace(DIACRITICS, '').toLowerCase();
}

/** Splits text into folded terms, in order, duplicates kept (callers decide what repeats mean). */
export function tokenize(text: string): string[] {
  const terms: string[] = [];
  for (const piece of foldText(text).match(TERM_RUNS) ?? []) {
    terms.push(piece.length > MAX_TERM_LENGTH ? piece.slice(0, MAX_TERM_LENGTH) : piece);
  }
  return terms;
}

/**
 * Terms for a Misfin address (`mailbox@host[:port]`). Splitting already yields "alice", "example", "org";
 * the whole host ("example.org") and the whole address are added as single terms too, so a future query
 * syntax that keeps dots (or an exact lookup by address) does not need a re-index.
 */
export function addressTerms(address: string): string[] {
  const terms = tokenize(address);
  const folded = foldText(address.trim());
  const at = folded.lastIndexOf('@');
  if (at > 0 && at < folded.length - 1) {
    const host = folded.slice(at + 1).replace(/:\d+$/, '');
    if (host.length <= MAX_TERM_LENGTH) terms.push(host);
    if (folded.length <= MAX_TERM_LENGTH) terms.push(folded);
  }
  return terms;
}

/** A query as the search box holds it mid-typing. */
export interface ParsedQuery {
  /** Terms that must match a stored term exactly. */
  exact: string[];
  /** The term still being typed, matched as a prefix; absent once the user types a separator. */
  prefix?: string;
}

/**
 * Reads a search-box query. The last term counts as unfinished unless the text ends in a separator:
 * typing "meeting tom" should already find "tomorrow", while "meeting tom " means the word "tom".
 */
export function parseQuery(query: string): ParsedQuery {
  const terms = tokenize(query);
  if (terms.length === 0) return { exact: [] };
  const folded = foldText(query);
  const endsInWord = /[\p{L}\p{N}\p{M}]$/u.test(folded);
  const unique = (list: string[]) => [...new Set(list)];
  if (!endsInWord) return { exact: unique(terms) };
  const prefix = terms[terms.length - 1] as string;
  const exact = unique(terms.slice(0, -1));
  // "tom tom": any document with the word "tom" already satisfies the prefix "tom".
  return exact.includes(prefix) ? { exact } : { exact, prefix };
}
