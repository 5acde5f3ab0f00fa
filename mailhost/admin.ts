// The admin commands (`npm run mailhost -- <command>`). Each returns the text to print, so tests can call
// them in-process as well as through main.ts.
import { writeFile } from 'node:fs/promises';
import { createMailboxIdentity } from './certs';
import {
  checkHostName,
  ConfigError,
  DEFAULT_SETTINGS,
  readHostFile,
  requireHostFile,
  writeHostFile,
} from './config';
import { Domain } from './domain';
import { createListIdentity } from './lists';
import { normaliseFingerprint, isSha256Fingerprint } from '../src/lib/misfin/fingerprint';

export const USAGE = `Misfin mail host

Usage: npm run mailhost -- <command> [options]

  init --data DIR --host HOSTNAME
      Create the data directory (or add a domain to it) with the host's CA identity: self-signed,
      CA:TRUE, UID admin, SAN HOSTNAME. It is also the TLS certificate for that domain (chosen by SNI).
  mailbox add NAME --data DIR [--host HOSTNAME] [--blurb TEXT] [--cert-out FILE] [--list] [--fingerprint FP]
      Create a mailbox. --cert-out makes a key and a CA-signed certificate and writes them to FILE (the
      host then knows that key; use "invite" for keys the host never sees). --list makes a mailing list
      with its own identity. --fingerprint registers an existing certificate (SHA-256 of its DER).
  invite NAME --data DIR [--host HOSTNAME] [--ttl SECONDS]
      Print a one-time registration code for NAME (default: valid 7 days). The user registers by sending a
      CSR: gemini://HOST/register?mailbox=NAME&invite=CODE&csr=<base64url DER>.
  list --data DIR
      Domains, mailboxes, fingerprints and message counts.
  serve --data DIR [--listen ADDR] [--port 1958] [--peer HOST=ADDR:PORT ...]
      Run the host. --peer connects to ADDR:PORT whenever HOST must be reached (tests, private networks).

Options: --help shows this text.`;

export async function initCommand(dataDir: string, hostName: string): Promise<string> {
  const host = checkHostName(hostName);
  const existing = await readHostFile(dataDir);
  if (existing?.domains.includes(host)) throw new ConfigError(`${host} is already served from ${dataDir}`);
  const domain = await Domain.create(dataDir, host);
  const file = existing ?? { version: 1 as const, domains: [], settings: DEFAULT_SETTINGS };
  file.domains.push(host);
  await writeHostFile(dataDir, file);
  return `Initialised ${host} in ${dataDir}\nHost CA fingerprint: ${domain.ca.fingerprint}`;
}

async function pickDomain(dataDir: string, hostName: string | undefined): Promise<Domain> {
  const file = await requireHostFile(dataDir);
  const host = hostName ? checkHostName(hostName) : file.domains[0]!;
  if (!file.domains.includes(host)) throw new ConfigError(`${host} is not served from ${dataDir}`);
  return Domain.load(dataDir, host, { loadMailboxes: false });
}

export interface MailboxAddOptions {
  host?: string;
  blurb?: string;
  certOut?: string;
  list?: boolean;
  fingerprint?: string;
}

export async function mailboxAddCommand(
  dataDir: string,
  name: string,
  options: MailboxAddOptions,
): Promise<string> {
  const domain = await pickDomain(dataDir, options.host);
  const fingerprints: string[] = [];
  if (options.fingerprint !== undefined) {
    const fingerprint = normaliseFingerprint(options.fingerprint);
    if (!isSha256Fingerprint(fingerprint))
      throw new ConfigError('--fingerprint must be a SHA-256 fingerprint (64 hex)');
    fingerprints.push(fingerprint);
  }
  const mailbox = await domain.createMailbox(name, {
    kind: options.list ? 'list' : 'user',
    fingerprints,
    ...(options.blurb ? { blurb: options.blurb } : {}),
  });
  const lines = [`Created ${options.list ? 'mailing list' : 'mailbox'} ${name}@${domain.host}`];
  if (options.list) lines.push(`List identity fingerprint: ${await createListIdentity(domain, mailbox)}`);
  if (options.certOut) {
    const identity = await createMailboxIdentity(domain.ca, {
      mailbox: name,
      ...(options.blurb ? { displayName: options.blurb } : {}),
      host: domain.host,
    });
    // Certificate, then the CA (the chain a client presents), then the key; readable by the owner only.
    await writeFile(options.certOut, identity.certPem + domain.ca.certPem + identity.keyPem, {
      mode: 0o600,
      flag: 'wx',
    });
    mailbox.meta.fingerprints = [identity.fingerprint, ...mailbox.meta.fingerprints];
    await mailbox.saveMeta();
    lines.push(`Wrote key and certificate to ${options.certOut}`, `Fingerprint: ${identity.fingerprint}`);
  }
  return lines.join('\n');
}

export async function inviteCommand(
  dataDir: string,
  name: string,
  options: { host?: string; ttlSeconds?: number },
): Promise<{ code: string; expiresAt: number; text: string }> {
  const file = await requireHostFile(dataDir);
  const domain = await pickDomain(dataDir, options.host);
  // An invite reserves the name: the mailbox exists (and receives mail) before its owner registers.
  if (!(await domain.mailbox(name))) await domain.createMailbox(name, { kind: 'user' });
  const ttlMs = options.ttlSeconds !== undefined ? options.ttlSeconds * 1000 : file.settings.inviteTtlMs;
  const { code, expiresAt } = await domain.invites.create(name, ttlMs);
  const text = [
    `Invite for ${name}@${domain.host} (one use, expires ${new Date(expiresAt).toISOString()}):`,
    code,
  ].join('\n');
  return { code, expiresAt, text };
}

export async function listCommand(dataDir: string): Promise<string> {
  const file = await requireHostFile(dataDir);
  const lines: string[] = [];
  for (const host of file.domains) {
    const domain = await Domain.load(dataDir, host, { loadMailboxes: true });
    lines.push(`${host}  CA ${domain.ca.fingerprint}`);
    const mailboxes = [...domain.mailboxes.values()].sort((a, b) => a.name.localeCompare(b.name));
    for (const mailbox of mailboxes) {
      const usage = mailbox.usage();
      const extra =
        mailbox.meta.kind === 'list' ? ` subscribers=${mailbox.meta.subscribers?.length ?? 0}` : '';
      lines.push(
        `  ${mailbox.name}@${host}  ${mailbox.meta.kind}  messages=${usage.messages}${extra}  ${mailbox.meta.fingerprints[0] ?? '(no certificate yet)'}`,
      );
    }
  }
  return lines.join('\n');
}
