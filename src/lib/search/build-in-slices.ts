/**
 * Indexing a whole mailbox without freezing the page. Tokenising 10,000 messages takes seconds on a slow
 * machine; done in one go on the main thread it would block the first screen (budget: 150 ms, design.md
 * §6) and every click meanwhile. Adding in time slices lets the inbox render first and search fill in.
 */
import type { SearchDocument } from './document';
import type { SearchIndex } from './search-index';

export interface SliceOptions {
  /** Work per slice before yielding, in ms. Default 8: leaves most of a 60 Hz frame to rendering. */
  sliceMs?: number;
  /** How to give the event loop a turn. Default: a zero-delay timer. */
  yieldToEventLoop?: () => Promise<void>;
  now?: () => number;
  /** Stops between slices (the user signed out, the mailbox changed); the promise then rejects. */
  signal?: AbortSignal;
  onProgress?: (indexed: number, total: number) => void;
}

export async function addInSlices(
  index: SearchIndex,
  documents: Iterable<SearchDocument>,
  options: SliceOptions = {},
): Promise<number> {
  const sliceMs = options.sliceMs ?? 8;
  const now = options.now ?? (() => performance.now());
  const yieldToEventLoop =
    options.yieldToEventLoop ?? (() => new Promise<void>((resolve) => setTimeout(resolve, 0)));
  const list = Array.isArray(documents) ? (documents as SearchDocument[]) : [...documents];
  let done = 0;
  while (done < list.length) {
    options.signal?.throwIfAborted();
    const sliceEnd = now() + sliceMs;
    // At least one document per slice, so a slow clock or a tiny slice still makes progress.
    do index.add(list[done++] as SearchDocument);
    while (done < list.length && now() < sliceEnd);
    options.onProgress?.(done, list.length);
    if (done < list.length) await yieldToEventLoop();
  }
  return done;
}
