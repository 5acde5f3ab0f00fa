/**
 * Saving the search index next to the mail (IndexedDB in "my device" mode) so a reload does not re-read
 * 10,000 messages. The format is plain JSON-compatible data: IndexedDB stores it by structured clone and
 * nothing here depends on the storage layer. Never used in "shared computer" mode, which keeps nothing.
 */
import { SearchIndex, SearchIndexError } from './search-index';
import { FIELD_SPAN } from './term-table';

export interface SerializedSearchIndex {
  /** Bumped whenever tokenising or the posting layout changes; a mismatch means "re-index". */
  version: typeof SERIALIZED_VERSION;
  ids: string[];
  receivedAt: number[];
  terms: [string, number[]][];
}

export const SERIALIZED_VERSION = 1;

export function serializeIndex(index: SearchIndex): SerializedSearchIndex {
  const { ids, receivedAt, terms } = index.exportState();
  return {
    version: SERIALIZED_VERSION,
    ids: [...ids],
    receivedAt: [...receivedAt],
    terms: terms.map(([term, postings]) => [term, [...postings]]),
  };
}

/**
 * Rebuilds an index from `serializeIndex` output. Stored data can be stale or damaged, so every part is
 * checked; a SearchIndexError tells the caller to rebuild from the messages instead.
 */
export function deserializeIndex(data: unknown): SearchIndex {
  if (typeof data !== 'object' || data === null)
    throw new SearchIndexError('serialised index: not an object');
  const { version, ids, receivedAt, terms } = data as Partial<SerializedSearchIndex>;
  if (version !== SERIALIZED_VERSION) {
    throw new SearchIndexError(
      `serialised index: version ${String(version)}, expected ${SERIALIZED_VERSION}`,
    );
  }
  if (!Array.isArray(ids) || !ids.every((id) => typeof id === 'string' && id.length > 0)) {
    throw new SearchIndexError('serialised index: ids must be non-empty strings');
  }
  if (new Set(ids).size !== ids.length) throw new SearchIndexError('serialised index: duplicate ids');
  if (!Array.isArray(receivedAt) || receivedAt.length !== ids.length || !receivedAt.every(Number.isFinite)) {
    throw new SearchIndexError('serialised index: receivedAt must hold one finite number per id');
  }
  if (!Array.isArray(terms)) throw new SearchIndexError('serialised index: terms must be an array');
  const limit = ids.length * FIELD_SPAN;
  for (const entry of terms) {
    if (!Array.isArray(entry) || typeof entry[0] !== 'string' || !Array.isArray(entry[1])) {
      throw new SearchIndexError('serialised index: each term entry must be [term, postings]');
    }
    let previousDocument = -1;
    for (const posting of entry[1] as unknown[]) {
      // Postings must name each document once, in increasing order, for the AND merge (term-table.ts),
      // and carry at least one field bit.
      const valid =
        Number.isInteger(posting) &&
        (posting as number) >= 0 &&
        (posting as number) < limit &&
        (posting as number) % FIELD_SPAN !== 0 &&
        Math.floor((posting as number) / FIELD_SPAN) > previousDocument;
      if (!valid) throw new SearchIndexError(`serialised index: bad postings for term "${entry[0]}"`);
      previousDocument = Math.floor((posting as number) / FIELD_SPAN);
    }
  }
  const index = new SearchIndex();
  index.importState(ids, receivedAt, terms);
  return index;
}
