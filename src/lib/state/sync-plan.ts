import type { TagAction } from '../store/schema';

/**
 * Planning a GMAP sync (protocol doc §15). The host answers `/tag/<tag>` with the ids carrying that tag, so a
 * handful of list requests tell us every message's tags; only ids we have never seen need a `/msgid/`
 * fetch — sync fetches what is new and nothing else.
 */

/** Tags we list: the folders, the Unread status and the host's sender-verification tags (mailhost API). */
export const SYNC_TAGS = [
  'Inbox',
  'Archive',
  'Sent',
  'Drafts',
  'Trash',
  'Unread',
  'SenderVerified',
  'SenderUnverified',
  'ViaKnown',
  'ViaHostCA',
  'ViaProbe',
  'ViaNone',
] as const;

export interface SyncPlan {
  /** Ids the host has and this browser does not: fetch their bodies. */
  fetch: string[];
  /** Ids this browser has and the host no longer lists: deleted elsewhere. */
  remove: string[];
  /** Known ids whose tags changed on the host. */
  retag: Map<string, string[]>;
  /** Tags of every id on the host (after pending local changes are applied). */
  tags: Map<string, string[]>;
}

/** Pairs each listed tag with the host's answer for it. */
export function listsByTag(
  tags: readonly string[],
  answers: readonly (readonly string[])[],
): Map<string, readonly string[]> {
  return new Map(tags.map((tag, i) => [tag, answers[i] ?? []]));
}

/** The stored messages' tags by id, the `local` side of planSync. */
export function localTags(messages: readonly { id: string; tags: string[] }[]): Map<string, string[]> {
  return new Map(messages.map((m) => [m.id, m.tags]));
}

/** The message list after a sync: removed and replaced ids dropped, replacements and new ones added. */
export function mergeMessages<T extends { id: string }>(
  current: readonly T[],
  removed: Iterable<string>,
  added: readonly T[],
): T[] {
  const gone = new Set([...removed, ...added.map((m) => m.id)]);
  return [...current.filter((m) => !gone.has(m.id)), ...added];
}

/** Turns `{tag: ids}` into `{id: tags}`, tags in SYNC_TAGS order. */
export function tagsById(lists: ReadonlyMap<string, readonly string[]>): Map<string, string[]> {
  const byId = new Map<string, string[]>();
  for (const [tag, ids] of lists) {
    for (const id of ids) {
      const tags = byId.get(id);
      if (tags) {
        if (!tags.includes(tag)) tags.push(tag);
      } else byId.set(id, [tag]);
    }
  }
  return byId;
}

/** Applies a change to a tag set; pending changes overlay the host's view until they are sent. */
export function applyTagAction(tags: readonly string[], action: TagAction): string[] | undefined {
  if (action.kind === 'delete') return undefined;
  if (action.kind === 'tag') return tags.includes(action.tag) ? [...tags] : [...tags, action.tag];
  return tags.filter((t) => t !== action.tag);
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((t) => b.includes(t));
}

/**
 * @param remoteLists the host's answer per listed tag, plus `''` for `/tag/` (all ids not in Trash)
 * @param local tags of the messages already stored
 * @param pending queued local changes, oldest first, not yet accepted by the host
 */
export function planSync(
  remoteLists: ReadonlyMap<string, readonly string[]>,
  local: ReadonlyMap<string, readonly string[]>,
  pending: readonly { messageId: string; action: TagAction }[] = [],
): SyncPlan {
  const byId = tagsById(new Map([...remoteLists].filter(([tag]) => tag !== '')));
  for (const id of remoteLists.get('') ?? []) if (!byId.has(id)) byId.set(id, []);
  for (const change of pending) {
    const current = byId.get(change.messageId);
    if (!current) continue;
    const next = applyTagAction(current, change.action);
    if (next) byId.set(change.messageId, next);
    else byId.delete(change.messageId);
  }
  const fetch: string[] = [];
  const retag = new Map<string, string[]>();
  for (const [id, tags] of byId) {
    const known = local.get(id);
    if (!known) fetch.push(id);
    else if (!sameSet(known, tags)) retag.set(id, tags);
  }
  const remove = [...local.keys()].filter((id) => !byId.has(id));
  return { fetch, remove, retag, tags: byId };
}
