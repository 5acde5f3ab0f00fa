/**
 * The keyboard-shortcut core (issue 8): key sequences like "j" or "g i" mapped to actions, per scope.
 * Pure: no DOM, an injected clock, so sequences and their timeout are tested without a browser.
 * `dom.ts` feeds it real KeyboardEvents.
 */

export interface ShortcutBinding<A extends string = string> {
  /** Keys separated by spaces, as KeyboardEvent.key spells them: "j", "Enter", "#", "g i". "Space" = " ". */
  keys: string;
  action: A;
  /** Where it applies: "global", or a view such as "list" or "message". Default "global". */
  scope?: string;
  /** For the `?` help dialog. */
  description: string;
}

/** The parts of a KeyboardEvent the core looks at. */
export interface KeyEventLike {
  key: string;
  ctrlKey?: boolean;
  metaKey?: boolean;
  altKey?: boolean;
  /** Focus is in an input, textarea, select or contenteditable (see isEditableTarget). */
  targetIsEditable?: boolean;
}

export interface ShortcutMapOptions {
  /** How long the second key of a sequence may wait after the first. Default 1000 ms. */
  sequenceTimeoutMs?: number;
  /** Milliseconds; injectable for tests. Default Date.now. */
  now?: () => number;
}

export interface ShortcutMap<A extends string = string> {
  /**
   * The action for this key, or null. `activeScopes` lists the scopes in force (the view shown);
   * "global" always applies.
   */
  handleKey(event: KeyEventLike, activeScopes?: readonly string[]): A | null;
  /** True while the first key(s) of a sequence wait for the rest; the caller may then swallow the key. */
  readonly pending: boolean;
  /** Forgets a half-typed sequence (e.g. when focus moves). */
  reset(): void;
  readonly bindings: readonly ShortcutBinding<A>[];
}

export class ShortcutError extends Error {
  override readonly name = 'ShortcutError';
}

export const GLOBAL_SCOPE = 'global';

function parseKeys(keys: string): string[] {
  const parts = keys
    .trim()
    .split(/\s+/)
    .filter((part) => part.length > 0);
  if (parts.length === 0) throw new ShortcutError(`empty key sequence in binding "${keys}"`);
  return parts.map((part) => (part === 'Space' ? ' ' : part));
}

/**
 * Builds the map. Ambiguous bindings are refused up front: if "g" alone and "g i" were both bound, the map
 * could not know whether to act on "g" or wait, so one of them would silently never fire.
 */
export function createShortcutMap<A extends string>(
  bindings: readonly ShortcutBinding<A>[],
  options: ShortcutMapOptions = {},
): ShortcutMap<A> {
  const timeoutMs = options.sequenceTimeoutMs ?? 1000;
  const now = options.now ?? Date.now;
  if (!(timeoutMs > 0)) throw new ShortcutError('sequenceTimeoutMs must be positive');

  // Per scope: full sequence (keys joined by a separator no key contains) -> action, and every proper
  // prefix of a sequence, to know when to wait for more keys.
  const SEP = '\u0000';
  const complete = new Map<string, Map<string, A>>();
  const prefixes = new Map<string, Set<string>>();
  const sequences = bindings.map((binding) => ({ binding, keys: parseKeys(binding.keys) }));
  for (const { binding, keys } of sequences) {
    const scope = binding.scope ?? GLOBAL_SCOPE;
    const scoped = complete.get(scope) ?? new Map<string, A>();
    complete.set(scope, scoped);
    const joined = keys.join(SEP);
    if (scoped.has(joined)) throw new ShortcutError(`"${binding.keys}" is bound twice in scope ${scope}`);
    scoped.set(joined, binding.action);
    const scopePrefixes = prefixes.get(scope) ?? new Set<string>();
    prefixes.set(scope, scopePrefixes);
    for (let length = 1; length < keys.length; length++) scopePrefixes.add(keys.slice(0, length).join(SEP));
  }
  // Scopes can be active together, so ambiguity is checked across all of them.
  const allPrefixes = new Set([...prefixes.values()].flatMap((set) => [...set]));
  for (const { binding, keys } of sequences) {
    if (allPrefixes.has(keys.join(SEP))) {
      throw new ShortcutError(`"${binding.keys}" is also the start of a longer sequence`);
    }
  }

  let typed: string[] = [];
  let lastKeyAt = 0;

  function lookup(keys: string[], scopes: readonly string[]): { action?: A; waits: boolean } {
    const joined = keys.join(SEP);
    let waits = false;
    for (const scope of scopes) {
      const action = complete.get(scope)?.get(joined);
      if (action !== undefined) return { action, waits: false };
      if (prefixes.get(scope)?.has(joined)) waits = true;
    }
    return { waits };
  }

  return {
    bindings,
    get pending() {
      return typed.length > 0;
    },
    reset() {
      typed = [];
    },
    handleKey(event, activeScopes = []) {
      // Ctrl/Cmd/Alt combinations belong to the browser and the OS (copy, tab switching, AltGr characters).
      if (event.ctrlKey || event.metaKey || event.altKey) {
        typed = [];
        return null;
      }
      // Modifier keys themselves arrive as keydown events too ("Shift" before "#" or "?"): not a keystroke.
      if (event.key === 'Shift' || event.key === 'Control' || event.key === 'Alt' || event.key === 'Meta') {
        return null;
      }
      const scopes = activeScopes.includes(GLOBAL_SCOPE) ? activeScopes : [...activeScopes, GLOBAL_SCOPE];
      if (event.targetIsEditable) {
        // Typing "j" into the search box must type a "j"; Escape is the one key that leaves the field.
        typed = [];
        return event.key === 'Escape' ? (lookup(['Escape'], scopes).action ?? null) : null;
      }
      const at = now();
      if (typed.length > 0 && at - lastKeyAt > timeoutMs) typed = [];
      lastKeyAt = at;

      let keys = [...typed, event.key];
      let found = lookup(keys, scopes);
      // "g" then "j": the sequence is broken, but "j" on its own may still mean something.
      if (found.action === undefined && !found.waits && typed.length > 0) {
        keys = [event.key];
        found = lookup(keys, scopes);
      }
      typed = found.waits ? keys : [];
      return found.action ?? null;
    },
  };
}
