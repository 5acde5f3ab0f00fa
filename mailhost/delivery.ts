// Misfin delivery (spec §1-§4, Misfin(C) draft 9, issue 6): decide the status of one request and store the
// message durably before answering 20.
import { parseGemmailB, parseGemmailC, type Gemmail } from '../src/lib/misfin/gemmail';
import { formatGemmailC, formatTimestamp } from '../src/lib/misfin/gemmail-format';
import { isProbeMessage, toStoredGemmail } from '../src/lib/misfin/received';
import { GemmailError } from '../src/lib/misfin/errors';
import type { MisfinAddress } from '../src/lib/misfin/address';
import { ownedMailbox, senderFromCertificate } from './auth';
import { fingerprintOf } from './fingerprint';
import type { HostContext, Reply } from './context';
import type { Domain } from './domain';
import { QuotaExceededError, type Mailbox } from './store';
import type { Sender } from './verify-sender';

export interface DeliveryRequest {
  form: 'B' | 'C';
  address: MisfinAddress;
  message: string;
}

export interface Peer {
  ip: string;
  /** DER of the client certificate, when one was sent. */
  certificate?: Uint8Array;
}

export function parseIncoming(request: DeliveryRequest): Gemmail {
  return request.form === 'B' ? parseGemmailB(request.message) : parseGemmailC(request.message);
}

/**
 * The stored form: Misfin(C) with the authenticated sender and the receipt time prepended (doc §8, §19 #7),
 * whatever form it arrived in (Titlani converts B to C the same way).
 */
export function storedText(
  request: DeliveryRequest,
  sender: Sender,
  blurb: string | undefined,
  receivedAt: number,
): string {
  return toStoredGemmail(request.message, request.form, {
    sender: blurb ? { address: sender.text, name: blurb } : { address: sender.text },
    at: new Date(receivedAt),
    recipient: `${request.address.mailbox}@${request.address.host}`,
  });
}

export async function handleDelivery(ctx: HostContext, request: DeliveryRequest, peer: Peer): Promise<Reply> {
  const domain = ctx.domains.get(request.address.host);
  if (!domain) return { status: 53, meta: `${request.address.host} isn't served here` };
  // Before any lookup, so a flood of requests for made-up mailboxes is limited too.
  if (!ctx.ipLimiter.take(peer.ip)) {
    return { status: 44, meta: String(ctx.ipLimiter.retryAfterSeconds(peer.ip)) };
  }
  const isGmap = request.address.mailbox.toLowerCase() === 'gmap';
  const mailbox = isGmap ? undefined : await domain.mailbox(request.address.mailbox);
  if (!isGmap && !mailbox) return { status: 51, meta: "mailbox doesn't exist" };
  if (isProbeMessage(request.message)) {
    const by = peer.certificate ? fingerprintOf(peer.certificate) : 'no certificate';
    ctx.log(`probe ${request.address.mailbox}@${domain.host} by ${by}`);
    // A probe stores nothing and needs no certificate (doc §19 #4; seed 000 verification loops end here).
    return { status: 20, meta: mailbox ? domain.fingerprintOf(mailbox) : domain.ca.fingerprint };
  }
  if (!peer.certificate) return { status: 60, meta: 'certificate required' };
  const now = ctx.now();
  const identity = await senderFromCertificate(peer.certificate, now);
  if (!identity.ok) return { status: 62, meta: identity.reason };
  const { sender, blurb } = identity;
  if (!ctx.senderLimiter.take(sender.fingerprint)) {
    return { status: 44, meta: String(ctx.senderLimiter.retryAfterSeconds(sender.fingerprint)) };
  }
  let mail: Gemmail;
  try {
    mail = parseIncoming(request);
  } catch (error) {
    if (error instanceof GemmailError) return { status: 59, meta: error.message };
    throw error;
  }
  if (isGmap) return storeOwnCopy(ctx, domain, sender, blurb, request, now);
  const outcome = await ctx.verifier.verify(sender, {
    certificateChain: [domain.ca.certDer],
    privateKey: domain.ca.key,
  });
  if (outcome.kind === 'reject') {
    ctx.log(`deliver ${request.address.mailbox}@${domain.host} from ${sender.text}: 63 ${outcome.reason}`);
    return { status: 63, meta: outcome.reason };
  }
  const target = mailbox!;
  if (target.meta.kind === 'list') {
    return ctx.lists.handle(domain, target, {
      request,
      mail,
      sender,
      blurb,
      verified: outcome.verified,
      receivedAt: now,
    });
  }
  const tags = ['Inbox', 'Unread', outcome.verified ? 'SenderVerified' : 'SenderUnverified', outcome.how];
  return storeAndAnswer(ctx, domain, target, storedText(request, sender, blurb, now), tags, now);
}

async function storeAndAnswer(
  ctx: HostContext,
  domain: Domain,
  mailbox: Mailbox,
  text: string,
  tags: string[],
  now: number,
  replaceId?: string,
): Promise<Reply> {
  try {
    await mailbox.addMessage(text, tags, {
      now,
      quota: ctx.settings.quota,
      ...(replaceId ? { replaceId } : {}),
    });
  } catch (error) {
    if (error instanceof QuotaExceededError) return { status: 45, meta: 'mailbox full' };
    throw error;
  }
  return { status: 20, meta: domain.fingerprintOf(mailbox) };
}

/**
 * `gmap@HOST` (contract, GMAP "GMAP misfin address for sent mail and drafts"): the owner's own copy, tagged
 * Sent, or a draft when the first line is `MGID:<id>` (`MGID:` alone = a new draft), replacing draft <id>.
 */
async function storeOwnCopy(
  ctx: HostContext,
  domain: Domain,
  sender: Sender,
  blurb: string | undefined,
  request: DeliveryRequest,
  now: number,
): Promise<Reply> {
  const owner = await ownedMailbox(domain, sender);
  if (!owner) return { status: 61, meta: 'only a mailbox owner of this host may store copies here' };
  let message = request.message;
  let draftOf: string | undefined;
  let isDraft = false;
  const mgid = /^MGID:([^\r\n]*)\r?\n?/.exec(message);
  if (mgid) {
    isDraft = true;
    draftOf = mgid[1]!.trim() || undefined;
    message = message.slice(mgid[0].length);
    if (draftOf && !owner.messages.get(draftOf)?.tags.has('Drafts')) {
      return { status: 59, meta: `no draft ${draftOf.slice(0, 40)} in your mailbox` };
    }
  }
  let text: string;
  try {
    // The owner's copy keeps only the recipients the client wrote: the request address gmap@HOST is not one.
    const mail = parseIncoming({ ...request, message });
    text = formatGemmailC({
      senders: [blurb ? { address: sender.text, name: blurb } : { address: sender.text }, ...mail.senders],
      recipients: mail.recipients,
      timestamps: [formatTimestamp(new Date(now)), ...mail.timestamps],
      body: mail.body,
    });
  } catch (error) {
    if (error instanceof GemmailError) return { status: 59, meta: error.message };
    throw error;
  }
  return storeAndAnswer(ctx, domain, owner, text, [isDraft ? 'Drafts' : 'Sent'], now, draftOf);
}
