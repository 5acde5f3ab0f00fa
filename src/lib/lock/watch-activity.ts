/**
 * Feeding the idle lock from the page: pointer, keyboard, wheel and touch input count as activity; when the
 * tab becomes visible again the lock is checked at once, because timers in hidden tabs are throttled and
 * the page must not show mail for even a moment after the idle time ran out.
 */
import type { IdleLock } from './idle-lock';

export const ACTIVITY_EVENTS = [
  'pointerdown',
  'pointermove',
  'keydown',
  'wheel',
  'touchstart',
  'scroll',
] as const;
// Fired on window (visibilitychange bubbles from document to window) when the user comes back.
export const RETURN_EVENTS = ['visibilitychange', 'pageshow', 'focus'] as const;

export interface WatchActivityOptions {
  /**
   * At most one activity() per this many ms; pointermove fires at display rate. The cost is that the lock
   * may come up to this much early, which is nothing next to a timeout of minutes. Default 1000.
   */
  throttleMs?: number;
  now?: () => number;
}

/** Starts watching `target` (usually window); returns the function that stops. */
export function watchActivity(
  target: EventTarget,
  lock: IdleLock,
  options: WatchActivityOptions = {},
): () => void {
  const throttleMs = options.throttleMs ?? 1000;
  const now = options.now ?? Date.now;
  let lastReportedAt = -Infinity;

  const onActivity = () => {
    const at = now();
    if (at - lastReportedAt < throttleMs) return;
    lastReportedAt = at;
    lock.activity();
  };
  const onReturn = () => lock.check();

  // Passive: we never cancel these events, and passive listeners keep scrolling smooth.
  const listenerOptions: AddEventListenerOptions = { passive: true, capture: true };
  for (const type of ACTIVITY_EVENTS) target.addEventListener(type, onActivity, listenerOptions);
  for (const type of RETURN_EVENTS) target.addEventListener(type, onReturn, listenerOptions);
  return () => {
    for (const type of ACTIVITY_EVENTS) target.removeEventListener(type, onActivity, listenerOptions);
    for (const type of RETURN_EVENTS) target.removeEventListener(type, onReturn, listenerOptions);
  };
}
