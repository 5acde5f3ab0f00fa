/**
 * Performance marks along one send (User Timing, visible in DevTools and read by bench/webmail.bench.ts), so
 * the time from pressing Send to the `20` on the page can be split into its steps. The steps of one
 * delivery carry in `detail` whether it went to a recipient (`to`) or was the Sent copy (`copy`), and
 * `connected` also whether a warm connection was used (`to warm`, `copy fresh`).
 */
export const SEND_MARK_PREFIX = 'misfin-send:';

export type SendStep =
  /** Send pressed (composer). */
  | 'pressed'
  /** Every outbox record of this send is durable (IndexedDB), before any request byte goes out. */
  | 'stored'
  /** The TLS connection is ready (warm, or after a fresh handshake). */
  | 'connected'
  /** The host's response line has arrived and is parsed. */
  | 'answered'
  /** The result is in the delivery log (state; the DOM follows on the next microtask flush). */
  | 'shown';

export function markSend(step: SendStep, id = ''): void {
  performance.mark(`${SEND_MARK_PREFIX}${step}`, { detail: id });
}
