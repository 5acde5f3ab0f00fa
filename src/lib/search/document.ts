/**
 * What the search index takes in, and the check at its boundary: documents are built from stored mail
 * (src/lib/store MessageRecord + parsed gemmail) by app code, so a malformed one is a programming error that
 * should fail loudly with the message id, not index garbage.
 */

export interface SearchDocument {
  id: string;
  subject: string;
  body: string;
  /** Sender and recipient addresses. */
  addresses: string[];
  /** Display names (blurbs) of the people in the message. */
  names: string[];
  /** Milliseconds since the epoch; newer mail ranks first among equal scores. */
  receivedAt: number;
}

/** Bad input to the index: a malformed document or a damaged serialised index. */
export class SearchIndexError extends Error {
  override readonly name = 'SearchIndexError';
}

/** Throws SearchIndexError unless `doc` has the documented shape. */
export function checkDocument(doc: SearchDocument): void {
  const strings = (value: unknown) => Array.isArray(value) && value.every((v) => typeof v === 'string');
  if (typeof doc !== 'object' || doc === null) throw new SearchIndexError('document must be an object');
  if (typeof doc.id !== 'string' || doc.id.length === 0) {
    throw new SearchIndexError('document id must be a non-empty string');
  }
  if (typeof doc.subject !== 'string' || typeof doc.body !== 'string') {
    throw new SearchIndexError(`document ${doc.id}: subject and body must be strings`);
  }
  if (!strings(doc.addresses) || !strings(doc.names)) {
    throw new SearchIndexError(`document ${doc.id}: addresses and names must be arrays of strings`);
  }
  if (!Number.isFinite(doc.receivedAt)) {
    throw new SearchIndexError(`document ${doc.id}: receivedAt must be a finite number`);
  }
}
