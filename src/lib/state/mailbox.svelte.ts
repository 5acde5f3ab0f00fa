import { text } from '../messages';
import type { MessageRecord, TagAction } from '../store';
import { FOLDERS, folderCounts, inFolder, moveChanges, UNREAD, type Folder } from './folders';
import { GmapError } from '../gemini/errors';
import { GMAP_TAGS } from '../gemini/gmap';
import { GmapClient } from '../gemini/gmap-client';
import { runPool } from './run-pool';
import { MailSearch } from './mail-search.svelte';
import { groupConversations } from '../search/conversations';
import { describeFailure } from './host-keys.svelte';
import { toMessageRecord } from './mail-record';
import { listsByTag, localTags, mergeMessages, planSync, SYNC_TAGS } from './sync-plan';
import type { Webmail } from './webmail.svelte';

/** GMAP requests in flight at once: each is its own TLS connection (design §3). */
export const LIST_CONNECTIONS = 6;
export const FETCH_CONNECTIONS = 12;
/** How often the sync progress bar moves. */
const PROGRESS_EVERY_MS = 200;
/** Messages written to IndexedDB per transaction during a long sync. */
const BATCH = 100;
/** Rows of the message list drawn once the mailbox is loaded, and added by "Show more". */
export const PAGE_ROWS = 100;
/** No list row is shorter than this (MessageList.svelte: one line of text and its padding). */
const MIN_ROW_PX = 30;

/**
 * Rows read and drawn before the rest of the mailbox loads: what fills this window even if the list started
 * at its top, and no more, so a returning user with 10,000 messages sees them within the 150 ms budget
 * (issue 8, design §6). 24 rows on a 720 px window, 36 on 1080 px.
 */
export const FIRST_ROWS =
  typeof innerHeight === 'number' && innerHeight > 0
    ? Math.min(PAGE_ROWS, Math.max(10, Math.ceil(innerHeight / MIN_ROW_PX)))
    : 40;
/** Id lists of a large mailbox can be long. */
const MAX_LIST_BYTES = 4 * 1024 * 1024;

/**
 * Resolves once the browser has had a chance to paint what is in the DOM now, so heavier work that follows
 * (reading a whole mailbox) does not hold up the first screen. A hidden tab gets no frames: the timer covers it.
 */
export function afterPaint(): Promise<void> {
  return new Promise((resolve) => {
    setTimeout(resolve, 100);
    requestAnimationFrame(() => setTimeout(resolve, 0));
  });
}

/** A system notification for new mail, when the user allowed it and is looking elsewhere. */
function notifyNewMail(count: number): void {
  if (count === 0 || typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
  if (document.visibilityState === 'visible') return;
  new Notification(text.notify.title(count), { body: text.notify.body, tag: 'new-mail' });
}

/** The current identity's messages, folders and sync with the host over GMAP. */
export class Mailbox {
  messages = $state.raw<MessageRecord[]>([]);
  folder = $state<Folder>('Inbox');
  selectedId = $state<string>();
  syncing = $state(false);
  progress = $state({ done: 0, total: 0 });
  lastSync = $state<number>();
  /** Set when the host could not be reached; stored mail still shows and changes queue up. */
  offline = $state<string>();

  readonly search = new MailSearch();
  /** Show the folder as conversations grouped by thread key instead of single messages. */
  threaded = $state(false);

  readonly counts = $derived(folderCounts(this.messages));
  readonly inFolderNow = $derived(
    this.messages.filter((m) => inFolder(m.tags, this.folder)).sort((a, b) => b.receivedAt - a.receivedAt),
  );
  /** Search results across every folder, best first, while a query is typed; else the folder. */
  readonly visible = $derived.by(() => {
    const ids = this.search.hits();
    if (this.search.query.trim() === '') return this.inFolderNow;
    // A lookup table rebuilt with each result, never mutated: no reactivity needed.
    // eslint-disable-next-line svelte/prefer-svelte-reactivity
    const byId = new Map(this.messages.map((m) => [m.id, m]));
    return ids.flatMap((id) => byId.get(id) ?? []);
  });
  readonly conversations = $derived(groupConversations(this.visible));
  /** Rows drawn; the list grows on demand, so a mailbox of 10,000 draws its first screen at once (design §6). */
  shown = $state(PAGE_ROWS);
  readonly page = $derived(this.visible.slice(0, this.shown));
  readonly conversationPage = $derived(this.conversations.slice(0, this.shown));
  readonly selected = $derived(this.messages.find((m) => m.id === this.selectedId));

  #owner: string | undefined;

  constructor(private readonly app: Webmail) {}

  /**
   * Shows `owner`'s mail: the first screen from the newest rows alone (`first`, when startup already read
   * them), then, once that is drawn, everything (counts, other folders, search).
   */
  async load(owner: string, first?: MessageRecord[]): Promise<void> {
    this.#owner = owner;
    this.selectedId = undefined;
    const newest = first ?? (await this.app.store.messages.newest(owner, FIRST_ROWS));
    if (this.#owner !== owner) return;
    this.messages = newest;
    if (newest.length < FIRST_ROWS) {
      // Fewer than asked for: that is the whole mailbox.
      void this.search.rebuild(newest);
      return;
    }
    await afterPaint();
    if (this.#owner !== owner) return;
    const all = await this.app.store.messages.listFor(owner);
    if (this.#owner !== owner) return;
    this.messages = all;
    void this.search.rebuild(all);
  }

  /** Forgets the shown mail and its index (the page locked). */
  clear(): void {
    this.messages = [];
    this.selectedId = undefined;
    this.search.clear();
  }

  #client(): GmapClient | undefined {
    const identity = this.app.current;
    if (!identity || identity.origin === 'self-signed') return undefined;
    return new GmapClient({
      open: this.app.net.opener(identity),
      server: { host: identity.host, port: identity.port },
      maxListBytes: MAX_LIST_BYTES,
    });
  }

  /** Fetches only what is new: tag lists tell every message's tags, bodies are fetched for unknown ids. */
  async sync(): Promise<void> {
    const owner = this.#owner;
    const client = this.#client();
    if (!owner || !client || this.syncing) return;
    this.syncing = true;
    this.progress = { done: 0, total: 0 };
    try {
      await this.flushQueue();
      const tags = ['', ...SYNC_TAGS];
      const lists = await runPool(tags, LIST_CONNECTIONS, (tag) => client.listIds(tag));
      const pending = await this.app.store.tagQueue.listFor(owner);
      const byTag = listsByTag(tags, lists);
      const plan = planSync(byTag, localTags(this.messages), pending);
      // A draft is replaced on the host under the same id (MGID, protocol doc §15), so ids alone do not show
      // an edit: the Drafts folder (a handful of messages) is fetched again on every sync.
      // A local lookup table, never rendered.
      // eslint-disable-next-line svelte/prefer-svelte-reactivity
      const toFetch = new Set(plan.fetch);
      for (const id of byTag.get(GMAP_TAGS.drafts) ?? []) {
        if (!toFetch.has(id) && plan.tags.has(id)) {
          toFetch.add(id);
          plan.fetch.push(id);
        }
      }

      this.progress = { done: 0, total: plan.fetch.length };
      let batch: MessageRecord[] = [];
      const fetched: MessageRecord[] = [];
      let done = 0;
      let shownAt = performance.now();
      await runPool(plan.fetch, FETCH_CONNECTIONS, async (id) => {
        const raw = await client.fetchRaw(id);
        const record = toMessageRecord(owner, id, raw, plan.tags.get(id) ?? []);
        batch.push(record);
        fetched.push(record);
        done++;
        // The bar moves at most every PROGRESS_EVERY_MS: a redraw per message would cost a long sync dearly.
        const now = performance.now();
        if (now - shownAt >= PROGRESS_EVERY_MS) {
          shownAt = now;
          this.progress = { done, total: plan.fetch.length };
        }
        if (batch.length >= BATCH) {
          const full = batch;
          batch = [];
          await this.app.store.messages.putMany(full);
        }
      });
      await this.app.store.messages.putMany(batch);
      this.progress = { done, total: plan.fetch.length };
      const retagged = this.messages
        .filter((m) => plan.retag.has(m.id) && !toFetch.has(m.id))
        .map((m) => ({ ...m, tags: plan.retag.get(m.id) ?? m.tags }));
      await this.app.store.messages.putMany(retagged);
      await this.app.store.messages.deleteMany(owner, plan.remove);
      if (this.#owner === owner) {
        this.messages = mergeMessages(this.messages, plan.remove, [...retagged, ...fetched]);
        this.search.update(fetched, plan.remove);
        notifyNewMail(fetched.filter((m) => m.tags.includes(UNREAD)).length);
      }
      this.offline = undefined;
      this.lastSync = Date.now();
    } catch (error) {
      this.app.hostKeys.notice(error);
      this.offline = describeFailure(error);
    } finally {
      this.syncing = false;
    }
  }

  open(id: string): void {
    this.selectedId = id;
    const message = this.messages.find((m) => m.id === id);
    if (message?.tags.includes(UNREAD)) void this.change(id, [], [UNREAD]);
  }

  markUnread(id: string): Promise<void> {
    return this.change(id, [UNREAD], []);
  }

  move(id: string, target: 'Inbox' | 'Archive' | 'Trash'): Promise<void> {
    const message = this.messages.find((m) => m.id === id);
    if (!message) return Promise.resolve();
    const { add, remove } = moveChanges(message.tags, target);
    if (this.selectedId === id) this.selectedId = undefined;
    return this.change(id, add, remove);
  }

  /** Deleting is allowed only from Trash (GMAP `/delete` requires the Trash tag, doc §15). */
  async deleteForever(id: string): Promise<void> {
    const owner = this.#owner;
    if (!owner) return;
    this.messages = this.messages.filter((m) => m.id !== id);
    this.search.update([], [id]);
    if (this.selectedId === id) this.selectedId = undefined;
    await this.app.store.messages.deleteMany(owner, [id]);
    await this.app.store.tagQueue.add({
      owner,
      messageId: id,
      action: { kind: 'delete' },
      createdAt: Date.now(),
    });
    await this.flushQueue();
  }

  /** Applies locally at once, queues for the host, then tries to send the queue. */
  async change(id: string, add: string[], remove: string[]): Promise<void> {
    const owner = this.#owner;
    const message = this.messages.find((m) => m.id === id);
    if (!owner || !message) return;
    const tags = [
      ...message.tags.filter((t) => !remove.includes(t)),
      ...add.filter((t) => !message.tags.includes(t)),
    ];
    this.messages = this.messages.map((m) => (m.id === id ? { ...m, tags } : m));
    await this.app.store.messages.setTags(owner, id, tags);
    const actions: TagAction[] = [
      ...remove.map((tag) => ({ kind: 'untag' as const, tag })),
      ...add.map((tag) => ({ kind: 'tag' as const, tag })),
    ];
    for (const action of actions) {
      await this.app.store.tagQueue.add({ owner, messageId: id, action, createdAt: Date.now() });
    }
    await this.flushQueue();
  }

  /** Sends queued tag changes in order; stops at the first one that cannot reach the host (offline). */
  async flushQueue(): Promise<void> {
    const owner = this.#owner;
    const client = this.#client();
    if (!owner || !client) return;
    for (const change of await this.app.store.tagQueue.listFor(owner)) {
      try {
        const { action, messageId } = change;
        // A delete is queued only from Trash (deleteForever), which GMAP requires.
        if (action.kind === 'delete') await client.deleteMessage(messageId, [GMAP_TAGS.trash]);
        else if (action.kind === 'tag') await client.addTag(messageId, action.tag);
        else await client.removeTag(messageId, action.tag);
      } catch (error) {
        // The host answered and refused (unknown id, say), or the change is not a valid GMAP request: drop it,
        // it will never succeed.
        if (!(error instanceof GmapError)) {
          this.app.hostKeys.notice(error);
          this.offline = describeFailure(error);
          return;
        }
      }
      if (change.seq !== undefined) await this.app.store.tagQueue.delete(change.seq);
    }
  }

  get folders(): readonly Folder[] {
    return FOLDERS;
  }
}
