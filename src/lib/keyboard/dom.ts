/**
 * Connecting the shortcut core to the page: which focused elements take typing, and a keydown listener.
 * Duck-typed on purpose (tagName, isContentEditable) so it works for elements inside shadow roots and other
 * frames, where `instanceof HTMLElement` fails, and can be unit-tested in Node without a DOM.
 */
import type { ShortcutMap } from './shortcut-map';

interface ElementLike {
  tagName?: unknown;
  type?: unknown;
  isContentEditable?: unknown;
  getAttribute?: (name: string) => string | null;
}

// <input> types where a letter key does not type a letter; shortcuts keep working on a focused checkbox.
const NON_TEXT_INPUTS = new Set([
  'button',
  'checkbox',
  'color',
  'file',
  'image',
  'radio',
  'range',
  'reset',
  'submit',
]);

/** True when keys typed now go into a field: input (text-like), textarea, select, or contenteditable. */
export function isEditableTarget(target: EventTarget | null): boolean {
  if (target === null || typeof target !== 'object') return false;
  const element = target as ElementLike;
  if (element.isContentEditable === true) return true;
  const tag = typeof element.tagName === 'string' ? element.tagName.toUpperCase() : '';
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag === 'INPUT') return !NON_TEXT_INPUTS.has(String(element.type ?? 'text').toLowerCase());
  return false;
}

/**
 * True when Enter already does something native on this element (follow a link, press a button, open a
 * <details>). The shortcut "Enter = open" must then stay out of the way, or keyboard users lose buttons.
 */
export function activatesWithEnter(target: EventTarget | null): boolean {
  if (target === null || typeof target !== 'object') return false;
  const element = target as ElementLike;
  const tag = typeof element.tagName === 'string' ? element.tagName.toUpperCase() : '';
  if (tag === 'BUTTON' || tag === 'SUMMARY') return true;
  if (tag === 'A') return element.getAttribute?.('href') != null;
  if (tag === 'INPUT')
    return ['button', 'submit', 'reset', 'image'].includes(String(element.type).toLowerCase());
  const role = element.getAttribute?.('role');
  return role === 'button' || role === 'link' || role === 'menuitem' || role === 'tab';
}

export interface AttachOptions {
  /** The scopes in force right now (asked on every key, so it follows view changes). Default: global only. */
  scopes?: () => readonly string[];
}

/**
 * Listens for keydown on `target` (usually window) and calls `onAction` for each shortcut; returns the
 * function that stops listening. In Svelte 5: `$effect(() => attachShortcuts(window, map, run, { scopes }))`.
 */
export function attachShortcuts<A extends string>(
  target: EventTarget,
  map: ShortcutMap<A>,
  onAction: (action: A, event: KeyboardEvent) => void,
  options: AttachOptions = {},
): () => void {
  const listener = (raw: Event) => {
    const event = raw as KeyboardEvent;
    // Another handler (a dialog, the composer) already used the key; an IME is still composing a character.
    if (event.defaultPrevented || event.isComposing) return;
    // composedPath()[0] is the real focused element even inside a shadow root, where event.target is the host.
    const origin =
      (typeof event.composedPath === 'function' ? event.composedPath()[0] : undefined) ?? event.target;
    if (event.key === 'Enter' && activatesWithEnter(origin)) return;
    const action = map.handleKey(
      {
        key: event.key,
        ctrlKey: event.ctrlKey,
        metaKey: event.metaKey,
        altKey: event.altKey,
        targetIsEditable: isEditableTarget(origin),
      },
      options.scopes?.() ?? [],
    );
    if (action !== null) {
      // "/" would otherwise open Firefox's quick find; the key is ours now. Escape keeps its native meaning
      // (closing a <dialog>, clearing a search field) and the app is told as well.
      if (event.key !== 'Escape') event.preventDefault();
      onAction(action, event);
    } else if (map.pending) event.preventDefault();
  };
  target.addEventListener('keydown', listener);
  return () => target.removeEventListener('keydown', listener);
}
