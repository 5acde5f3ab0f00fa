import { dev } from '$app/environment';
import { text } from '../messages';
import {
  openWebmailStore,
  STARTUP_SETTINGS,
  type IdentityRecord,
  type StoredIdentity,
  type WebmailStore,
} from '../store';
import { takeStartup } from '../store/boot';
import { createIdleLock, DEFAULT_IDLE_TIMEOUT_MS, type IdleLock } from '../lock/idle-lock';
import { watchActivity } from '../lock/watch-activity';
import { sendMessage } from '../misfin/send';
import { createSendOnlyIdentity, registerMailbox, unlockIdentity } from './identity-actions';
import { describeFailure } from './host-keys.svelte';
import { rotationNotice } from './rotation';
import { displayAddress, routeAddress } from './routing';
import { runPool } from './run-pool';
import { ContactBook } from './contacts.svelte';
import { Composer } from './composer.svelte';
import { afterPaint, FIRST_ROWS, Mailbox } from './mailbox.svelte';
import { defaultBridgeUrl, Network, normaliseBridgeUrl } from './network';
import { Outbox } from './outbox.svelte';
import { HostKeys } from './host-keys.svelte';
import { clearEverything } from './sign-out';

export type View = 'mail' | 'compose' | 'outbox' | 'contacts' | 'settings' | 'onboarding';

/**
 * Chosen at sign-in (issue 8): on "my device" keys and mail persist in IndexedDB; on a "shared computer"
 * they live in this tab's memory only (store/memory.ts) and nothing is written to the browser's storage.
 */
export type StorageMode = 'device' | 'shared';

const CURRENT_KEY = STARTUP_SETTINGS.currentIdentity;
const BRIDGE_KEY = STARTUP_SETTINGS.bridgeUrl;
const IDLE_KEY = STARTUP_SETTINGS.idleLockMs;

const SERVICE_WORKER_PATH = '/service-worker.js';

/** The slice of the Trusted Types API (W3C Trusted Types §2.3) we use; TypeScript's DOM types lack it. */
interface ScriptUrlPolicyFactory {
  createPolicy(
    name: string,
    rules: { createScriptURL(url: string): string },
  ): { createScriptURL(url: string): unknown };
}

let serviceWorkerPolicy: { createScriptURL(url: string): unknown } | undefined;

/**
 * Under `require-trusted-types-for 'script'` (issue 8) a worker URL must come from a policy; this one, named
 * in the bridge's CSP, turns out nothing but the app's own worker. A policy name can be created only once.
 */
function serviceWorkerUrl(): unknown {
  const factory = (globalThis as { trustedTypes?: ScriptUrlPolicyFactory }).trustedTypes;
  if (!factory) return SERVICE_WORKER_PATH;
  serviceWorkerPolicy ??= factory.createPolicy('misfin-service-worker', {
    createScriptURL: (url: string) => {
      if (url !== SERVICE_WORKER_PATH) throw new TypeError(`not the app's service worker: ${url}`);
      return url;
    },
  });
  return serviceWorkerPolicy.createScriptURL(SERVICE_WORKER_PATH);
}

/**
 * Device mode only: registers the service worker (SvelteKit's automatic registration is off, so a shared
 * computer never gets one) and asks it to keep the app shell for offline use (service-worker.ts).
 */
function keepShellOffline(): void {
  if (!('serviceWorker' in navigator)) return;
  void navigator.serviceWorker
    .register(serviceWorkerUrl() as unknown as string, { type: dev ? 'module' : 'classic' })
    .then(() => navigator.serviceWorker.ready)
    .then((registration) => registration.active?.postMessage({ type: 'cache-shell' }))
    .catch(() => undefined);
}

/** The page's root state: the store, the identities and which one is in use, and the parts built on them. */
export class Webmail {
  #store: WebmailStore | undefined;
  readonly net: Network;

  ready = $state(false);
  loadError = $state<string>();
  view = $state<View>('mail');
  identities = $state.raw<IdentityRecord[]>([]);
  currentAddress = $state<string>();
  readonly current = $derived(this.identities.find((i) => i.address === this.currentAddress));
  /** The bridge named in Settings; empty means this page's origin. */
  bridgeSetting = $state('');
  /** Undefined until the first identity is added on a browser that holds nothing yet. */
  mode = $state<StorageMode>();
  /** The choice on the sign-in screen, applied when the first identity is added. */
  chosenMode = $state<StorageMode>('device');
  /** Whether the browser agreed to keep this origin's storage under pressure (navigator.storage.persist). */
  persisted = $state<boolean>();
  signingOut = $state(false);
  /** Locked: protected identities' keys are not in memory and no mail is shown until the passphrase. */
  locked = $state(false);
  /** Idle time before the page locks itself (only while some identity is protected). */
  idleLockMs = $state(DEFAULT_IDLE_TIMEOUT_MS);
  /** The identity just added, until the user has dealt with the backup reminder. */
  backupReminder = $state<IdentityRecord>();
  #idle: IdleLock | undefined;

  readonly mailbox = new Mailbox(this);
  readonly outbox = new Outbox(this);
  readonly contacts = new ContactBook(this);
  readonly composer = new Composer(this);
  readonly hostKeys = new HostKeys(this);

  constructor() {
    this.net = new Network(
      {
        get: (h, p) => this.store.hostPins.get(h, p),
        put: (pin) => this.store.hostPins.put(pin),
        delete: (h, p) => this.store.hostPins.delete(h, p),
        list: () => this.store.hostPins.list(),
      },
      () => this.bridgeUrl,
    );
  }

  get store(): WebmailStore {
    if (!this.#store) throw new Error(text.loading);
    return this.#store;
  }

  get bridgeUrl(): string {
    return this.bridgeSetting || defaultBridgeUrl(location);
  }

  /** Where each identity's host listens, for routing portless sender addresses (routing.ts). */
  get homes(): { host: string; port: number }[] {
    return this.identities.map((i) => ({ host: i.host, port: i.port }));
  }

  /**
   * Starts the page. The first screen needs only what `takeStartup` reads in one go (begun by the layout
   * before the components mount: settings, identities, the newest rows); everything else (the rest of the
   * mailbox, outbox, drafts, contacts, host pins, the service worker, sync) waits until it is drawn.
   */
  async init(): Promise<void> {
    try {
      const { store, device, state } = await takeStartup(FIRST_ROWS);
      this.#store = store;
      if (device) this.mode = 'device';
      const { settings } = state;
      if (typeof settings.bridgeUrl === 'string') this.bridgeSetting = settings.bridgeUrl;
      if (typeof settings.idleLockMs === 'number') this.idleLockMs = settings.idleLockMs;
      const stored = state.identities;
      this.identities = stored.filter((i): i is IdentityRecord => i.privateKey !== undefined);
      let firstMail: Promise<void> | undefined;
      if (stored.some((i) => i.wrapped)) {
        this.#armIdleLock();
        this.lock();
      } else if (state.owner) {
        this.currentAddress = state.owner;
        this.view = 'mail';
        firstMail = this.mailbox.load(state.owner, state.first);
      } else this.view = 'onboarding';
      this.ready = true;
      await afterPaint();
      if (device) keepShellOffline();
      if (state.owner && this.currentAddress === state.owner) {
        await this.#finishSwitch(state.owner, firstMail, settings.currentIdentity !== state.owner);
      }
      await this.hostKeys.load();
      await this.contacts.load();
      this.outbox.start();
      // Back online: send the queued tag changes and fetch what arrived meanwhile.
      addEventListener('online', () => void this.mailbox.sync());
    } catch (error) {
      this.loadError = (error as Error).message;
    }
  }

  async #switchToSaved(): Promise<void> {
    const saved = await this.store.settings.get<string | undefined>(CURRENT_KEY, undefined);
    const chosen = this.identities.find((i) => i.address === saved) ?? this.identities[0];
    if (chosen) await this.switchTo(chosen.address);
    else this.view = 'onboarding';
  }

  #armIdleLock(): void {
    if (this.#idle) return;
    const idle = createIdleLock({ timeoutMs: this.idleLockMs, onLock: () => this.lock() });
    this.#idle = idle;
    watchActivity(window, idle);
  }

  /** Drops every protected identity's key from memory and hides the mail until `unlock`. */
  lock(): void {
    this.locked = true;
    this.net.dropWarm();
    this.composer.clear();
    this.view = 'mail';
    this.identities = this.identities.filter((i) => !i.wrapped);
    this.mailbox.clear();
    if (this.#idle && !this.#idle.isLocked) this.#idle.lock('manual');
  }

  /** Unwraps, non-extractable into memory, every protected identity this passphrase opens; none = an error. */
  async unlock(passphrase: string): Promise<void> {
    const stored = await this.store.identities.list();
    const opened: IdentityRecord[] = [];
    for (const identity of stored.filter(
      (i) => i.wrapped && !this.identities.some((o) => o.address === i.address),
    )) {
      try {
        opened.push(await unlockIdentity(identity, passphrase));
      } catch {
        // Another identity may use another passphrase; only "none opened" is a failure.
      }
    }
    if (opened.length === 0 && stored.some((i: StoredIdentity) => i.wrapped))
      throw new Error(text.lock.wrong);
    this.identities = [...this.identities, ...opened];
    this.locked = false;
    this.#idle?.unlock();
    await this.#switchToSaved();
  }

  async setIdleLock(ms: number): Promise<void> {
    this.idleLockMs = ms;
    await this.store.settings.set(IDLE_KEY, ms);
    this.#idle?.setTimeout(ms);
  }

  async addIdentity(identity: IdentityRecord): Promise<void> {
    if (!this.mode) await this.#settleMode(this.chosenMode);
    this.backupReminder = identity;
    if (identity.wrapped) this.#armIdleLock();
    await this.store.identities.put(identity);
    this.identities = [...this.identities.filter((i) => i.address !== identity.address), identity];
    await this.switchTo(identity.address);
  }

  async removeIdentity(address: string): Promise<void> {
    await this.store.identities.delete(address);
    this.identities = this.identities.filter((i) => i.address !== address);
    const next = this.identities[0];
    if (next) await this.switchTo(next.address);
    else {
      this.currentAddress = undefined;
      this.view = 'onboarding';
    }
  }

  async switchTo(address: string): Promise<void> {
    if (address !== this.currentAddress) this.net.dropWarm();
    this.currentAddress = address;
    this.view = 'mail';
    await this.#finishSwitch(address, this.mailbox.load(address), true);
  }

  /** What follows showing `address`'s mail: its outbox and drafts, remembering the choice, then a sync. */
  async #finishSwitch(address: string, mail: Promise<void> | undefined, remember: boolean): Promise<void> {
    await Promise.all([
      mail,
      this.outbox.load(),
      this.composer.loadDrafts(address),
      remember ? this.store.settings.set(CURRENT_KEY, address) : undefined,
    ]);
    if (this.current?.origin !== 'self-signed') void this.mailbox.sync();
  }

  /**
   * The first identity fixes the mode. On "my device" the database is created now, and what the sign-in
   * already learned in memory (host pins from the registration handshake, contacts, settings) moves into it.
   */
  async #settleMode(mode: StorageMode): Promise<void> {
    if (mode === 'device') {
      const memory = this.store;
      const disk = await openWebmailStore();
      for (const pin of await memory.hostPins.list()) await disk.hostPins.put(pin);
      for (const contact of await memory.contacts.list()) await disk.contacts.put(contact);
      await disk.settings.set(BRIDGE_KEY, this.bridgeSetting);
      this.#store = disk;
      this.persisted = await navigator.storage?.persist?.().catch(() => false);
      keepShellOffline();
    }
    this.mode = mode;
  }

  /**
   * Signing out leaves nothing behind (issue 8): keys and mail are dropped from memory, the page clears its
   * own storage and asks the bridge for Clear-Site-Data; then the page starts again from nothing.
   */
  async signOut(): Promise<void> {
    this.signingOut = true;
    this.outbox.stop();
    this.net.dropWarm();
    this.identities = [];
    this.currentAddress = undefined;
    await clearEverything();
    location.replace('/');
  }

  /**
   * Identity rotation (seed 001): a new key and certificate — by CSR on the home host (a fresh invite from
   * the admin; the host adds the new fingerprint to the mailbox) or self-signed — then a notice to every
   * contact sent with the OLD certificate, and only then the new identity replaces the old one here.
   * Returns one line per contact saying whether the notice went out.
   */
  async rotate(fields: { invite?: string; passphrase?: string }): Promise<string[]> {
    const old = this.current;
    if (!old) return [];
    const hostField = `${old.host}:${old.port}`;
    const fresh =
      old.origin === 'self-signed'
        ? await createSendOnlyIdentity({
            ...fields,
            hostField,
            mailbox: old.mailbox,
            displayName: old.displayName,
          })
        : await registerMailbox(this.net, {
            hostField,
            mailbox: old.mailbox,
            displayName: old.displayName,
            invite: fields.invite ?? '',
            passphrase: fields.passphrase,
          });
    const contacts = (await this.store.contacts.list()).filter((c) => c.address !== old.address);
    const lines = await runPool(contacts, 4, async (contact) => {
      try {
        const to = routeAddress(contact.address, this.homes);
        const message = rotationNotice(old.address, old.fingerprint, fresh.fingerprint, displayAddress(to));
        const { response } = await sendMessage({ open: this.net.opener(old), to, message });
        return text.rotation.sent(contact.address, response.status, response.info.name);
      } catch (error) {
        return text.rotation.failed(contact.address, describeFailure(error));
      }
    });
    this.net.dropWarm();
    await this.store.identities.put(fresh);
    this.identities = this.identities.map((i) => (i.address === old.address ? fresh : i));
    this.backupReminder = fresh;
    if (fresh.wrapped) this.#armIdleLock();
    return lines;
  }

  async saveBridge(input: string): Promise<void> {
    const url = normaliseBridgeUrl(input);
    await this.store.settings.set(BRIDGE_KEY, url);
    this.bridgeSetting = url;
  }
}
