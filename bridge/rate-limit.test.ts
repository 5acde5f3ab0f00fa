import { describe, expect, it } from 'vitest';
import { rateKey, TunnelRateLimit } from './rate-limit';

describe('TunnelRateLimit', () => {
  it('allows a burst of one minute’s allowance, then the steady rate, per client', () => {
    let now = 1_000_000;
    const limit = new TunnelRateLimit(60, () => now);
    for (let i = 0; i < 60; i++) expect(limit.take('203.0.113.7')).toEqual({ ok: true });
    expect(limit.take('203.0.113.7')).toEqual({ ok: false, retryAfterSeconds: 1 });
    // Another client is counted on its own.
    expect(limit.take('203.0.113.8')).toEqual({ ok: true });
    // One token comes back per second at 60 a minute.
    now += 1_000;
    expect(limit.take('203.0.113.7')).toEqual({ ok: true });
    expect(limit.take('203.0.113.7').ok).toBe(false);
    // Refused attempts do not dig the hole deeper.
    for (let i = 0; i < 100; i++) limit.take('203.0.113.7');
    now += 1_000;
    expect(limit.take('203.0.113.7')).toEqual({ ok: true });
  });

  it('says how long to wait at slow rates', () => {
    let now = 0;
    const limit = new TunnelRateLimit(2, () => now);
    expect(limit.take('198.51.100.1').ok).toBe(true);
    expect(limit.take('198.51.100.1').ok).toBe(true);
    expect(limit.take('198.51.100.1')).toEqual({ ok: false, retryAfterSeconds: 30 });
    now += 29_000;
    expect(limit.take('198.51.100.1')).toEqual({ ok: false, retryAfterSeconds: 1 });
    now += 1_000;
    expect(limit.take('198.51.100.1').ok).toBe(true);
  });

  it('forgets clients whose bucket has refilled', () => {
    let now = 0;
    const limit = new TunnelRateLimit(60, () => now);
    limit.take('192.0.2.1');
    limit.take('192.0.2.2');
    now += 500;
    limit.sweep();
    expect(limit.tracked).toBe(2);
    now += 1_000;
    limit.sweep();
    expect(limit.tracked).toBe(0);
  });

  it('counts IPv6 clients by their /64', () => {
    expect(rateKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(rateKey('2001:DB8:0001:0002:ffff:ffff:ffff:ffff')).toBe('2001:db8:1:2::/64');
    expect(rateKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(rateKey('::1')).toBe('0:0:0:0::/64');
    expect(rateKey('203.0.113.7')).toBe('203.0.113.7');
    const limit = new TunnelRateLimit(1, () => 0);
    expect(limit.take('2001:db8:1:2::1').ok).toBe(true);
    expect(limit.take('2001:db8:1:2::2').ok).toBe(false);
    expect(limit.take('2001:db8:1:3::1').ok).toBe(true);
  });
});
