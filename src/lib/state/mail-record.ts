import { parseGemmailC } from '../misfin/gemmail';
import { threadKey } from '../misfin/reply';
import type { MessageRecord } from '../store/schema';

/** A stored message from GMAP's Misfin(C) wire form (doc §8); an unreadable one is kept, raw, not dropped. */
export function toMessageRecord(owner: string, id: string, raw: string, tags: string[]): MessageRecord {
  try {
    const mail = parseGemmailC(raw);
    const sender = mail.senders[0];
    const record: MessageRecord = {
      owner,
      id,
      tags,
      raw,
      subject: mail.subject ?? '',
      fromAddress: sender?.address ?? '',
      receivedAt: mail.receivedAt?.getTime() ?? 0,
      threadKey: threadKey(mail, owner),
    };
    if (sender?.name) record.fromName = sender.name;
    return record;
  } catch {
    return { owner, id, tags, raw, subject: '', fromAddress: '', receivedAt: 0, threadKey: id };
  }
}
