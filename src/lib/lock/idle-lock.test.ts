import { describe, expect, it } from 'vitest';
import {
  createIdleLock,
  DEFAULT_IDLE_TIMEOUT_MS,
  IdleLockError,
  type IdleLockOptions,
  type LockReason,
} from './idle-lock';

/** Fake time: timers fire only when the test advances the clock past them, in order. */
function fakeTime() {
  let time = 0;
  let nextId = 1;
  const timers = new Map<number, { at: number; callback: () => void }>();
  return {
    now: () => time,
    setTimer: (callback: () => void, ms: number) => {
      timers.set(nextId, { at: time + ms, callback });
      return nextId++;
    },
    clearTimer: (id: number) => void timers.delete(id),
    pending: () => timers.size,
    advance(ms: number) {
      const end = time + ms;
      for (;;) {
        const due = [...timers.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
        if (!due) break;
        timers.delete(due[0]);
        time = due[1].at;
        due[1].callback();
      }
      time = end;
    },
    /** Moves the clock without firing timers: a suspended laptop or a throttled background tab. */
    jump(ms: number) {
      time += ms;
    },
  };
}

function setup(overrides: Partial<IdleLockOptions<number>> = {}) {
  const time = fakeTime();
  const locks: LockReason[] = [];
  let unlocks = 0;
  const lock = createIdleLock<number>({
    timeoutMs: 60_000,
    now: time.now,
    setTimer: time.setTimer,
    clearTimer: time.clearTimer,
    onLock: (reason) => locks.push(reason),
    onUnlock: () => unlocks++,
    ...overrides,
  });
  return { time, lock, locks, unlocks: () => unlocks };
}

describe('createIdleLock', () => {
  it('locks after the idle time and not before', () => {
    const { time, lock, locks } = setup();
    time.advance(59_999);
    expect(lock.isLocked).toBe(false);
    expect(lock.remainingMs()).toBe(1);
    time.advance(1);
    expect(lock.isLocked).toBe(true);
    expect(locks).toEqual(['idle']);
    expect(lock.remainingMs()).toBe(0);
    expect(time.pending()).toBe(0);
  });

  it('restarts the idle time on activity without re-arming a timer each time', () => {
    const { time, lock, locks } = setup();
    for (let i = 0; i < 10; i++) {
      time.advance(30_000);
      lock.activity();
    }
    expect(time.pending()).toBe(1);
    expect(lock.isLocked).toBe(false);
    time.advance(59_999);
    expect(lock.isLocked).toBe(false);
    time.advance(1);
    expect(locks).toEqual(['idle']);
  });

  it('locks on the first activity after timers lagged behind the clock', () => {
    const { time, lock, locks } = setup();
    time.jump(10 * 60_000);
    lock.activity();
    expect(locks).toEqual(['idle']);
  });

  it('locks on check() when the time ran out, and not otherwise', () => {
    const { time, lock } = setup();
    time.jump(30_000);
    lock.check();
    expect(lock.isLocked).toBe(false);
    time.jump(30_000);
    lock.check();
    expect(lock.isLocked).toBe(true);
  });

  it('locks manually once, ignores activity while locked, and restarts on unlock', () => {
    const { time, lock, locks, unlocks } = setup();
    lock.lock();
    lock.lock();
    expect(locks).toEqual(['manual']);
    lock.activity();
    expect(lock.isLocked).toBe(true);
    time.advance(120_000);
    lock.unlock();
    expect(unlocks()).toBe(1);
    expect(lock.remainingMs()).toBe(60_000);
    time.advance(60_000);
    expect(locks).toEqual(['manual', 'idle']);
  });

  it('can start locked and applies a new timeout at once', () => {
    const { time, lock, locks } = setup({ locked: true });
    expect(lock.isLocked).toBe(true);
    expect(time.pending()).toBe(0);
    lock.unlock();
    time.advance(20_000);
    lock.setTimeout(120_000);
    expect(lock.timeoutMs).toBe(120_000);
    time.advance(99_999);
    expect(lock.isLocked).toBe(false);
    time.advance(1);
    expect(lock.isLocked).toBe(true);
    lock.unlock();
    time.advance(50_000);
    lock.setTimeout(30_000); // already idle longer than the new limit
    expect(locks).toEqual(['idle', 'idle']);
  });

  it('never locks by itself with an infinite timeout', () => {
    const { time, lock } = setup({ timeoutMs: Infinity });
    time.advance(365 * 24 * 3_600_000);
    expect(lock.isLocked).toBe(false);
    expect(lock.remainingMs()).toBe(Infinity);
    expect(time.pending()).toBe(0);
  });

  it('splits timeouts longer than the platform timer limit', () => {
    const days = 40 * 24 * 3_600_000;
    const { time, lock } = setup({ timeoutMs: days });
    time.advance(days - 1);
    expect(lock.isLocked).toBe(false);
    time.advance(1);
    expect(lock.isLocked).toBe(true);
  });

  it('stops on dispose', () => {
    const { time, lock, locks } = setup();
    lock.dispose();
    time.advance(120_000);
    lock.lock();
    expect(locks).toEqual([]);
    expect(time.pending()).toBe(0);
  });

  it('rejects a bad timeout and defaults to 15 minutes', () => {
    expect(() => setup({ timeoutMs: 0 })).toThrow(IdleLockError);
    expect(() => setup({ timeoutMs: Number.NaN })).toThrow(IdleLockError);
    const { lock } = setup({ timeoutMs: undefined });
    expect(lock.timeoutMs).toBe(DEFAULT_IDLE_TIMEOUT_MS);
    expect(() => lock.setTimeout(-5)).toThrow(IdleLockError);
  });

  it('uses the real timers by default', async () => {
    const locks: LockReason[] = [];
    const lock = createIdleLock({ timeoutMs: 20, onLock: (reason) => locks.push(reason) });
    // Poll (bounded) rather than sleep a fixed time, so a busy test machine cannot make this flaky.
    for (let waited = 0; locks.length === 0 && waited < 5_000; waited += 10) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(locks).toEqual(['idle']);
    lock.dispose();
  });
});
