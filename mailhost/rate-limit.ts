// Token buckets keyed by client IP, sender fingerprint or registration source: `44 SLOW DOWN` (spec §2)
// when a key runs dry. Idle buckets are dropped so a flood of distinct keys cannot grow memory forever.
import type { RateSetting } from './config';

interface Bucket {
  tokens: number;
  updated: number;
}

export class RateLimiter {
  private buckets = new Map<string, Bucket>();

  constructor(
    private readonly setting: RateSetting,
    private readonly now: () => number = Date.now,
  ) {}

  private refill(key: string): Bucket {
    const now = this.now();
    let bucket = this.buckets.get(key);
    if (!bucket) {
      if (this.buckets.size > 100_000) this.prune(now);
      bucket = { tokens: this.setting.burst, updated: now };
      this.buckets.set(key, bucket);
    }
    const elapsed = Math.max(0, now - bucket.updated) / 1000;
    bucket.tokens = Math.min(this.setting.burst, bucket.tokens + elapsed * this.setting.perSecond);
    bucket.updated = now;
    return bucket;
  }

  /** Takes one token; false when the key is over its rate. */
  take(key: string): boolean {
    const bucket = this.refill(key);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  /** True while the key still has a token, without taking one (failed registrations are charged later). */
  allows(key: string): boolean {
    return this.refill(key).tokens >= 1;
  }

  /** Seconds until one token is back: the META of a 44 (Titlani: "Retry delay hint"). */
  retryAfterSeconds(key: string): number {
    const bucket = this.refill(key);
    if (bucket.tokens >= 1 || this.setting.perSecond <= 0) return 1;
    return Math.max(1, Math.ceil((1 - bucket.tokens) / this.setting.perSecond));
  }

  private prune(now: number): void {
    for (const [key, bucket] of this.buckets) {
      const full =
        bucket.tokens + ((now - bucket.updated) / 1000) * this.setting.perSecond >= this.setting.burst;
      if (full) this.buckets.delete(key);
    }
  }
}
