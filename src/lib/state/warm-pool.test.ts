import { afterEach, describe, expect, it, vi } from 'vitest';
import { WarmPool } from './warm-pool';

function fakeConnection() {
  return {
    closed: false,
    async close() {
      this.closed = true;
    },
  };
}

describe('WarmPool', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('fills up to the wanted count and hands each connection out once', async () => {
    const pool = new WarmPool<ReturnType<typeof fakeConnection>>(10_000);
    let opened = 0;
    const open = async () => (opened++, fakeConnection());
    pool.fill('h:1', 2, open);
    pool.fill('h:1', 2, open);
    expect(opened).toBe(2);
    expect(pool.count('h:1')).toBe(2);
    const first = await pool.take('h:1');
    expect(first?.closed).toBe(false);
    expect(pool.count('h:1')).toBe(1);
    await pool.take('h:1');
    expect(pool.take('h:1')).toBeUndefined();
    pool.clear();
  });

  it('closes connections nobody used after the ttl', async () => {
    vi.useFakeTimers();
    const pool = new WarmPool<ReturnType<typeof fakeConnection>>(1000);
    const connection = fakeConnection();
    pool.fill('h:1', 1, async () => connection);
    await vi.advanceTimersByTimeAsync(1001);
    expect(pool.count('h:1')).toBe(0);
    expect(connection.closed).toBe(true);
  });

  it('forgets connections that failed to open', async () => {
    const pool = new WarmPool<ReturnType<typeof fakeConnection>>(1000);
    pool.fill('h:1', 1, async () => {
      throw new Error('refused');
    });
    await new Promise((r) => setTimeout(r, 0));
    expect(pool.count('h:1')).toBe(0);
  });
});
