import { text } from '../messages';
import { parseGemmailC, type Gemmail, type GemmailSender } from '../misfin/gemmail';
import { composeMessage, type OutgoingMail } from '../misfin/gemmail-format';
import { forwardSubject, makeReply } from '../misfin/reply';
import { requestBudget, type RequestBudget } from '../misfin/request';
import type { DraftRecord, MessageRecord } from '../store';
import { routeAddress, splitRecipients } from './routing';
import { GmapClient } from '../gemini/gmap-client';
import { DraftCopies, type DraftCopyContext } from './draft-copies';
import { describeFailure } from './host-keys.svelte';
import { markSend } from './send-marks';
import type { Webmail } from './webmail.svelte';

const AUTOSAVE_MS = 800;
const PRECONNECT_DELAY_MS = 300;
const FORM_CLEAR_WAIT_MS = 100;
/** The host copy of a draft (draft-copies.ts) follows the local save once typing has paused this long. */
const DRAFT_COPY_DELAY_MS = 3_000;

/** Compose: To (several addresses), Subject (sent as the first heading), body, a live byte budget, drafts. */
export class Composer {
  to = $state('');
  subject = $state('');
  body = $state('');
  draftId = $state<string>();
  status = $state<string>();
  drafts = $state.raw<DraftRecord[]>([]);
  /** A forward keeps the original sender and timestamp lines (spec §4, bp §1). */
  forwarded = $state.raw<{ senders: GemmailSender[]; timestamps: string[] }>();

  readonly recipients = $derived(splitRecipients(this.to));
  readonly problems = $derived(this.#addressProblems());
  readonly mail = $derived(this.#build());
  readonly budget: RequestBudget = $derived(this.#budget());
  readonly canSend = $derived(
    this.recipients.length > 0 && this.problems.length === 0 && this.budget.over === 0,
  );
  readonly counterText = $derived(
    this.budget.over > 0
      ? text.compose.over(this.budget.over)
      : text.compose.left(this.budget.remaining, this.budget.limit, this.budget.form),
  );

  #timer: ReturnType<typeof setTimeout> | undefined;
  #preconnectTimer: ReturnType<typeof setTimeout> | undefined;
  /** Send pressed and the requests not yet out: a second press is ignored. */
  #sending = false;

  /** Copies of the drafts in the owner's GMAP mailbox (draft-copies.ts). */
  readonly #copies = new DraftCopies(() => this.#copyContext(), DRAFT_COPY_DELAY_MS);

  constructor(private readonly app: Webmail) {}

  #copyContext(): DraftCopyContext | undefined {
    const identity = this.app.current;
    // A self-signed identity has no mailbox to keep copies in.
    if (!identity || identity.origin === 'self-signed') return undefined;
    const open = this.app.net.opener(identity);
    const settings = this.app.store.settings;
    return {
      open,
      gmap: new GmapClient({ open, server: { host: identity.host, port: identity.port } }),
      gmapAddress: routeAddress(`gmap@${identity.host}:${identity.port}`, this.app.homes),
      ids: {
        get: (key) => settings.get<string | undefined>(key, undefined),
        set: (key, id) => settings.set(key, id),
      },
    };
  }

  /** The draft as it goes to the host: the To line kept even for one recipient, when every address is valid. */
  #draftMail(): OutgoingMail {
    const mail = { ...this.mail };
    if (this.recipients.length > 0 && this.problems.length === 0) mail.recipients = this.recipients;
    return mail;
  }

  #addressProblems(): string[] {
    const out: string[] = [];
    for (const raw of this.recipients) {
      try {
        routeAddress(raw, []);
      } catch (error) {
        out.push(text.compose.badAddress(raw, (error as Error).message.replace(/^.*?: /, '')));
      }
    }
    return out;
  }

  #build(): OutgoingMail {
    const mail = composeMessage({ subject: this.subject, body: this.body, to: this.recipients });
    if (this.forwarded) {
      if (this.forwarded.senders.length > 0) mail.senders = this.forwarded.senders;
      if (this.forwarded.timestamps.length > 0) mail.timestamps = this.forwarded.timestamps;
    }
    return mail;
  }

  /** The tightest budget over all recipients: the B limit counts the request URL, so the longest address rules. */
  #budget(): RequestBudget {
    const host = this.app.current?.host ?? 'localhost';
    let worst: RequestBudget | undefined;
    const targets = this.recipients.length > 0 ? this.recipients : [`someone@${host}`];
    for (const raw of targets) {
      let budget: RequestBudget;
      try {
        budget = requestBudget(routeAddress(raw, this.app.homes), this.mail);
      } catch {
        continue;
      }
      if (
        !worst ||
        budget.over > worst.over ||
        (budget.over === worst.over && budget.remaining < worst.remaining)
      )
        worst = budget;
    }
    return worst ?? requestBudget(routeAddress(`someone@${host}`, []), this.mail);
  }

  /**
   * Called when the recipients change: shortly after typing stops, opens one connection per recipient (and one
   * for the Sent copy) so that Send costs only the request (warm-pool.ts). Nothing is written on them yet.
   */
  schedulePreconnect(): void {
    if (this.#preconnectTimer) clearTimeout(this.#preconnectTimer);
    this.#preconnectTimer = setTimeout(() => this.#preconnect(), PRECONNECT_DELAY_MS);
  }

  #preconnect(): void {
    const identity = this.app.current;
    if (!identity || this.problems.length > 0) return;
    const wanted: Record<string, { host: string; port: number; count: number }> = {};
    const add = (host: string, port: number) => {
      const key = `${host}:${port}`;
      wanted[key] ??= { host, port, count: 0 };
      wanted[key].count++;
    };
    for (const raw of this.recipients.slice(0, 8)) {
      const target = routeAddress(raw, this.app.homes);
      add(target.host, target.port);
    }
    if (this.recipients.length > 0 && identity.origin !== 'self-signed') add(identity.host, identity.port);
    for (const { host, port, count } of Object.values(wanted))
      this.app.net.preconnect(host, port, identity, count);
  }

  clear(): void {
    this.to = '';
    this.subject = '';
    this.body = '';
    this.draftId = undefined;
    this.forwarded = undefined;
    this.status = undefined;
  }

  startNew(to = ''): void {
    this.clear();
    this.to = to;
    this.app.view = 'compose';
  }

  #parse(message: MessageRecord): Gemmail | undefined {
    try {
      return parseGemmailC(message.raw);
    } catch {
      return undefined;
    }
  }

  /** Reply and reply-all per spec §4.2: sender first, then the recipients, without duplicates or ourselves. */
  startReply(message: MessageRecord, all: boolean): void {
    const mail = this.#parse(message);
    if (!mail || !this.app.current) return;
    const draft = makeReply(mail, this.app.current.address, { all });
    this.clear();
    this.to = draft.to.join(' ');
    this.subject = draft.subject ?? '';
    this.body = draft.body;
    this.app.view = 'compose';
  }

  /** Forward: the original resent unchanged with its sender and timestamp lines; the subject becomes Fwd:. */
  startForward(message: MessageRecord): void {
    const mail = this.#parse(message);
    if (!mail) return;
    this.clear();
    this.subject = forwardSubject(mail.subject);
    const lines = mail.body.split('\n');
    const at = mail.subject === undefined ? -1 : lines.findIndex((l) => /^#{1,3}/.test(l));
    // Only the subject line changes (it becomes the Subject field); the rest stays byte for byte.
    this.body = (at >= 0 ? lines.filter((_, i) => i !== at) : lines).join('\n');
    this.forwarded = { senders: mail.senders, timestamps: mail.timestamps };
    this.app.view = 'compose';
  }

  openDraft(draft: DraftRecord): void {
    this.clear();
    this.draftId = draft.id;
    this.to = draft.to;
    this.subject = draft.subject;
    this.body = draft.body;
    this.app.view = 'compose';
  }

  async loadDrafts(owner: string): Promise<void> {
    const all = await this.app.store.drafts.listFor(owner);
    this.drafts = all.sort((a, b) => b.updatedAt - a.updatedAt);
  }

  /** Called on every edit: saves the draft shortly after typing stops. */
  scheduleSave(): void {
    if (this.#timer) clearTimeout(this.#timer);
    if (this.to === '' && this.subject === '' && this.body === '') return;
    this.#timer = setTimeout(() => void this.saveDraft(), AUTOSAVE_MS);
  }

  async saveDraft(): Promise<void> {
    const owner = this.app.currentAddress;
    if (!owner) return;
    this.draftId ??= crypto.randomUUID();
    await this.app.store.drafts.put({
      id: this.draftId,
      owner,
      to: this.to,
      subject: this.subject,
      body: this.body,
      updatedAt: Date.now(),
    });
    this.#copies.schedule(this.draftId, this.#draftMail());
    this.status = text.compose.draftSaved;
    await this.loadDrafts(owner);
  }

  async discard(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    if (this.draftId) {
      await this.app.store.drafts.delete(this.draftId);
      void this.#copies.remove(this.draftId);
    }
    this.clear();
    if (this.app.currentAddress) await this.loadDrafts(this.app.currentAddress);
    this.app.view = 'mail';
  }

  /** Refuses over the limit (bp §1: prompt, never split); otherwise hands the mail to the outbox. */
  async send(): Promise<void> {
    markSend('pressed');
    const owner = this.app.current;
    if (!owner) return;
    if (this.recipients.length === 0) {
      this.status = text.compose.noRecipient;
      return;
    }
    if (!this.canSend) {
      this.status = this.problems[0] ?? this.counterText;
      return;
    }
    if (this.#timer) clearTimeout(this.#timer);
    if (this.#sending) return;
    // A copy still waiting would only be removed again.
    if (this.draftId) this.#copies.cancel(this.draftId);
    this.#sending = true;
    const mail = this.mail;
    const recipients = this.recipients;
    const draftId = this.draftId;
    const { stored, departed, done } = this.app.outbox.enqueue(
      owner.address,
      recipients,
      mail,
      owner.origin !== 'self-signed',
    );
    // The form empties once the requests are out (over warm connections, a few ms) or after
    // FORM_CLEAR_WAIT_MS at most: a redraw earlier would hold up the outbox write's answer and the request on
    // this page's one thread (issue 7, Send -> 20).
    const departedOrLater = Promise.race([
      departed,
      new Promise<void>((resolve) => setTimeout(resolve, FORM_CLEAR_WAIT_MS)),
    ]);
    let failure: string | undefined;
    try {
      await stored;
    } catch (error) {
      // Not in the outbox, so not sent either (the request waits for the write); the draft stays.
      failure = describeFailure(error);
    }
    await departedOrLater;
    this.#sending = false;
    if (failure !== undefined) {
      this.status = failure;
      await done;
      return;
    }
    this.clear();
    this.status = text.compose.queued;
    if (draftId) await this.app.store.drafts.delete(draftId);
    await this.loadDrafts(owner.address);
    await done;
    // The host copy of the draft goes last: its GMAP requests must not compete with the send.
    if (draftId) await this.#copies.remove(draftId);
  }
}
