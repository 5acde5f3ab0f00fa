// GMAP on the Misfin port (doc §15, contract mailhost-api.md): Gemini requests authenticated by the client
// certificate; the mailbox is the certificate's UID, accepted when the certificate is that mailbox's
// registered one or signed by this host's CA.
import { ownedMailbox, senderFromCertificate } from './auth';
import type { HostContext, Reply } from './context';
import { GeminiRequestError, parseGeminiUrl } from './gemini-request';
import { handleRegistration } from './register';
import { isMessageId, TAG_PATTERN, type Mailbox } from './store';

const ok = (body: string): Reply => ({ status: 20, meta: 'text/plain', body });
const badRequest = (why: string): Reply => ({ status: 59, meta: why });
const unknownId: Reply = { status: 51, meta: 'no such message' };

/** `YYYY-MM-DDTHH:MM:SSZ` exactly (doc §15). */
function readSince(text: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(text)) return undefined;
  const time = Date.parse(text);
  return Number.isNaN(time) ? undefined : time;
}

function readId(query: string | undefined): string | undefined {
  if (query === undefined) return undefined;
  let id: string;
  try {
    id = decodeURIComponent(query);
  } catch {
    return undefined;
  }
  return isMessageId(id) ? id : undefined;
}

export async function handleGemini(
  ctx: HostContext,
  line: string,
  peer: { ip: string; certificate?: Uint8Array },
): Promise<Reply> {
  let request;
  try {
    request = parseGeminiUrl(line);
  } catch (error) {
    if (error instanceof GeminiRequestError) return badRequest(error.message);
    throw error;
  }
  const domain = ctx.domains.get(request.host);
  if (!domain) return { status: 53, meta: `${request.host} isn't served here` };
  const [first, ...rest] = request.segments;
  if (first === 'register' && rest.length === 0) {
    return handleRegistration(ctx, domain, request.query, peer.ip);
  }
  if (!peer.certificate) return { status: 60, meta: 'certificate required' };
  const identity = await senderFromCertificate(peer.certificate, ctx.now());
  if (!identity.ok) return { status: 62, meta: identity.reason };
  const mailbox = await ownedMailbox(domain, identity.sender);
  if (!mailbox) return { status: 61, meta: 'certificate not authorised for a mailbox here' };
  return route(mailbox, first, rest, request.query);
}

async function route(
  mailbox: Mailbox,
  first: string | undefined,
  rest: string[],
  query: string | undefined,
): Promise<Reply> {
  switch (first) {
    case 'tag': {
      const [tag = '', since, ...extra] = rest;
      if (extra.length > 0) return badRequest('too many path segments');
      if (tag !== '' && !TAG_PATTERN.test(tag)) return badRequest('tags are [A-Za-z0-9_-]+');
      if (query !== undefined) {
        if (tag === '' || since !== undefined) return badRequest('usage: /tag/<tag>?<id>');
        const id = readId(query);
        if (!id) return badRequest('not a message id');
        return (await mailbox.changeTags(id, (tags) => tags.add(tag))) ? ok('ok') : unknownId;
      }
      let sinceMs: number | undefined;
      if (since !== undefined) {
        sinceMs = readSince(since);
        if (sinceMs === undefined) return badRequest('the time must be YYYY-MM-DDTHH:MM:SSZ');
      }
      return ok(mailbox.listIds(tag, sinceMs).join(','));
    }
    case 'untag': {
      const [tag = '', ...extra] = rest;
      if (extra.length > 0 || !TAG_PATTERN.test(tag)) return badRequest('usage: /untag/<tag>?<id>');
      const id = readId(query);
      if (!id) return badRequest('not a message id');
      return (await mailbox.changeTags(id, (tags) => tags.delete(tag))) ? ok('ok') : unknownId;
    }
    case 'delete': {
      if (rest.length > 0) return badRequest('usage: /delete?<id>');
      const id = readId(query);
      if (!id) return badRequest('not a message id');
      const entry = mailbox.messages.get(id);
      if (!entry) return unknownId;
      if (!entry.tags.has('Trash')) return badRequest('only messages tagged Trash can be deleted');
      await mailbox.deleteMessage(id);
      return ok('ok');
    }
    case 'msgid': {
      const id = rest.length === 1 && isMessageId(rest[0]!) ? rest[0]! : undefined;
      if (!id) return badRequest('usage: /msgid/<id>');
      const text = await mailbox.readMessage(id);
      return text === undefined ? unknownId : ok(text);
    }
    case 'tags': {
      const id = rest.length === 1 && isMessageId(rest[0]!) ? rest[0]! : undefined;
      if (!id) return badRequest('usage: /tags/<id>');
      const entry = mailbox.messages.get(id);
      return entry ? ok([...entry.tags].join(',')) : unknownId;
    }
    default:
      return badRequest('unknown GMAP request');
  }
}
