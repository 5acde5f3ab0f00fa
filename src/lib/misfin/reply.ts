import { formatAddress, tryParseAddress } from './address';
import { findSubject, type Gemmail } from './gemmail';
import { normaliseNewlines, type Draft, type OutgoingMail } from './gemmail-format';

function normalised(address: string): string {
  const parsed = tryParseAddress(address);
  return parsed ? formatAddress(parsed) : address.trim();
}

/**
 * Who a reply goes to: "the address in the sender line (if present), followed by the addresses in the
 * recipients line" for reply-all; clients "are required to check for duplicate addresses" and never send back
 * to their own address (spec §4.2).
 */
export function replyTargets(mail: Gemmail, self: string, all: boolean): string[] {
  const me = normalised(self);
  const direct = mail.senders[0]?.address;
  const candidates = [...(direct ? [direct] : []), ...(all ? mail.recipients : [])];
  const out: string[] = [];
  for (const candidate of candidates.map(normalised)) {
    if (candidate !== me && !out.includes(candidate)) out.push(candidate);
  }
  return out;
}

const PREFIX = /^\s*(re|fwd?)\s*:\s*/i;

/** The subject with every leading Re:/Fwd:/Fw: removed, however often and in whatever case. */
export function baseSubject(subject: string | undefined): string {
  let text = (subject ?? '').trim();
  while (PREFIX.test(text)) text = text.replace(PREFIX, '');
  return text.trim();
}

/** `Re: ` added once: an existing Re: is kept as it is (doc §9, "# Re: <subject>" in the wild). */
export function replySubject(subject: string | undefined): string {
  const text = (subject ?? '').trim();
  return /^re\s*:/i.test(text) ? text : `Re: ${text}`.trim();
}

export function forwardSubject(subject: string | undefined): string {
  const text = (subject ?? '').trim();
  return /^fwd?\s*:/i.test(text) ? text : `Fwd: ${text}`.trim();
}

/** The original body as gemtext quote lines (`> `), without the subject heading that the Re: line replaces. */
export function quoteBody(mail: Gemmail): string {
  const lines = normaliseNewlines(mail.body).split('\n');
  const subjectAt = mail.subject === undefined ? -1 : lines.findIndex((l) => findSubject(l) === mail.subject);
  const kept = lines.filter((_, i) => i !== subjectAt);
  while (kept.length > 0 && kept[0]?.trim() === '') kept.shift();
  while (kept.length > 0 && kept[kept.length - 1]?.trim() === '') kept.pop();
  return kept.map((l) => (l === '' ? '>' : `> ${l}`)).join('\n');
}

/** A reply draft: recipients per spec §4.2, `Re:` subject, the quoted original after an attribution line. */
export function makeReply(mail: Gemmail, self: string, options: { all: boolean }): Draft {
  const sender = mail.senders[0];
  const who = sender ? (sender.name ? `${sender.name} (${sender.address})` : sender.address) : 'Someone';
  const quote = quoteBody(mail);
  const body = quote === '' ? '\n' : `\n\n${who} wrote:\n${quote}\n`;
  return { subject: replySubject(mail.subject), body, to: replyTargets(mail, self, options.all) };
}

/**
 * A forward: the message resent unchanged with its sender and timestamp lines (spec §4, bp §1) — the
 * receiving host adds the forwarder on top — and the subject heading rewritten to `Fwd: ...`.
 */
export function makeForward(mail: Gemmail): OutgoingMail {
  let body = normaliseNewlines(mail.body);
  if (mail.subject !== undefined) {
    const lines = body.split('\n');
    const at = lines.findIndex((l) => findSubject(l) === mail.subject);
    if (at >= 0) {
      const level = /^#{1,3}/.exec(lines[at] ?? '')?.[0] ?? '#';
      lines[at] = `${level} ${forwardSubject(mail.subject)}`;
      body = lines.join('\n');
    }
  }
  const out: OutgoingMail = { body };
  if (mail.senders.length > 0) out.senders = mail.senders.map((s) => ({ ...s }));
  if (mail.timestamps.length > 0) out.timestamps = [...mail.timestamps];
  return out;
}

/**
 * Conversation key (no message ids exist, doc §17, §19 #14): the subject without Re:/Fwd: prefixes,
 * case-folded, plus the sorted set of participants — direct sender, recipients and the mailbox holder — as
 * clseibold's misfin-server does. A change of participants starts a new thread.
 */
export function threadKey(mail: Gemmail, self: string): string {
  const people = new Set<string>([normalised(self), ...mail.recipients.map(normalised)]);
  const direct = mail.senders[0]?.address;
  if (direct) people.add(normalised(direct));
  return `${baseSubject(mail.subject).toLowerCase()}\n${[...people].sort().join(' ')}`;
}
