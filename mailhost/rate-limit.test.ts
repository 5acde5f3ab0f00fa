import { describe, expect, it } from 'vitest';
import { RateLimiter } from './rate-limit';

describe('RateLimiter', () => {
  it('allows a burst, then refills at the configured rate', () => {
    let now = 0;
    const limiter = new RateLimiter({ perSecond: 2, burst: 3 }, () => now);
    expect([1, 2, 3, 4].map(() => limiter.take('ip'))).toEqual([true, true, true, false]);
    expect(limiter.retryAfterSeconds('ip')).toBe(1);
    now = 500;
    expect(limiter.take('ip')).toBe(true);
    expect(limiter.take('ip')).toBe(false);
    expect(limiter.take('other')).toBe(true);
  });

  it('allows() looks without taking', () => {
    const limiter = new RateLimiter({ perSecond: 0, burst: 1 }, () => 0);
    expect(limiter.allows('k')).toBe(true);
    expect(limiter.allows('k')).toBe(true);
    expect(limiter.take('k')).toBe(true);
    expect(limiter.allows('k')).toBe(false);
  });
});
