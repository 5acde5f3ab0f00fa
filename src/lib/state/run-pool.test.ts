import { describe, expect, it } from 'vitest';
import { runPool } from './run-pool';

describe('runPool', () => {
  it('keeps results in input order and never exceeds the limit', async () => {
    let active = 0;
    let peak = 0;
    const out = await runPool([5, 1, 3, 2, 4], 2, async (n) => {
      active++;
      peak = Math.max(peak, active);
      await new Promise((r) => setTimeout(r, n));
      active--;
      return n * 10;
    });
    expect(out).toEqual([50, 10, 30, 20, 40]);
    expect(peak).toBe(2);
  });

  it('handles an empty list', async () => {
    expect(await runPool([], 4, async () => 1)).toEqual([]);
  });
});
