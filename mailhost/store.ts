// Mailbox storage, written durably (durable.ts), with an in-memory index rebuilt from the directory at
// startup. A delivery is ONE file, `<id>.<tag>+<tag>....gmi`: the message in Misfin(C) wire form (3 metadata
// lines + gemtext, exactly what GMAP `/msgid/<id>` returns, doc §15), its initial tags in the name (tags are
// `[A-Za-z0-9_-]`, so "." and "+" cannot clash). One file means one fsync per delivery — half the disk work
// of a separate tags file, which the budget (500 deliveries/s, design.md §6) needs. Later tag changes go to
// `<id>.tags`, which overrides the name.
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { removeFileDurable, TEMP_SUFFIX, writeFileDurable } from './durable';

export interface MailboxMeta {
  name: string;
  blurb?: string;
  kind: 'user' | 'list';
  /** Registered certificate fingerprints (a mailbox may have its own certificate, bp §3). */
  fingerprints: string[];
  createdAt: string;
  quota?: { maxMessages: number; maxBytes: number };
  /** Mailing lists only: subscriber addresses. */
  subscribers?: string[];
}

export interface MessageEntry {
  id: string;
  receivedAt: number;
  size: number;
  tags: Set<string>;
  /** The message file's name in messages/. */
  file: string;
}

export class QuotaExceededError extends Error {
  override readonly name = 'QuotaExceededError';
}

/** GMAP tags are `[A-Za-z0-9_-]+` (doc §15). */
export const TAG_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
/** `<id>.<tags>.gmi`, or `<id>.gmi` (a hand-copied message: tags Inbox + Unread). */
const MESSAGE_FILE = /^(\d{13}-[0-9a-f]{8})(?:\.([A-Za-z0-9_+-]*))?\.gmi$/;
const DEFAULT_TAGS = ['Inbox', 'Unread'];

function messageFileName(id: string, tags: string[]): string {
  return `${id}.${tags.filter((t) => TAG_PATTERN.test(t)).join('+')}.gmi`;
}

/** Random bytes for ids, drawn from a pool: one randomBytes call per delivery cost more than the rest of the id. */
let randomPool = Buffer.alloc(0);
let randomOffset = 0;

function randomHex4(): string {
  if (randomOffset + 4 > randomPool.length) {
    randomPool = randomBytes(4096);
    randomOffset = 0;
  }
  randomOffset += 4;
  return randomPool.toString('hex', randomOffset - 4, randomOffset);
}

/** Ids sort by receipt time: 13-digit milliseconds, then random hex so two messages in one ms differ. */
function newMessageId(now: number): string {
  return `${String(now).padStart(13, '0')}-${randomHex4()}`;
}

const MESSAGE_ID = /^\d{13}-[0-9a-f]{8}$/;

export function isMessageId(id: string): boolean {
  return MESSAGE_ID.test(id);
}

export class Mailbox {
  private bytes = 0;
  /** Messages being written: counted by the quota, invisible to readers until on disk. */
  private inFlight = 0;
  /** Serialises tag-file writes per message, so the last change in memory is the last on disk. */
  private tagWrites = new Map<string, Promise<void>>();

  private constructor(
    readonly dir: string,
    public meta: MailboxMeta,
    readonly messages: Map<string, MessageEntry>,
  ) {
    for (const entry of messages.values()) this.bytes += entry.size;
  }

  get name(): string {
    return this.meta.name;
  }

  private get messageDir(): string {
    return join(this.dir, 'messages');
  }

  static async create(dir: string, meta: MailboxMeta): Promise<Mailbox> {
    await mkdir(join(dir, 'messages'), { recursive: true });
    const mailbox = new Mailbox(dir, meta, new Map());
    await mailbox.saveMeta();
    return mailbox;
  }

  /** Reads meta.json and indexes messages; removes temporary files left by a crash (never answered 20). */
  static async load(dir: string): Promise<Mailbox> {
    const meta = JSON.parse(await readFile(join(dir, 'meta.json'), 'utf8')) as MailboxMeta;
    const messageDir = join(dir, 'messages');
    await mkdir(messageDir, { recursive: true });
    const names = await readdir(messageDir);
    const present = new Set(names);
    const messages = new Map<string, MessageEntry>();
    for (const name of names) {
      if (name.endsWith(TEMP_SUFFIX)) {
        await unlink(join(messageDir, name)).catch(() => undefined);
        continue;
      }
      const match = MESSAGE_FILE.exec(name);
      if (!match) continue;
      const id = match[1]!;
      const info = await stat(join(messageDir, name));
      let tags =
        match[2] === undefined ? DEFAULT_TAGS : match[2].split('+').filter((t) => TAG_PATTERN.test(t));
      if (present.has(`${id}.tags`)) {
        const text = await readFile(join(messageDir, `${id}.tags`), 'utf8');
        tags = text.split(/[,\s]+/).filter((t) => TAG_PATTERN.test(t));
      }
      messages.set(id, {
        id,
        receivedAt: Number(id.slice(0, 13)),
        size: info.size,
        tags: new Set(tags),
        file: name,
      });
    }
    // Orphaned tag files (a delete interrupted between the two unlinks) are dropped.
    for (const name of names) {
      if (name.endsWith('.tags') && !messages.has(name.slice(0, -5))) {
        await unlink(join(messageDir, name)).catch(() => undefined);
      }
    }
    return new Mailbox(dir, meta, messages);
  }

  async saveMeta(): Promise<void> {
    await writeFileDurable(join(this.dir, 'meta.json'), JSON.stringify(this.meta, null, 2) + '\n');
  }

  usage(): { messages: number; bytes: number } {
    return { messages: this.messages.size, bytes: this.bytes };
  }

  /**
   * Stores a message durably and resolves only once it is on disk (then the caller may answer 20).
   * Quota is reserved before the first await so concurrent deliveries cannot overshoot it.
   */
  async addMessage(
    text: string,
    tags: string[],
    options: { now?: number; quota: { maxMessages: number; maxBytes: number }; replaceId?: string },
  ): Promise<string> {
    const now = options.now ?? Date.now();
    const data = Buffer.from(text, 'utf8');
    const replacing = options.replaceId ? this.messages.get(options.replaceId) : undefined;
    const quota = this.meta.quota ?? options.quota;
    const extraMessages = replacing ? 0 : 1;
    const extraBytes = data.length - (replacing?.size ?? 0);
    if (
      this.messages.size + this.inFlight + extraMessages > quota.maxMessages ||
      this.bytes + extraBytes > quota.maxBytes
    ) {
      throw new QuotaExceededError(`mailbox ${this.name} is full`);
    }
    const id = replacing ? replacing.id : newMessageId(now);
    const file = messageFileName(id, tags);
    const entry: MessageEntry = {
      id,
      receivedAt: replacing?.receivedAt ?? now,
      size: data.length,
      // A replaced draft keeps the tags it has now (a `.tags` file, if any, still overrides the name).
      tags: replacing ? replacing.tags : new Set(tags),
      file,
    };
    this.bytes += extraBytes;
    this.inFlight += extraMessages;
    try {
      await writeFileDurable(join(this.messageDir, file), data);
      if (replacing && replacing.file !== file)
        await removeFileDurable(join(this.messageDir, replacing.file));
    } catch (error) {
      this.bytes -= extraBytes;
      throw error;
    } finally {
      this.inFlight -= extraMessages;
    }
    this.messages.set(id, entry);
    return id;
  }

  async readMessage(id: string): Promise<string | undefined> {
    const entry = this.messages.get(id);
    if (!entry) return undefined;
    return readFile(join(this.messageDir, entry.file), 'utf8');
  }

  /** Ids with `tag` (or, for an empty tag, every id not in Trash, doc §15), oldest first. */
  listIds(tag: string, since?: number): string[] {
    const ids: string[] = [];
    for (const entry of this.messages.values()) {
      if (since !== undefined && entry.receivedAt < since) continue;
      if (tag === '' ? entry.tags.has('Trash') : !entry.tags.has(tag)) continue;
      ids.push(entry.id);
    }
    return ids.sort();
  }

  async changeTags(id: string, change: (tags: Set<string>) => void): Promise<boolean> {
    const entry = this.messages.get(id);
    if (!entry) return false;
    change(entry.tags);
    const previous = this.tagWrites.get(id) ?? Promise.resolve();
    const write = previous
      .catch(() => undefined)
      .then(() => writeFileDurable(join(this.messageDir, `${id}.tags`), [...entry.tags].join(',') + '\n'));
    this.tagWrites.set(id, write);
    try {
      await write;
    } finally {
      if (this.tagWrites.get(id) === write) this.tagWrites.delete(id);
    }
    return true;
  }

  /** Removes the message file first: a crash in between leaves an orphan tags file, which load() drops. */
  async deleteMessage(id: string): Promise<boolean> {
    const entry = this.messages.get(id);
    if (!entry) return false;
    this.messages.delete(id);
    this.bytes -= entry.size;
    await removeFileDurable(join(this.messageDir, entry.file));
    await removeFileDurable(join(this.messageDir, `${id}.tags`)).catch(() => undefined);
    return true;
  }
}
