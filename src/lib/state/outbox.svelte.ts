import { text } from '../messages';
import { parseAddress } from '../misfin/address';
import type { OutgoingMail } from '../misfin/gemmail-format';
import type { MisfinResponse } from '../misfin/response';
import { sendMessage } from '../misfin/send';
import type { OutboxRecord } from '../store';
import type { TlsConnection } from '../tls/client';
import { describeFailure } from './host-keys.svelte';
import { decide, dueItems } from './outbox-policy';
import { displayAddress, routeAddress } from './routing';
import { markSend } from './send-marks';
import type { Webmail } from './webmail.svelte';

export interface DeliveryResult {
  id: string;
  to: string;
  ok: boolean;
  /** Plain words: what happened, with the spec's meaning of the status. */
  message: string;
  at: number;
}

const TICK_MS = 5_000;

function outgoing(item: OutboxRecord): OutgoingMail {
  const mail: OutgoingMail = { body: item.body };
  if (item.recipients) mail.recipients = item.recipients;
  if (item.senders) mail.senders = item.senders;
  if (item.timestamps) mail.timestamps = item.timestamps;
  return mail;
}

/**
 * Mail waiting for a 20. One record and one connection per recipient (spec §1.1); a record leaves only on a
 * 20 (design §3). 4x and unreachable hosts retry with backoff, 30/31 wait for the user, 5x/6x stay as failed
 * with the spec's explanation until discarded.
 */
export class Outbox {
  items = $state.raw<OutboxRecord[]>([]);
  results = $state.raw<DeliveryResult[]>([]);
  // Bookkeeping only (which sends are in flight), never rendered.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  #running = new Set<string>();
  /** Record id -> the address a confirmed 31 moved away from, until the new address answers 20. */
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  #moves = new Map<string, string>();
  /** Ids delivered or discarded, so a late #show does not bring them back. Bookkeeping only. */
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  #gone = new Set<string>();
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly app: Webmail) {}

  async load(): Promise<void> {
    const all = await Promise.all(this.app.identities.map((i) => this.app.store.outbox.listFor(i.address)));
    this.items = all.flat().sort((a, b) => a.createdAt - b.createdAt);
  }

  /** Starts the retry timer and retries when the browser comes back online. */
  start(): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => void this.processDue(), TICK_MS);
    addEventListener('online', () => void this.processDue(true));
    void this.processDue(true);
  }

  /** Stops retrying (sign-out). */
  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /**
   * Queues `mail` to every recipient plus the Sent copy to gmap@HOST and sends at once. `stored` resolves when
   * every record is durable, `departed` when every recipient's request has been written (or its attempt
   * ended), `done` when every attempt has ended.
   *
   * The records are written in state `sending` (a reload resends them: processDue treats `sending` as
   * queued) while the connections are being made, and each request waits for its record's write before its
   * first byte goes out: the outbox guarantee costs no extra round trip. Nothing is redrawn until the
   * requests are out (the outbox list grows at `departed`), and the Sent copy goes out after the recipients
   * have their answers, so it never competes with them for the page or the host.
   */
  enqueue(
    owner: string,
    recipients: string[],
    mail: OutgoingMail,
    withSentCopy: boolean,
  ): { stored: Promise<void>; departed: Promise<void>; done: Promise<void> } {
    const now = Date.now();
    const base = {
      owner,
      body: mail.body,
      state: 'sending' as const,
      attempts: 0,
      nextAttemptAt: now,
      createdAt: now,
    };
    const extra = {
      ...(mail.recipients ? { recipients: mail.recipients } : {}),
      ...(mail.senders ? { senders: mail.senders } : {}),
      ...(mail.timestamps ? { timestamps: mail.timestamps } : {}),
    };
    const records: OutboxRecord[] = recipients.map((to) => ({
      ...base,
      ...extra,
      id: crypto.randomUUID(),
      to,
      sentCopy: false,
    }));
    const identity = this.app.identities.find((i) => i.address === owner);
    const copy: OutboxRecord | undefined =
      withSentCopy && identity
        ? {
            // The copy carries the full recipients line so the Sent folder shows who it went to (mailhost API).
            ...base,
            ...extra,
            recipients: recipients.map((r) => displayAddress(parseAddress(r))),
            id: crypto.randomUUID(),
            to: `gmap@${identity.host}:${identity.port}`,
            sentCopy: true,
          }
        : undefined;
    const all = copy ? [...records, copy] : records;
    // One write per record, recipients first: IndexedDB commits readwrite transactions on a store in the
    // order they were made, so the first recipient's record lands first.
    const writes = all.map((record) => this.app.store.outbox.put(record));
    const stored = Promise.all(writes).then(() => markSend('stored'));
    const departures = records.map(() => {
      let resolve = () => {};
      const promise = new Promise<void>((r) => (resolve = r));
      return { promise, resolve };
    });
    const departed = Promise.all(departures.map((d) => d.promise)).then(() => this.#show(all));
    const done = (async () => {
      await Promise.all(
        records.map((record, i) =>
          this.attempt(record, {
            durable: writes[i] as Promise<void>,
            departed: (departures[i] as { resolve: () => void }).resolve,
          }),
        ),
      );
      if (copy) await this.attempt(copy, { durable: stored, departed: () => undefined });
    })();
    return { stored, departed, done };
  }

  /** Adds new records to the shown list, except those an attempt already settled (#gone). */
  #show(records: OutboxRecord[]): void {
    const fresh = records.filter((r) => !this.items.some((i) => i.id === r.id) && !this.#gone.has(r.id));
    if (fresh.length > 0) this.items = [...this.items, ...fresh];
  }

  /**
   * Sends what is due. `everything` (page load, back online) retries every queued message at once: a reload
   * or a returning network is the moment to try, whatever the backoff said.
   */
  async processDue(everything = false): Promise<void> {
    const now = Date.now();
    const candidates = everything
      ? this.items
          .filter((i) => i.state === 'queued' || i.state === 'sending')
          .map((i) => ({ ...i, state: 'queued' as const, nextAttemptAt: now }))
      : this.items;
    await Promise.all(dueItems(candidates, now).map((item) => this.attempt(item)));
  }

  async retryNow(id: string): Promise<void> {
    const item = this.items.find((i) => i.id === id);
    if (item) await this.attempt({ ...item, state: 'queued' });
  }

  /**
   * After a 30/31 the user agreed: send to the address the host named. A 31 means "use it for all future
   * mail" (spec §2, design §3): once the new address answers 20, the contact moves there (moveContact).
   */
  async resendToRedirect(id: string): Promise<void> {
    const item = this.items.find((i) => i.id === id);
    if (!item?.redirect) return;
    if (item.lastStatus === 31 && !item.sentCopy) this.#moves.set(item.id, item.to);
    await this.attempt({ ...item, to: item.redirect, state: 'queued', redirect: undefined });
  }

  async discard(id: string): Promise<void> {
    await this.app.store.outbox.delete(id);
    this.#remove(id);
  }

  #remove(id: string): void {
    this.#gone.add(id);
    this.items = this.items.filter((i) => i.id !== id);
  }

  async #save(item: OutboxRecord): Promise<void> {
    await this.app.store.outbox.put(item);
    this.items = this.items.some((i) => i.id === item.id)
      ? this.items.map((i) => (i.id === item.id ? item : i))
      : [...this.items, item];
  }

  /**
   * The connection once the record's outbox write has landed (closed if that write failed), with `write`
   * reporting `departed` when the request is out.
   */
  async #afterDurable(
    pending: Promise<TlsConnection>,
    fresh: { durable: Promise<void>; departed: () => void } | undefined,
    role: string,
  ): Promise<TlsConnection> {
    const connection = await pending;
    markSend('connected', role);
    if (!fresh) return connection;
    try {
      await fresh.durable;
    } catch (error) {
      await connection.close().catch(() => undefined);
      throw error;
    }
    // Delegates everything else (getters included) to the real connection.
    const reporting: TlsConnection = Object.create(connection) as TlsConnection;
    Object.defineProperty(reporting, 'write', {
      value: async (data: Uint8Array) => {
        try {
          await connection.write(data);
        } finally {
          fresh.departed();
        }
      },
    });
    return reporting;
  }

  #report(item: OutboxRecord, ok: boolean, message: string): void {
    const result = { id: item.id, to: item.to, ok, message, at: Date.now() };
    this.results = [result, ...this.results.filter((r) => r.id !== item.id)].slice(0, 50);
  }

  /**
   * One delivery attempt. For a record just queued, `fresh.durable` is its outbox write: the connection is
   * made meanwhile and the request waits for it (a message is in the outbox before it is sent, design §3);
   * `fresh.departed` is called once the request is written, or the attempt ended without writing it.
   */
  async attempt(item: OutboxRecord, fresh?: { durable: Promise<void>; departed: () => void }): Promise<void> {
    try {
      await this.#attempt(item, fresh);
    } finally {
      fresh?.departed();
    }
  }

  async #attempt(
    item: OutboxRecord,
    fresh?: { durable: Promise<void>; departed: () => void },
  ): Promise<void> {
    if (this.#running.has(item.id)) return;
    this.#running.add(item.id);
    const identity = this.app.identities.find((i) => i.address === item.owner);
    const attempts = item.attempts + 1;
    try {
      if (!identity) throw new Error(`the identity ${item.owner} is no longer in this browser`);
      // A recipient whose fingerprint changed gets nothing more until the user accepts the change (design §4).
      const conflict = item.sentCopy ? undefined : this.app.contacts.conflictFor(item.to);
      if (conflict) {
        const explanation = `${text.outbox.stopped} ${this.app.contacts.explain(conflict)}`;
        await this.#save({ ...item, state: 'failed', lastMessage: explanation });
        this.#report(item, false, explanation);
        return;
      }
      // Not awaited: the send should not wait for the disk. IndexedDB runs readwrite transactions on a store
      // in the order they were created, so a later delete or put of this record still lands after this one.
      // A record just queued was written as `sending` already.
      if (!fresh) void this.#save({ ...item, state: 'sending', attempts });
      let response: MisfinResponse | undefined;
      let failure: string | undefined;
      const role = item.sentCopy ? 'copy' : 'to';
      try {
        const target = routeAddress(item.to, this.app.homes);
        const sent = await this.app.net.withWarm(target.host, target.port, identity, (open, warm) =>
          sendMessage({
            open: (host, port) =>
              this.#afterDurable(open(host, port), fresh, `${role} ${warm ? 'warm' : 'fresh'}`),
            to: target,
            message: outgoing(item),
          }),
        );
        markSend('answered', role);
        response = sent.response;
      } catch (error) {
        this.app.hostKeys.notice(error);
        failure = describeFailure(error);
      }
      const decision = decide(response?.status, attempts, Date.now());
      const shown = item.sentCopy ? text.outbox.sentCopy : item.to;
      const base = {
        ...item,
        attempts,
        lastStatus: response?.status,
        lastMessage: undefined as string | undefined,
      };
      if (decision.kind === 'delivered') {
        const fingerprint = response?.fingerprint ?? '';
        // The answer is shown first; the record then leaves the outbox (a reload in between resends it).
        this.#report(item, true, text.outbox.delivered(shown, fingerprint));
        markSend('shown', role);
        this.#remove(item.id);
        await this.app.store.outbox.delete(item.id);
        const movedFrom = this.#moves.get(item.id);
        this.#moves.delete(item.id);
        if (!item.sentCopy && fingerprint) {
          const accepted =
            movedFrom === undefined
              ? await this.app.contacts.record(item.to, fingerprint, 'first-use')
              : await this.app.contacts.moveContact(movedFrom, item.to, fingerprint);
          if (!accepted) {
            const conflict = this.app.contacts.conflicts.find(
              (c) => c.address === displayAddress(parseAddress(item.to)),
            );
            this.#report(item, false, this.app.contacts.explain(conflict));
          }
        }
        if (item.sentCopy && item.owner === this.app.currentAddress) void this.app.mailbox.sync();
        return;
      }
      const explanation = response
        ? `${response.status} ${response.info.name}: ${response.info.meaning}${response.meta ? ` (${response.meta})` : ''}`
        : text.outbox.unreachable(shown, failure ?? 'no answer');
      if (decision.kind === 'retry') {
        await this.#save({ ...base, state: 'queued', nextAttemptAt: decision.at, lastMessage: explanation });
        this.#report(item, false, `${shown}: ${explanation}`);
      } else if (decision.kind === 'ask-user') {
        const redirect = response?.redirect ? displayAddress(response.redirect) : undefined;
        await this.#save({ ...base, state: 'needs-confirmation', redirect, lastMessage: explanation });
        this.#report(item, false, `${shown}: ${explanation}`);
      } else {
        await this.#save({ ...base, state: 'failed', lastMessage: explanation });
        this.#report(item, false, `${shown}: ${explanation}`);
      }
    } catch (error) {
      this.#report(item, false, describeFailure(error));
    } finally {
      this.#running.delete(item.id);
    }
  }
}
