/**
 * Turning a parsed gemmail into a search document, so every caller indexes the same fields: the subject
 * (first heading, spec §4.4), the gemtext body, every sender line (direct sender, list, original author;
 * misfin-protocol.md §19 #8) and every recipient, and the senders' blurbs as names.
 */
import type { Gemmail } from '../misfin/gemmail';
import type { SearchDocument } from './document';

/**
 * @param id the stored message id (GMAP id)
 * @param receivedAt milliseconds since the epoch; defaults to the gemmail's own timestamp, else 0
 */
export function searchDocumentFromGemmail(id: string, mail: Gemmail, receivedAt?: number): SearchDocument {
  const addresses = [...new Set([...mail.senders.map((sender) => sender.address), ...mail.recipients])];
  const names = [...new Set(mail.senders.flatMap((sender) => (sender.name ? [sender.name] : [])))];
  return {
    id,
    subject: mail.subject ?? '',
    body: mail.body,
    addresses,
    names,
    receivedAt: receivedAt ?? mail.receivedAt?.getTime() ?? 0,
  };
}
