import { parseGemmailC, type Gemmail } from '../misfin/gemmail';
import { GmapError } from './errors';
import { GEMINI_DEFAULT_PORT } from './request';

/**
 * GMAP URL builders and answer parsers (protocol doc §15: Gemini requests on the user's own host,
 * authenticated with the Misfin identity certificate). Message ids are opaque, server-chosen strings, so they
 * are percent-encoded wherever they go into a URL.
 */
export interface GmapServer {
  host: string;
  /** GMAP "SHOULD use the default port of 1958"; Titlani uses 1960 (doc §15). */
  port: number;
}

/** Tags every GMAP host keeps: the folders, plus Trash and Unread (doc §15). */
export const GMAP_TAGS = {
  inbox: 'Inbox',
  archive: 'Archive',
  sent: 'Sent',
  drafts: 'Drafts',
  trash: 'Trash',
  unread: 'Unread',
} as const;

/** Tags match `[A-Za-z0-9_-]+` (doc §15). */
export function checkTag(tag: string): string {
  if (!/^[A-Za-z0-9_-]+$/.test(tag)) {
    throw new GmapError(`"${tag.slice(0, 40)}" is not a GMAP tag: use letters, digits, "_" and "-"`);
  }
  return tag;
}

function checkId(id: string): string {
  if (id === '' || /[\r\n]/.test(id))
    throw new GmapError('a GMAP message id must be non-empty and on one line');
  return encodeURIComponent(id);
}

function base(server: GmapServer): string {
  const host = server.host.includes(':') ? `[${server.host}]` : server.host;
  return server.port === GEMINI_DEFAULT_PORT ? `gemini://${host}` : `gemini://${host}:${server.port}`;
}

/** `YYYY-MM-DDTHH:MM:SSZ`, the only since-form GMAP documents. */
function sinceStamp(since: Date): string {
  if (Number.isNaN(since.getTime())) throw new GmapError('the "since" time is not a valid date');
  return since.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * `/tag/<tag>` lists the ids with that tag, `/tag/` every id not tagged Trash, and
 * `/tag/<tag>/<time>` the ids since that time (doc §15).
 */
export function gmapListUrl(server: GmapServer, tag?: string, since?: Date): string {
  if (tag === undefined || tag === '') {
    if (since) throw new GmapError('a "since" listing needs a tag');
    return `${base(server)}/tag/`;
  }
  const path = `${base(server)}/tag/${checkTag(tag)}`;
  return since ? `${path}/${sinceStamp(since)}` : path;
}

/** `/msgid/<id>`: the message in Misfin(C) form with all metadata. */
export function gmapMessageUrl(server: GmapServer, id: string): string {
  return `${base(server)}/msgid/${checkId(id)}`;
}

/** `/tag/<tag>?<id>` adds a tag. */
export function gmapAddTagUrl(server: GmapServer, tag: string, id: string): string {
  return `${base(server)}/tag/${checkTag(tag)}?${checkId(id)}`;
}

/** `/untag/<tag>?<id>` removes a tag. */
export function gmapRemoveTagUrl(server: GmapServer, tag: string, id: string): string {
  return `${base(server)}/untag/${checkTag(tag)}?${checkId(id)}`;
}

/**
 * `/delete?<id>`. The host deletes only messages tagged Trash; we refuse to ask for anything else, so a
 * bug in the page can never destroy mail that is still in a folder.
 */
export function gmapDeleteUrl(server: GmapServer, id: string, currentTags: readonly string[]): string {
  if (!currentTags.includes(GMAP_TAGS.trash)) {
    throw new GmapError('only messages in Trash can be deleted; move the message to Trash first');
  }
  return `${base(server)}/delete?${checkId(id)}`;
}

/** A list answer: comma-separated ids, optional space after the comma (doc §15); line breaks tolerated. */
export function parseGmapIdList(body: string): string[] {
  const ids = body
    .split(/[,\r\n]/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
  for (const id of ids) {
    if (/\s/.test(id))
      throw new GmapError(`"${id.slice(0, 40)}" is not a GMAP message id (it contains whitespace)`);
  }
  return [...new Set(ids)];
}

/** A `/msgid/` answer: the message in Misfin(C) wire format (doc §15). */
export function parseGmapMessage(body: string): Gemmail {
  return parseGemmailC(body);
}
