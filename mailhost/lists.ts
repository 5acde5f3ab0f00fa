// Mailing lists (seed 000: a list is "a misfin server that is acting as a misfin client"): a list mailbox
// re-sends each post to its subscribers with the list's own identity, keeping the original sender lines
// (spec §4.5: "list line first, author below" — the receiving host adds the list line). Subscribing and
// unsubscribing are command messages ("subscribe"/"unsubscribe", as Titlani and `?subscribe`, doc §9/§18).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseAddress } from '../src/lib/misfin/address';
import type { Gemmail } from '../src/lib/misfin/gemmail';
import { createMailboxIdentity, loadSigningIdentity } from './certs';
import type { HostSettings } from './config';
import type { Reply } from './context';
import { writeFileDurable } from './durable';
import type { Domain } from './domain';
import { storedText, type DeliveryRequest } from './delivery';
import type { ClientIdentity } from '../src/lib/tls/client';
import type { HostPinStore } from '../src/lib/trust/host-pins';
import { sendAs, type ResolveHost } from './outbound';
import { QuotaExceededError, type Mailbox } from './store';
import type { Sender } from './verify-sender';

export interface ListPost {
  request: DeliveryRequest;
  mail: Gemmail;
  sender: Sender;
  blurb?: string;
  verified: boolean;
  receivedAt: number;
}

const KEY_FILE = 'list-key.pem';
const CERT_FILE = 'list-cert.pem';

/** The list's identity: a key and a certificate signed by the domain CA, so other hosts can verify it. */
export async function createListIdentity(domain: Domain, list: Mailbox): Promise<string> {
  const identity = await createMailboxIdentity(domain.ca, {
    mailbox: list.name,
    displayName: list.meta.blurb ?? `${list.name} mailing list`,
    host: domain.host,
  });
  await writeFileDurable(join(list.dir, KEY_FILE), identity.keyPem);
  await writeFileDurable(join(list.dir, CERT_FILE), identity.certPem);
  list.meta.fingerprints = [identity.fingerprint];
  await list.saveMeta();
  return identity.fingerprint;
}

/** "subscribe" / "unsubscribe" as the subject or the only text of the message (doc §9 Titlani lists). */
export function listCommand(mail: Gemmail): 'subscribe' | 'unsubscribe' | undefined {
  const candidates = [mail.subject ?? '', mail.body.replace(/^#+/gm, '').trim()];
  for (const text of candidates) {
    const word = text.trim().toLowerCase().replace(/^\?/, '');
    if (word === 'subscribe' || word === 'unsubscribe') return word;
  }
  return undefined;
}

export class ListRelay {
  private pending = new Set<Promise<void>>();
  private metaWrites = new Map<string, Promise<void>>();

  constructor(
    private readonly options: {
      settings: HostSettings;
      resolve: ResolveHost;
      pins: HostPinStore;
      log: (line: string) => void;
    },
  ) {}

  async handle(domain: Domain, list: Mailbox, post: ListPost): Promise<Reply> {
    const listAddress = `${list.name}@${domain.host}`.toLowerCase();
    const fingerprint = domain.fingerprintOf(list);
    const carried = [post.sender.text, ...post.mail.senders.map((s) => s.address)].map((a) =>
      a.toLowerCase(),
    );
    if (carried.includes(listAddress)) {
      return { status: 50, meta: 'loop refused: this message already went through the list' };
    }
    const subscribers = list.meta.subscribers ?? [];
    const command = listCommand(post.mail);
    if (command) {
      const others = subscribers.filter((s) => s.toLowerCase() !== post.sender.text.toLowerCase());
      const next = command === 'subscribe' ? [...others, post.sender.text] : others;
      await this.updateSubscribers(list, next);
      this.options.log(`list ${listAddress}: ${post.sender.text} ${command}d`);
      return { status: 20, meta: fingerprint };
    }
    if (!subscribers.some((s) => s.toLowerCase() === post.sender.text.toLowerCase())) {
      return { status: 61, meta: `subscribe first: send "subscribe" to ${listAddress}` };
    }
    const tags = ['Inbox', post.verified ? 'SenderVerified' : 'SenderUnverified'];
    try {
      await list.addMessage(storedText(post.request, post.sender, post.blurb, post.receivedAt), tags, {
        now: post.receivedAt,
        quota: this.options.settings.quota,
      });
    } catch (error) {
      if (error instanceof QuotaExceededError) return { status: 45, meta: 'list archive full' };
      throw error;
    }
    const recipients = subscribers.filter((s) => s.toLowerCase() !== post.sender.text.toLowerCase());
    const task = this.fanOut(domain, list, listAddress, post, recipients).finally(() =>
      this.pending.delete(task),
    );
    this.pending.add(task);
    return { status: 20, meta: fingerprint };
  }

  private updateSubscribers(list: Mailbox, next: string[]): Promise<void> {
    const previous = this.metaWrites.get(list.dir) ?? Promise.resolve();
    const write = previous
      .catch(() => undefined)
      .then(() => {
        list.meta.subscribers = next;
        return list.saveMeta();
      });
    this.metaWrites.set(list.dir, write);
    return write;
  }

  private async fanOut(
    domain: Domain,
    list: Mailbox,
    listAddress: string,
    post: ListPost,
    recipients: string[],
  ): Promise<void> {
    let identity: ClientIdentity;
    try {
      const signing = await loadSigningIdentity({
        keyPem: await readFile(join(list.dir, KEY_FILE), 'utf8'),
        certPem: await readFile(join(list.dir, CERT_FILE), 'utf8'),
      });
      // The list certificate, then the CA that signed it: receivers can check the chain themselves.
      identity = { certificateChain: [signing.certDer, domain.ca.certDer], privateKey: signing.key };
    } catch {
      this.options.log(`list ${listAddress}: no list identity, cannot re-send`);
      return;
    }
    const outgoing = {
      senders: [
        post.blurb ? { address: post.sender.text, name: post.blurb } : { address: post.sender.text },
        ...post.mail.senders,
      ],
      recipients: post.mail.recipients,
      body: post.mail.body,
    };
    await Promise.all(
      recipients.map(async (recipient) => {
        try {
          const address = parseAddress(recipient);
          const response = await sendAs(address, outgoing, identity, {
            timeoutMs: this.options.settings.outboundTimeoutMs,
            resolve: this.options.resolve,
            pins: this.options.pins,
            log: this.options.log,
          });
          this.options.log(`list ${listAddress} -> ${recipient}: ${response.status}`);
        } catch (error) {
          this.options.log(`list ${listAddress} -> ${recipient}: failed (${(error as Error).message})`);
        }
      }),
    );
  }

  /** Waits for re-sends under way (stop, tests). */
  async settle(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }
}
