// How fast one client may open new tunnels. The caps in limits.ts bound how many tunnels are open at once,
// but a client that opens and drops tunnels in a loop stays under them while making the bridge resolve
// names and dial hosts as fast as it can ask (a scanner, or a flood aimed at one host). A token bucket per
// client allows a burst as big as a minute's allowance (a mailbox sync opens one tunnel per request, and
// Misfin and GMAP close after one answer) and then the steady rate.
import { isIP } from 'node:net';

export type RateDecision = { ok: true } | { ok: false; retryAfterSeconds: number };

interface Bucket {
  tokens: number;
  at: number;
}

// Beyond this many clients tracked, buckets that have refilled are dropped (they hold no information).
const sweepAbove = 10_000;

/**
 * The key a client is counted under. An IPv6 client usually holds a whole /64 (RFC 4291 §2.5.1 interface
 * identifiers; SLAAC hands out addresses from it freely), so it is counted by its /64, not by address.
 */
export function rateKey(ip: string): string {
  if (isIP(ip) !== 6) return ip;
  const [head = '', tail = ''] = ip.toLowerCase().split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === '' ? [] : tail.split(':');
  const full = ip.includes('::')
    ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right]
    : left;
  return `${full
    .slice(0, 4)
    .map((group) => group.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}

export class TunnelRateLimit {
  private readonly buckets = new Map<string, Bucket>();
  private readonly perMs: number;

  /** `perMinute` new tunnels per client, with a burst of as many. */
  constructor(
    private readonly perMinute: number,
    private readonly clock: () => number = () => Date.now(),
  ) {
    this.perMs = perMinute / 60_000;
  }

  /** Counts one new tunnel for `ip`, or says how long it must wait for the next. */
  take(ip: string): RateDecision {
    const key = rateKey(ip);
    const now = this.clock();
    const bucket = this.buckets.get(key);
    const tokens = bucket
      ? Math.min(this.perMinute, bucket.tokens + (now - bucket.at) * this.perMs)
      : this.perMinute;
    if (tokens < 1) {
      if (bucket) {
        bucket.tokens = tokens;
        bucket.at = now;
      }
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - tokens) / this.perMs / 1000)) };
    }
    if (!bucket && this.buckets.size >= sweepAbove) this.sweep(now);
    if (bucket) {
      bucket.tokens = tokens - 1;
      bucket.at = now;
    } else this.buckets.set(key, { tokens: tokens - 1, at: now });
    return { ok: true };
  }

  /** Clients tracked right now (for tests). */
  get tracked(): number {
    return this.buckets.size;
  }

  /** Drops every bucket that has refilled: it would start full anyway. */
  sweep(now = this.clock()): void {
    for (const [key, bucket] of this.buckets) {
      if (bucket.tokens + (now - bucket.at) * this.perMs >= this.perMinute) this.buckets.delete(key);
    }
  }
}
