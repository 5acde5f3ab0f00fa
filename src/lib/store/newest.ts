import type { MessageRecord } from './schema';

/** `IDBIndex.getAll` with an options dictionary (IndexedDB 3.0 §4.6); TypeScript's DOM types predate it. */
interface GetAllWithOptions {
  getAll(options: {
    query: IDBKeyRange;
    count: number;
    direction: IDBCursorDirection;
  }): IDBRequest<MessageRecord[]>;
}

/**
 * Browsers that know `getAllRecords` (IndexedDB 3.0) also take the options dictionary on `getAll`, with a
 * direction; older ones would read the dictionary as a key and throw, so they walk a cursor instead.
 */
const getAllTakesDirection = typeof IDBIndex !== 'undefined' && 'getAllRecords' in IDBIndex.prototype;

function requestResult<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('IndexedDB request failed'));
  });
}

/**
 * The `count` most recent messages of `owner`, newest first, from the `ownerTime` index of an open
 * transaction. One batched request where the browser allows it: a cursor costs a round trip to the
 * storage backend per row, which is most of the time a 10,000-message inbox needs for its first screen.
 */
export async function newestFromIndex(
  index: IDBIndex,
  owner: string,
  count: number,
): Promise<MessageRecord[]> {
  // getAll reads a count of 0 as "no limit".
  if (count <= 0) return [];
  const query = IDBKeyRange.bound([owner, -Infinity], [owner, Infinity]);
  if (getAllTakesDirection) {
    const request = (index as unknown as GetAllWithOptions).getAll({ query, count, direction: 'prev' });
    return requestResult(request);
  }
  const found: MessageRecord[] = [];
  return new Promise((resolve, reject) => {
    const request = index.openCursor(query, 'prev');
    request.onerror = () => reject(request.error ?? new Error('IndexedDB cursor failed'));
    request.onsuccess = () => {
      const cursor = request.result;
      if (cursor) found.push(cursor.value as MessageRecord);
      if (cursor && found.length < count) cursor.continue();
      else resolve(found);
    };
  });
}
