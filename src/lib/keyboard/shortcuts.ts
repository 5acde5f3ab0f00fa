/**
 * The webmail's shortcuts (issue 8), as data: the dispatcher is built from it and the `?` help dialog lists
 * it. Keys follow what users know from Gmail-style webmail (anchors.md §2.2: j/k/o/?), with `e` archive and
 * `#` trash as in Gmail. The descriptions are English here; when the messages module exists the dialog
 * should look them up by `action` there and use these only as the fallback.
 */
import type { ShortcutBinding } from './shortcut-map';

export type ShortcutAction =
  | 'next'
  | 'previous'
  | 'open'
  | 'reply'
  | 'replyAll'
  | 'forward'
  | 'compose'
  | 'archive'
  | 'trash'
  | 'search'
  | 'help'
  | 'goInbox'
  | 'close';

/** Scopes the views announce: the message list, an open message; "global" applies everywhere. */
export type ShortcutScope = 'global' | 'list' | 'message';

export interface WebmailShortcut extends ShortcutBinding<ShortcutAction> {
  scope: ShortcutScope;
}

export const webmailShortcuts: readonly WebmailShortcut[] = [
  { keys: 'j', action: 'next', scope: 'list', description: 'Next message' },
  { keys: 'k', action: 'previous', scope: 'list', description: 'Previous message' },
  { keys: 'o', action: 'open', scope: 'list', description: 'Open message' },
  { keys: 'Enter', action: 'open', scope: 'list', description: 'Open message' },
  { keys: 'e', action: 'archive', scope: 'list', description: 'Archive' },
  { keys: '#', action: 'trash', scope: 'list', description: 'Move to trash' },
  { keys: 'j', action: 'next', scope: 'message', description: 'Next message' },
  { keys: 'k', action: 'previous', scope: 'message', description: 'Previous message' },
  { keys: 'r', action: 'reply', scope: 'message', description: 'Reply' },
  { keys: 'a', action: 'replyAll', scope: 'message', description: 'Reply to all' },
  { keys: 'f', action: 'forward', scope: 'message', description: 'Forward' },
  { keys: 'e', action: 'archive', scope: 'message', description: 'Archive' },
  { keys: '#', action: 'trash', scope: 'message', description: 'Move to trash' },
  { keys: 'c', action: 'compose', scope: 'global', description: 'Compose a new message' },
  { keys: '/', action: 'search', scope: 'global', description: 'Search mail' },
  { keys: '?', action: 'help', scope: 'global', description: 'Show keyboard shortcuts' },
  { keys: 'g i', action: 'goInbox', scope: 'global', description: 'Go to the inbox' },
  { keys: 'Escape', action: 'close', scope: 'global', description: 'Close dialog or leave the search field' },
];

export interface HelpSection {
  scope: ShortcutScope;
  entries: { keys: string[][]; description: string }[];
}

/**
 * The help dialog's rows: one row per action and scope, alternatives merged ("o" or "Enter"), each
 * sequence as separate keys so the dialog can render `<kbd>g</kbd> <kbd>i</kbd>`.
 */
export function shortcutHelp(bindings: readonly WebmailShortcut[] = webmailShortcuts): HelpSection[] {
  const order: ShortcutScope[] = ['global', 'list', 'message'];
  return order
    .map((scope) => {
      const rows = new Map<string, { keys: string[][]; description: string }>();
      for (const binding of bindings) {
        if (binding.scope !== scope) continue;
        const sequence = binding.keys.trim().split(/\s+/);
        const row = rows.get(binding.action);
        if (row) row.keys.push(sequence);
        else rows.set(binding.action, { keys: [sequence], description: binding.description });
      }
      return { scope, entries: [...rows.values()] };
    })
    .filter((section) => section.entries.length > 0);
}
