import { describe, expect, it } from 'vitest';
import { createIdleLock } from './idle-lock';
import { watchActivity } from './watch-activity';

function setup() {
  let time = 0;
  const calls = { activity: 0, check: 0 };
  const inner = createIdleLock({
    timeoutMs: 60_000,
    now: () => time,
    setTimer: () => 0,
    clearTimer: () => {},
    onLock: () => {},
  });
  // Counting wrapper: the watcher's job is to call the lock at the right moments, not to decide.
  const lock = {
    ...inner,
    activity: () => {
      calls.activity++;
      inner.activity();
    },
    check: () => {
      calls.check++;
      inner.check();
    },
    get isLocked() {
      return inner.isLocked;
    },
    get timeoutMs() {
      return inner.timeoutMs;
    },
  };
  const target = new EventTarget();
  const stop = watchActivity(target, lock, { throttleMs: 1000, now: () => time });
  return { target, stop, calls, inner, advance: (ms: number) => (time += ms) };
}

describe('watchActivity', () => {
  it('reports input as activity, throttled', () => {
    const { target, calls, advance } = setup();
    target.dispatchEvent(new Event('pointermove'));
    target.dispatchEvent(new Event('pointermove'));
    target.dispatchEvent(new Event('keydown'));
    expect(calls.activity).toBe(1);
    advance(1000);
    target.dispatchEvent(new Event('wheel'));
    expect(calls.activity).toBe(2);
  });

  it('checks the lock when the user comes back, and locks if the time ran out', () => {
    const { target, calls, inner, advance } = setup();
    advance(61_000);
    target.dispatchEvent(new Event('visibilitychange'));
    expect(calls.check).toBe(1);
    expect(inner.isLocked).toBe(true);
  });

  it('stops listening', () => {
    const { target, stop, calls } = setup();
    stop();
    target.dispatchEvent(new Event('pointerdown'));
    target.dispatchEvent(new Event('focus'));
    expect(calls).toEqual({ activity: 0, check: 0 });
  });
});
