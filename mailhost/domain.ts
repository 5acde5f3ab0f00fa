// One served domain: its CA identity (also its TLS certificate), its mailboxes and its invites.
import { mkdir, readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { createHostCa, loadSigningIdentity, type SigningIdentity } from './certs';
import { checkMailboxName, ConfigError, paths } from './config';
import { writeFileDurable } from './durable';
import { InviteBook } from './invites';
import { Mailbox, type MailboxMeta } from './store';

export class Domain {
  /** Keyed by lowercase name: mailbox lookup is case-insensitive, the stored name keeps its case. */
  readonly mailboxes = new Map<string, Mailbox>();
  readonly invites: InviteBook;
  private loading = new Map<string, Promise<Mailbox | undefined>>();

  private constructor(
    readonly dataDir: string,
    readonly host: string,
    readonly ca: SigningIdentity,
  ) {
    this.invites = new InviteBook(paths.invites(dataDir, host));
  }

  /** Creates the domain directory and its CA (init). Refuses to overwrite an existing CA. */
  static async create(dataDir: string, host: string): Promise<Domain> {
    const exists = await stat(paths.caCert(dataDir, host)).then(
      () => true,
      () => false,
    );
    if (exists) throw new ConfigError(`domain ${host} already has a CA in ${paths.domain(dataDir, host)}`);
    await mkdir(paths.mailboxes(dataDir, host), { recursive: true });
    const pair = await createHostCa(host);
    await writeFileDurable(paths.caKey(dataDir, host), pair.keyPem);
    await writeFileDurable(paths.caCert(dataDir, host), pair.certPem);
    return new Domain(dataDir, host, await loadSigningIdentity(pair));
  }

  /** Loads the CA and every mailbox (serve); `loadMailboxes: false` for quick admin commands. */
  static async load(dataDir: string, host: string, options: { loadMailboxes: boolean }): Promise<Domain> {
    const [keyPem, certPem] = await Promise.all([
      readFile(paths.caKey(dataDir, host), 'utf8'),
      readFile(paths.caCert(dataDir, host), 'utf8'),
    ]);
    const domain = new Domain(dataDir, host, await loadSigningIdentity({ keyPem, certPem }));
    await mkdir(paths.mailboxes(dataDir, host), { recursive: true });
    if (options.loadMailboxes) {
      for (const name of await readdir(paths.mailboxes(dataDir, host))) {
        const mailbox = await domain.loadFromDisk(name);
        if (mailbox) domain.mailboxes.set(name.toLowerCase(), mailbox);
      }
    }
    return domain;
  }

  private async loadFromDisk(name: string): Promise<Mailbox | undefined> {
    const dir = paths.mailbox(this.dataDir, this.host, name);
    const hasMeta = await stat(join(dir, 'meta.json')).then(
      (s) => s.isFile(),
      () => false,
    );
    return hasMeta ? Mailbox.load(dir) : undefined;
  }

  /**
   * The mailbox for a name from the wire. A miss looks at the disk once, so mailboxes added by the admin
   * CLI while the host runs become deliverable. Names that are not valid mailbox names never touch the disk.
   */
  async mailbox(name: string): Promise<Mailbox | undefined> {
    const key = name.toLowerCase();
    const cached = this.mailboxes.get(key);
    if (cached) return cached;
    try {
      checkMailboxName(name);
    } catch {
      return undefined;
    }
    let pending = this.loading.get(key);
    if (!pending) {
      pending = this.findOnDisk(key).finally(() => this.loading.delete(key));
      this.loading.set(key, pending);
    }
    return pending;
  }

  private async findOnDisk(key: string): Promise<Mailbox | undefined> {
    const names = await readdir(paths.mailboxes(this.dataDir, this.host)).catch(() => [] as string[]);
    const name = names.find((n) => n.toLowerCase() === key);
    if (!name) return undefined;
    const mailbox = await this.loadFromDisk(name);
    if (mailbox) this.mailboxes.set(key, mailbox);
    return mailbox;
  }

  async createMailbox(
    name: string,
    options: { blurb?: string; kind: 'user' | 'list'; fingerprints?: string[] },
  ): Promise<Mailbox> {
    checkMailboxName(name);
    if (await this.mailbox(name)) throw new ConfigError(`mailbox ${name}@${this.host} already exists`);
    const meta: MailboxMeta = {
      name,
      kind: options.kind,
      fingerprints: options.fingerprints ?? [],
      createdAt: new Date().toISOString(),
    };
    if (options.blurb) meta.blurb = options.blurb;
    if (options.kind === 'list') meta.subscribers = [];
    const mailbox = await Mailbox.create(paths.mailbox(this.dataDir, this.host, name), meta);
    this.mailboxes.set(name.toLowerCase(), mailbox);
    return mailbox;
  }

  /** The fingerprint a probe or delivery answers with: the mailbox's own certificate, else the host's (bp §3). */
  fingerprintOf(mailbox: Mailbox): string {
    return mailbox.meta.fingerprints[0] ?? this.ca.fingerprint;
  }
}
