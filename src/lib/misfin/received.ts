import { parseGemmailB, parseGemmailC, type GemmailForm, type GemmailSender } from './gemmail';
import { formatGemmailC, formatTimestamp } from './gemmail-format';

/** Mail-host helpers for what a receiving server does to a message before it stores it. */

/**
 * An empty or whitespace-only message is a fingerprint probe: answer `20 <fp>`, store nothing
 * (B `misfin://a@h \r\n`, C length 0; Estampa and GmCapsule also treat whitespace-only as a probe, §19 #4).
 */
export function isProbeMessage(message: string): boolean {
  return message.trim() === '';
}

/** B: the server adds a `<` sender line and an `@` timestamp line on top "when saving" (spec §4.1, §4.3). */
export function stampReceivedB(message: string, sender: GemmailSender, at: Date): string {
  const name = sender.name?.replace(/[\r\n]+/g, ' ').trim();
  const senderLine = name ? `< ${sender.address} ${name}\n` : `< ${sender.address}\n`;
  return `${senderLine}@ ${formatTimestamp(at)}\n${message}`;
}

/**
 * C: the authenticated sender and the receipt time are prepended (index 0) to the first and third metadata
 * lines (doc §8, §19 #7). Throws GemmailError when the message has fewer than three lines.
 */
export function stampReceivedC(message: string, sender: GemmailSender, at: Date): string {
  const mail = parseGemmailC(message);
  return formatGemmailC({
    senders: [sender, ...mail.senders],
    recipients: mail.recipients,
    timestamps: [formatTimestamp(at), ...mail.timestamps],
    body: mail.body,
  });
}

/**
 * What a host stores and serves over GMAP: the Misfin(C) form with all metadata (doc §15). A B message is
 * converted as Titlani does (doc §8): its `<`, `:` and `@` lines are read, the certificate sender and the
 * receipt time are prepended, and with no recipients line the request address is recorded.
 */
export function toStoredGemmail(
  message: string,
  form: GemmailForm,
  delivery: { sender: GemmailSender; at: Date; recipient: string },
): string {
  const mail = form === 'B' ? parseGemmailB(message) : parseGemmailC(message);
  return formatGemmailC({
    senders: [delivery.sender, ...mail.senders],
    recipients: mail.recipients.length > 0 ? mail.recipients : [delivery.recipient],
    timestamps: [formatTimestamp(delivery.at), ...mail.timestamps],
    body: mail.body,
  });
}
