import { parseGemmailC } from '../misfin/gemmail';
import { addInSlices } from '../search/build-in-slices';
import type { SearchDocument } from '../search/document';
import { searchDocumentFromGemmail } from '../search/from-gemmail';
import { SearchIndex } from '../search/search-index';
import type { MessageRecord } from '../store';

/** Messages parsed per step while the index is built; small enough to stay well inside a frame. */
const PARSE_CHUNK = 100;
const pause = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/** A message that cannot be parsed is still found by what the record itself knows. */
export function searchDocumentOf(message: MessageRecord): SearchDocument {
  try {
    return searchDocumentFromGemmail(message.id, parseGemmailC(message.raw), message.receivedAt);
  } catch {
    return {
      id: message.id,
      subject: message.subject,
      body: message.raw,
      addresses: message.fromAddress ? [message.fromAddress] : [],
      names: message.fromName ? [message.fromName] : [],
      receivedAt: message.receivedAt,
    };
  }
}

/**
 * The local full-text index over one mailbox's stored mail (issue 8). It lives in memory only and is rebuilt
 * from the stored messages on load, in time slices so the first screen is not held up; it is never written
 * anywhere, so shared-computer mode keeps nothing and a device keeps nothing it did not already have.
 */
export class MailSearch {
  query = $state('');
  /** Bumped whenever the index changes, so derived results recompute. */
  version = $state(0);
  indexing = $state(false);
  #index = new SearchIndex();
  #abort: AbortController | undefined;

  /** Replaces the index with `messages`, indexed in slices. */
  async rebuild(messages: readonly MessageRecord[]): Promise<void> {
    this.#abort?.abort();
    const abort = new AbortController();
    this.#abort = abort;
    this.#index = new SearchIndex();
    this.version++;
    this.indexing = true;
    try {
      // Parsing is the expensive half, so it is sliced too: a chunk at a time, after the first screen is drawn.
      await pause();
      for (let at = 0; at < messages.length; at += PARSE_CHUNK) {
        abort.signal.throwIfAborted();
        const documents = messages.slice(at, at + PARSE_CHUNK).map(searchDocumentOf);
        await addInSlices(this.#index, documents, { signal: abort.signal });
        this.version++;
        await pause();
      }
    } catch (error) {
      if (!abort.signal.aborted) throw error;
    } finally {
      if (this.#abort === abort) this.indexing = false;
    }
  }

  update(added: readonly MessageRecord[], removed: readonly string[]): void {
    for (const id of removed) this.#index.remove(id);
    for (const message of added) this.#index.add(searchDocumentOf(message));
    if (added.length > 0 || removed.length > 0) this.version++;
  }

  clear(): void {
    this.#abort?.abort();
    this.#index = new SearchIndex();
    this.query = '';
    this.version++;
  }

  /** Ids of the best matches, best first; empty for an empty query. */
  hits(limit = 200): string[] {
    void this.version;
    if (this.query.trim() === '') return [];
    return this.#index.search(this.query, { limit }).map((hit) => hit.id);
  }
}
