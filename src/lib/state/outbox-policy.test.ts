import { describe, expect, it } from 'vitest';
import { BACKOFF_BASE_MS, BACKOFF_MAX_MS, backoffDelay, decide, dueItems } from './outbox-policy';

const noJitter = () => 0;

describe('backoffDelay', () => {
  it('starts at the base and doubles', () => {
    expect(backoffDelay(1, noJitter)).toBe(BACKOFF_BASE_MS);
    expect(backoffDelay(2, noJitter)).toBe(2 * BACKOFF_BASE_MS);
    expect(backoffDelay(3, noJitter)).toBe(4 * BACKOFF_BASE_MS);
  });

  it('is capped and jitter adds at most 10%', () => {
    expect(backoffDelay(50, noJitter)).toBe(BACKOFF_MAX_MS);
    expect(backoffDelay(1, () => 0.999)).toBeLessThanOrEqual(BACKOFF_BASE_MS * 1.1);
  });
});

describe('decide', () => {
  it('removes the message only on a 2x', () => {
    expect(decide(20, 1, 0, noJitter)).toEqual({ kind: 'delivered' });
  });

  it('retries temporary failures and unreachable hosts later', () => {
    expect(decide(44, 2, 1000, noJitter)).toEqual({ kind: 'retry', at: 1000 + 2 * BACKOFF_BASE_MS });
    expect(decide(undefined, 1, 0, noJitter)).toEqual({ kind: 'retry', at: BACKOFF_BASE_MS });
  });

  it('asks the user on a redirect', () => {
    expect(decide(30, 1, 0).kind).toBe('ask-user');
    expect(decide(31, 1, 0).kind).toBe('ask-user');
  });

  it('gives up on permanent and certificate errors', () => {
    expect(decide(51, 1, 0).kind).toBe('failed');
    expect(decide(63, 1, 0).kind).toBe('failed');
  });
});

describe('dueItems', () => {
  it('keeps queued items whose time has come, oldest first', () => {
    const items = [
      { id: 'a', state: 'queued', nextAttemptAt: 5, createdAt: 2 },
      { id: 'b', state: 'queued', nextAttemptAt: 50, createdAt: 1 },
      { id: 'c', state: 'needs-confirmation', nextAttemptAt: 0, createdAt: 0 },
      { id: 'd', state: 'queued', nextAttemptAt: 0, createdAt: 1 },
    ];
    expect(dueItems(items, 10).map((i) => i.id)).toEqual(['d', 'a']);
  });
});
