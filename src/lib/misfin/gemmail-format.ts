import type { GemmailSender } from './gemmail';

/** What a client sends. Senders and timestamps stay empty for new mail: the receiving host adds them (bp §1). */
export interface OutgoingMail {
  /** Only for forwards, which keep the original sender lines (spec §4, bp §1). */
  senders?: GemmailSender[];
  /** The recipients line: every receiver of a multi-recipient message (spec §4.2). */
  recipients?: string[];
  /** Only for forwards, which leave the original timestamps as they are (spec §4.3). */
  timestamps?: string[];
  /** Gemtext, including the `# Subject` line. */
  body: string;
}

/** Any line ending (CRLF, bare CR) becomes LF: B allows only LF inside a message (bp §1, §19 #2). */
export function normaliseNewlines(text: string): string {
  return text.replace(/\r\n?/g, '\n');
}

/** A blurb must stay on its line, and in the C form must not contain the list separator (doc §8). */
function cleanName(name: string | undefined, form: 'B' | 'C'): string {
  if (name === undefined) return '';
  const flat = name.replace(/[\r\n]+/g, ' ');
  return (form === 'C' ? flat.replace(/,/g, ' ') : flat).trim();
}

function senderText(sender: GemmailSender, form: 'B' | 'C'): string {
  const name = cleanName(sender.name, form);
  return name === '' ? sender.address : `${sender.address} ${name}`;
}

/** Misfin(B) gemmail: `<` lines newest first, one `:` line, `@` lines, then the body (spec §4). */
export function formatGemmailB(mail: OutgoingMail): string {
  const lines: string[] = [];
  for (const sender of mail.senders ?? []) lines.push(`< ${senderText(sender, 'B')}\n`);
  if (mail.recipients && mail.recipients.length > 0) lines.push(`: ${mail.recipients.join(' ')}\n`);
  for (const stamp of mail.timestamps ?? []) lines.push(`@ ${stamp}\n`);
  return lines.join('') + normaliseNewlines(mail.body);
}

/** Misfin(C) gemmail: always the three metadata lines, even when empty (C requires them, doc §8). */
export function formatGemmailC(mail: OutgoingMail): string {
  const senders = (mail.senders ?? []).map((s) => senderText(s, 'C')).join(',');
  const recipients = (mail.recipients ?? []).join(',');
  const stamps = (mail.timestamps ?? []).join(',');
  return `${senders}\n${recipients}\n${stamps}\n${normaliseNewlines(mail.body)}`;
}

export interface Draft {
  subject?: string;
  body: string;
  /** Everyone the message goes to; the recipients line is written only when there are several (spec §4.2). */
  to: string[];
}

/** A freshly composed message: `# Subject` first, then the body; no `<` or `@` lines (bp §1). */
export function composeMessage(draft: Draft): OutgoingMail {
  const subject = draft.subject?.replace(/\s+/g, ' ').trim();
  const heading = subject ? `# ${subject}\n` : '';
  const mail: OutgoingMail = { body: heading + normaliseNewlines(draft.body) };
  const unique = [...new Set(draft.to)];
  if (unique.length > 1) mail.recipients = unique;
  return mail;
}

/** ISO-8601 UTC with seconds and no fraction, the form both metadata styles use (doc §7, §8). */
export function formatTimestamp(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
