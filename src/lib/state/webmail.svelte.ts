import { text } from '../messages';
import { openWebmailStore, type IdentityRecord, type WebmailStore } from '../store';
import { ContactBook } from './contacts.svelte';
import { Composer } from './composer.svelte';
import { Mailbox } from './mailbox.svelte';
import { defaultBridgeUrl, Network, normaliseBridgeUrl } from './network';
import { Outbox } from './outbox.svelte';
import { HostKeys } from './host-keys.svelte';

export type View = 'mail' | 'compose' | 'outbox' | 'contacts' | 'settings' | 'onboarding';

const CURRENT_KEY = 'currentIdentity';
const BRIDGE_KEY = 'bridgeUrl';

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

  async init(): Promise<void> {
    try {
      this.#store = await openWebmailStore();
      this.bridgeSetting = await this.store.settings.get(BRIDGE_KEY, '');
      this.identities = await this.store.identities.list();
      const saved = await this.store.settings.get<string | undefined>(CURRENT_KEY, undefined);
      const chosen = this.identities.find((i) => i.address === saved) ?? this.identities[0];
      this.ready = true;
      if (chosen) await this.switchTo(chosen.address);
      else this.view = 'onboarding';
      await this.hostKeys.load();
      await this.contacts.load();
      this.outbox.start();
      // Back online: send the queued tag changes and fetch what arrived meanwhile.
      addEventListener('online', () => void this.mailbox.sync());
    } catch (error) {
      this.loadError = (error as Error).message;
    }
  }

  async addIdentity(identity: IdentityRecord): Promise<void> {
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
    await this.store.settings.set(CURRENT_KEY, address);
    await Promise.all([this.mailbox.load(address), this.outbox.load(), this.composer.loadDrafts(address)]);
    if (this.current?.origin !== 'self-signed') void this.mailbox.sync();
  }

  async saveBridge(input: string): Promise<void> {
    const url = normaliseBridgeUrl(input);
    await this.store.settings.set(BRIDGE_KEY, url);
    this.bridgeSetting = url;
  }
}
