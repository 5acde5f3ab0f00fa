import { describe, expect, it } from 'vitest';
import { addInSlices } from './build-in-slices';
import { SearchIndex } from './search-index';

describe('addInSlices', () => {
  const docs = Array.from({ length: 10 }, (_, i) => ({
    id: `m${i}`,
    subject: `item ${i}`,
    body: '',
    addresses: [],
    names: [],
    receivedAt: i,
  }));

  it('indexes everything, yielding between slices', async () => {
    let time = 0;
    let yields = 0;
    const progress: number[] = [];
    const index = new SearchIndex();
    const count = await addInSlices(index, docs, {
      sliceMs: 3,
      now: () => time++, // every clock read costs 1 ms: 3 documents per slice
      yieldToEventLoop: async () => void yields++,
      onProgress: (indexed) => progress.push(indexed),
    });
    expect(count).toBe(10);
    expect(index.size).toBe(10);
    expect(progress).toEqual([3, 6, 9, 10]);
    expect(yields).toBe(3);
  });

  it('stops when aborted', async () => {
    const controller = new AbortController();
    const index = new SearchIndex();
    const run = addInSlices(index, docs, {
      sliceMs: 0,
      signal: controller.signal,
      yieldToEventLoop: async () => controller.abort(),
    });
    await expect(run).rejects.toThrow();
    expect(index.size).toBe(1);
  });
});
