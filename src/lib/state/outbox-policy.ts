/**
 * What the outbox does with each Misfin answer (spec §2, bp §1, design §3): only a 20 removes a message; a 4x
 * keeps it and retries later with backoff; a 30/31 waits for the user's say-so before resending; 5x and 6x
 * are final and explained. A connection that could not be made at all counts as temporary.
 */

export type OutboxDecision =
  { kind: 'delivered' } | { kind: 'retry'; at: number } | { kind: 'ask-user' } | { kind: 'failed' };

/** First retry after 30 s, doubling up to one hour: "wait a few minutes" after a temporary failure (bp §1). */
export const BACKOFF_BASE_MS = 30_000;
export const BACKOFF_MAX_MS = 60 * 60_000;

/** Delay before attempt number `attempts + 1`, with up to 10% jitter so many tabs do not retry in step. */
export function backoffDelay(attempts: number, random: () => number = Math.random): number {
  const exponent = Math.max(0, Math.min(attempts - 1, 20));
  const delay = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** exponent);
  return Math.round(delay * (1 + 0.1 * random()));
}

/**
 * `status` is the two-digit Misfin status, or undefined when no answer came (network down, host key refused
 * before any request). `attempts` counts this attempt.
 */
export function decide(
  status: number | undefined,
  attempts: number,
  now: number,
  random: () => number = Math.random,
): OutboxDecision {
  if (status === undefined) return { kind: 'retry', at: now + backoffDelay(attempts, random) };
  const category = Math.floor(status / 10);
  if (category === 2) return { kind: 'delivered' };
  if (category === 3) return { kind: 'ask-user' };
  if (category === 4) return { kind: 'retry', at: now + backoffDelay(attempts, random) };
  return { kind: 'failed' };
}

/** The items due now, oldest first. */
export function dueItems<T extends { state: string; nextAttemptAt: number; createdAt: number }>(
  items: T[],
  now: number,
): T[] {
  return items
    .filter((item) => item.state === 'queued' && item.nextAttemptAt <= now)
    .sort((a, b) => a.createdAt - b.createdAt);
}
