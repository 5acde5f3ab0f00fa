/** Folders are GMAP tags (protocol doc §15): Inbox, Archive, Sent, Drafts, Trash; Unread is a status. */

export const FOLDERS = ['Inbox', 'Archive', 'Sent', 'Drafts', 'Trash'] as const;
export type Folder = (typeof FOLDERS)[number];

export const UNREAD = 'Unread';
export const TRASH = 'Trash';

/** "Trash hides a message from other lists" (doc §15): a trashed message shows only in Trash. */
export function inFolder(tags: readonly string[], folder: Folder): boolean {
  if (folder === TRASH) return tags.includes(TRASH);
  return tags.includes(folder) && !tags.includes(TRASH);
}

export interface FolderCount {
  total: number;
  unread: number;
}

export function folderCounts(messages: readonly { tags: readonly string[] }[]): Record<Folder, FolderCount> {
  const counts = Object.fromEntries(FOLDERS.map((f) => [f, { total: 0, unread: 0 }])) as Record<
    Folder,
    FolderCount
  >;
  for (const message of messages) {
    const unread = message.tags.includes(UNREAD);
    for (const folder of FOLDERS) {
      if (!inFolder(message.tags, folder)) continue;
      counts[folder].total++;
      if (unread) counts[folder].unread++;
    }
  }
  return counts;
}

/**
 * The tag changes that move a message to `target`. Trash only adds its tag (the other tags stay, so a message
 * taken out of Trash goes back where it was); Inbox/Archive drop the other folder tags and Trash.
 */
export function moveChanges(
  tags: readonly string[],
  target: 'Inbox' | 'Archive' | 'Trash',
): { add: string[]; remove: string[] } {
  if (target === TRASH) return { add: tags.includes(TRASH) ? [] : [TRASH], remove: [] };
  const remove = tags.filter((t) => t !== target && (t === 'Inbox' || t === 'Archive' || t === TRASH));
  const add = tags.includes(target) ? [] : [target];
  return { add, remove };
}
