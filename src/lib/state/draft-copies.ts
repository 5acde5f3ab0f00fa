import type { GmapClient } from '../gemini/gmap-client';
import type { MisfinAddress } from '../misfin/address';
import type { OpenTls } from '../misfin/connect';
import { MisfinRequestError } from '../misfin/errors';
import { misfinExchange } from '../misfin/exchange';
import { formatGemmailB, formatGemmailC, type OutgoingMail } from '../misfin/gemmail-format';
import { encodeRequestB, encodeRequestC } from '../misfin/request';

/**
 * A draft for the GMAP address (protocol doc §15, "a draft update = body prefixed `MGID:<msgid>`"): the
 * first line names the draft it replaces, or is `MGID:` alone for a new one; the gemmail follows, as B when
 * it fits and C otherwise.
 */
export function draftRequest(to: MisfinAddress, mail: OutgoingMail, replaces?: string): Uint8Array {
  const line = `MGID:${replaces ?? ''}\n`;
  try {
    return encodeRequestB(to, line + formatGemmailB(mail));
  } catch (error) {
    if (!(error instanceof MisfinRequestError && error.code === 'too-large')) throw error;
    return encodeRequestC(to, line + formatGemmailC(mail));
  }
}

/** What a copy needs: the owner's connection, GMAP client and GMAP address, and somewhere to keep ids. */
export interface DraftCopyContext {
  open: OpenTls;
  gmap: GmapClient;
  /** gmap@HOST of the owner's host. */
  gmapAddress: MisfinAddress;
  /** Local draft id -> the host's message id of its copy (settings store, so it survives a reload). */
  ids: {
    get(key: string): Promise<string | undefined>;
    set(key: string, id: string | undefined): Promise<void>;
  };
}

export const DRAFT_ID_KEY = 'draft-gmap:';

/**
 * Copies of the drafts in the owner's own GMAP mailbox, tagged Drafts by the host, so the Drafts folder is
 * the same from any browser (issue 7, like the Sent copy). The host's `20` does not name the new message, so
 * the first copy of a draft learns its id from the Drafts list before and after; later saves replace that
 * message. Each draft's copies go one after another; a copy that fails is dropped (the next save tries
 * again, the local draft is the one that counts).
 */
export class DraftCopies {
  // Bookkeeping only, never rendered.
  readonly #chains = new Map<string, Promise<void>>();

  // Bookkeeping only, never rendered.
  readonly #timers = new Map<string, ReturnType<typeof setTimeout>>();

  /**
   * `delayMs`: a copy waits this long after the last local save, so typing (and a Send right after it) does
   * not cost GMAP requests at every pause; the local draft is saved at once all the same.
   */
  constructor(
    private readonly context: () => DraftCopyContext | undefined,
    private readonly delayMs = 0,
  ) {}

  /** Saves the host copy `delayMs` after the last call for this draft. */
  schedule(draftId: string, mail: OutgoingMail): void {
    this.cancel(draftId);
    this.#timers.set(
      draftId,
      setTimeout(() => {
        this.#timers.delete(draftId);
        void this.save(draftId, mail);
      }, this.delayMs),
    );
  }

  /** Drops a copy still waiting (the draft is being sent). */
  cancel(draftId: string): void {
    clearTimeout(this.#timers.get(draftId));
    this.#timers.delete(draftId);
  }

  /** Stores `mail` as the host copy of local draft `draftId` (new, or replacing the previous copy). */
  save(draftId: string, mail: OutgoingMail): Promise<void> {
    return this.#serial(draftId, async (context) => {
      const key = DRAFT_ID_KEY + draftId;
      const known = await context.ids.get(key);
      const before = known ? undefined : new Set(await context.gmap.listIds('Drafts'));
      const { response } = await misfinExchange(
        { open: context.open },
        context.gmapAddress,
        draftRequest(context.gmapAddress, mail, known),
      );
      if (response.status !== 20) {
        // The copy it replaced is gone from the host (deleted elsewhere): start a new one next time.
        if (known && response.status === 59) await context.ids.set(key, undefined);
        return;
      }
      if (before) {
        const added = (await context.gmap.listIds('Drafts')).filter((id) => !before.has(id));
        // Another browser saving a draft at the same moment makes this ambiguous: then do not guess.
        if (added.length === 1) await context.ids.set(key, added[0]);
      }
    });
  }

  /** Removes the host copy of `draftId` (sent or discarded): tagged Trash, then deleted (GMAP requires it). */
  remove(draftId: string): Promise<void> {
    this.cancel(draftId);
    return this.#serial(draftId, async (context) => {
      const key = DRAFT_ID_KEY + draftId;
      const id = await context.ids.get(key);
      if (!id) return;
      await context.gmap.addTag(id, 'Trash');
      await context.gmap.deleteMessage(id, ['Trash']);
      await context.ids.set(key, undefined);
    });
  }

  #serial(draftId: string, work: (context: DraftCopyContext) => Promise<void>): Promise<void> {
    const previous = this.#chains.get(draftId) ?? Promise.resolve();
    const next = previous.then(async () => {
      const context = this.context();
      if (context) await work(context).catch(() => undefined);
    });
    this.#chains.set(draftId, next);
    void next.then(() => {
      if (this.#chains.get(draftId) === next) this.#chains.delete(draftId);
    });
    return next;
  }
}
