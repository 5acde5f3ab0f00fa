/**
 * Idle lock (issue 8): after a quiet spell (15 minutes by default, as SnappyMail; anchors.md §5.4) the page
 * drops its unwrapped keys and asks for the passphrase again. This module only decides *when*; `onLock`
 * does the dropping. Clock and timers are injected so tests run on fake time.
 *
 * One timer, re-armed lazily: `activity()` only records the time, and when the timer fires it either locks
 * or re-arms for the remaining time. Pointer moves therefore never churn timers, and a timer that fires late
 * (background tab throttling, a sleeping laptop) is harmless because the decision is always made from the
 * clock, not from the timer.
 */

export type LockReason = 'idle' | 'manual';

export interface IdleLockOptions<H = unknown> {
  /** Idle time before locking, in ms. Infinity = never lock by itself. Default 15 minutes. */
  timeoutMs?: number;
  /** Start locked (e.g. a stored identity still needs its passphrase). Default false. */
  locked?: boolean;
  now?: () => number;
  setTimer?: (callback: () => void, ms: number) => H;
  clearTimer?: (handle: H) => void;
  /** Called once per lock: forget unwrapped keys, hide mail. */
  onLock: (reason: LockReason) => void;
  onUnlock?: () => void;
}

export interface IdleLock {
  /** The user did something: the idle time restarts, unless it had already run out (then this locks). */
  activity(): void;
  /** Locks now if the idle time has run out; for `visibilitychange`, when throttled timers may lag. */
  check(): void;
  lock(reason?: LockReason): void;
  unlock(): void;
  readonly isLocked: boolean;
  readonly timeoutMs: number;
  /** Changes the idle time (a setting); applies at once, so shortening it can lock immediately. */
  setTimeout(ms: number): void;
  /** Milliseconds until an idle lock; 0 when locked, Infinity when it never locks. */
  remainingMs(): number;
  /** Stops the timer for good; later calls do nothing. */
  dispose(): void;
}

export class IdleLockError extends Error {
  override readonly name = 'IdleLockError';
}

export const DEFAULT_IDLE_TIMEOUT_MS = 15 * 60_000;
// Browsers and Node treat delays above 2^31-1 ms (~24.8 days) as 0 and fire at once; longer timeouts are
// reached by re-arming.
const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

function checkTimeout(ms: number): number {
  if (typeof ms !== 'number' || Number.isNaN(ms) || ms <= 0) {
    throw new IdleLockError(`idle timeout must be a positive number of milliseconds or Infinity, got ${ms}`);
  }
  return ms;
}

export function createIdleLock<H = unknown>(options: IdleLockOptions<H>): IdleLock {
  const now = options.now ?? Date.now;
  const setTimer = options.setTimer ?? ((callback, ms) => globalThis.setTimeout(callback, ms) as H);
  const clearTimer =
    options.clearTimer ?? ((handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>));
  let timeoutMs = checkTimeout(options.timeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS);
  let locked = options.locked ?? false;
  let disposed = false;
  let lastActivityAt = now();
  let timer: { handle: H } | undefined;

  const overdue = () => now() - lastActivityAt >= timeoutMs;

  function disarm(): void {
    if (timer) clearTimer(timer.handle);
    timer = undefined;
  }

  function arm(): void {
    disarm();
    if (locked || disposed || timeoutMs === Infinity) return;
    const remaining = lastActivityAt + timeoutMs - now();
    if (remaining <= 0) {
      lockNow('idle');
      return;
    }
    timer = { handle: setTimer(onTimer, Math.min(remaining, MAX_TIMER_DELAY_MS)) };
  }

  function onTimer(): void {
    timer = undefined;
    arm(); // locks if the time is up, otherwise waits for the rest
  }

  function lockNow(reason: LockReason): void {
    if (locked || disposed) return;
    locked = true;
    disarm();
    options.onLock(reason);
  }

  arm();

  return {
    activity() {
      if (locked || disposed) return;
      // A background tab's timer may not have fired yet; the first click after a long absence must lock,
      // not count as activity that keeps the keys in memory.
      if (overdue()) lockNow('idle');
      else lastActivityAt = now();
    },
    check() {
      if (!locked && !disposed && overdue()) lockNow('idle');
    },
    lock(reason = 'manual') {
      lockNow(reason);
    },
    unlock() {
      if (!locked || disposed) return;
      locked = false;
      lastActivityAt = now();
      arm();
      options.onUnlock?.();
    },
    get isLocked() {
      return locked;
    },
    get timeoutMs() {
      return timeoutMs;
    },
    setTimeout(ms: number) {
      timeoutMs = checkTimeout(ms);
      arm();
    },
    remainingMs() {
      if (locked || disposed) return 0;
      if (timeoutMs === Infinity) return Infinity;
      return Math.max(0, lastActivityAt + timeoutMs - now());
    },
    dispose() {
      disposed = true;
      disarm();
    },
  };
}
