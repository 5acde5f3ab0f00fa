/**
 * Conversation view (issue 8): messages grouped by thread key, newest conversation first.
 *
 * Misfin has no Message-ID or In-Reply-To (misfin-protocol.md §17), so the key is computed from the
 * message — `threadKey` in misfin/reply.ts (base subject + participants) and stored on each MessageRecord as
 * `threadKey`. Grouping takes the key function as a parameter so it stays independent of how the key is
 * made and can group search hits, folders or test data alike.
 */

/** What grouping needs from a message summary. */
export interface ConversationMember {
  id: string;
  /** Milliseconds since the epoch; 0 (unknown) sorts as oldest. */
  receivedAt: number;
}

export interface Conversation<T extends ConversationMember> {
  key: string;
  /** Oldest first, the order a conversation is read in. */
  messages: T[];
  /** The newest message: what the list row shows (sender, snippet). */
  latest: T;
  latestAt: number;
}

// Messages whose key is empty (no subject and no participants could be read) must not be lumped together
// into one giant "conversation"; each stands alone under a key no real thread key can equal.
const LONE_PREFIX = '\u0000lone:';

/** Oldest first; ties broken by id so the order never depends on input order. */
function compareMessages(a: ConversationMember, b: ConversationMember): number {
  return a.receivedAt - b.receivedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** Newest conversation first; ties by key for a stable list. */
function compareConversations<T extends ConversationMember>(a: Conversation<T>, b: Conversation<T>): number {
  return b.latestAt - a.latestAt || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
}

/**
 * Groups messages into conversations. With summaries that carry `threadKey` (MessageRecord does), the key
 * function may be left out.
 */
export function groupConversations<T extends ConversationMember & { threadKey: string }>(
  messages: readonly T[],
): Conversation<T>[];
export function groupConversations<T extends ConversationMember>(
  messages: readonly T[],
  keyOf: (message: T) => string,
): Conversation<T>[];
export function groupConversations<T extends ConversationMember>(
  messages: readonly T[],
  keyOf: (message: T) => string = (message) => (message as T & { threadKey: string }).threadKey,
): Conversation<T>[] {
  const byKey = new Map<string, T[]>();
  for (const message of messages) {
    const raw = keyOf(message);
    if (typeof raw !== 'string') throw new TypeError(`thread key of message ${message.id} is not a string`);
    const key = raw.length > 0 ? raw : LONE_PREFIX + message.id;
    const group = byKey.get(key);
    if (group) group.push(message);
    else byKey.set(key, [message]);
  }
  const conversations: Conversation<T>[] = [];
  for (const [key, group] of byKey) {
    group.sort(compareMessages);
    const latest = group[group.length - 1] as T;
    conversations.push({ key, messages: group, latest, latestAt: latest.receivedAt });
  }
  return conversations.sort(compareConversations);
}

/**
 * Search hits shown as conversations: keeps only conversations holding at least one hit, ordered by their
 * best hit's rank rather than by date, so the most relevant thread stays on top while the user types.
 */
export function conversationsForHits<T extends ConversationMember>(
  hitIds: readonly string[],
  conversations: readonly Conversation<T>[],
): Conversation<T>[] {
  const rank = new Map<string, number>();
  hitIds.forEach((id, position) => {
    if (!rank.has(id)) rank.set(id, position);
  });
  const ranked: { conversation: Conversation<T>; best: number }[] = [];
  for (const conversation of conversations) {
    let best = Infinity;
    for (const message of conversation.messages) best = Math.min(best, rank.get(message.id) ?? Infinity);
    if (best !== Infinity) ranked.push({ conversation, best });
  }
  return ranked.sort((a, b) => a.best - b.best).map((entry) => entry.conversation);
}
