// The data directory of a mail host and its settings. Layout (one directory per served domain, so several
// domains with their own CA can share one listener, seed 004):
//   DIR/host.json                          settings + the list of domains (first = default for clients without SNI)
//   DIR/known-senders.json                 sender verification cache (verify-sender.ts)
//   DIR/domains/<host>/ca-key.pem          the domain CA key, PKCS#8 PEM (Node's TLS reads it directly)
//   DIR/domains/<host>/ca-cert.pem         self-signed, CA:TRUE, UID admin, SAN host; also the TLS certificate
//   DIR/domains/<host>/invites.json        registration invites (only SHA-256 of the codes)
//   DIR/domains/<host>/mailboxes/<name>/meta.json, messages/<id>.<initial tags>.gmi, messages/<id>.tags (store.ts)
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileDurable } from './durable';

export interface RateSetting {
  /** Tokens added per second. */
  perSecond: number;
  /** Bucket size: how many requests may come at once. */
  burst: number;
}

export interface HostSettings {
  /** Time to receive the whole request head (slowloris guard). */
  headerTimeoutMs: number;
  /** Time for the whole connection, handshake to response. */
  totalTimeoutMs: number;
  /** Open connections at most; Node closes further ones at once instead of letting them eat memory. */
  maxConnections: number;
  /** Deliveries per client IP, and per sender certificate. */
  ipRate: RateSetting;
  senderRate: RateSetting;
  /** Failed registration attempts per IP. */
  registrationFailureRate: RateSetting;
  /** Default mailbox quota (meta.json may override). */
  quota: { maxMessages: number; maxBytes: number };
  /** How long a verification outcome counts before the sender is checked again. */
  verifyTtlMs: number;
  /** How long an unverified outcome (sender host unreachable) is kept before trying again. */
  unverifiedRetryMs: number;
  /** How long an invite is valid. */
  inviteTtlMs: number;
  /** Timeout of outgoing connections (host certificate fetch, probe, list fan-out). */
  outboundTimeoutMs: number;
}

export interface HostFile {
  version: 1;
  domains: string[];
  settings: HostSettings;
}

export const DEFAULT_SETTINGS: HostSettings = {
  headerTimeoutMs: 10_000,
  totalTimeoutMs: 30_000,
  maxConnections: 4096,
  ipRate: { perSecond: 200, burst: 400 },
  senderRate: { perSecond: 20, burst: 60 },
  registrationFailureRate: { perSecond: 0.1, burst: 5 },
  quota: { maxMessages: 100_000, maxBytes: 512 * 1024 * 1024 },
  verifyTtlMs: 24 * 3600_000,
  unverifiedRetryMs: 5 * 60_000,
  inviteTtlMs: 7 * 24 * 3600_000,
  outboundTimeoutMs: 10_000,
};

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Mailbox names we create: safe as a path component and as a Misfin mailbox (address.ts rules). */
const MAILBOX_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
/** Addresses the host keeps for itself: `gmap@HOST` stores sent copies and drafts (contract). */
export const RESERVED_MAILBOXES = new Set(['gmap']);

export function checkMailboxName(name: string): void {
  if (!MAILBOX_NAME.test(name)) {
    throw new ConfigError(
      `"${name}" is not a usable mailbox name: 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit`,
    );
  }
  if (RESERVED_MAILBOXES.has(name.toLowerCase())) throw new ConfigError(`"${name}" is reserved by the host`);
}

const HOST_NAME =
  /^(?=.{1,253}$)[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?(?:\.[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)*$/;

export function checkHostName(host: string): string {
  const lower = host.toLowerCase();
  if (!HOST_NAME.test(lower)) throw new ConfigError(`"${host}" is not a valid host name`);
  return lower;
}

export const paths = {
  hostFile: (dir: string) => join(dir, 'host.json'),
  knownSenders: (dir: string) => join(dir, 'known-senders.json'),
  /** Pinned keys of the other hosts this host has connected to (sender verification, list re-sends). */
  knownHosts: (dir: string) => join(dir, 'known_hosts'),
  domain: (dir: string, host: string) => join(dir, 'domains', host),
  caKey: (dir: string, host: string) => join(dir, 'domains', host, 'ca-key.pem'),
  caCert: (dir: string, host: string) => join(dir, 'domains', host, 'ca-cert.pem'),
  invites: (dir: string, host: string) => join(dir, 'domains', host, 'invites.json'),
  mailboxes: (dir: string, host: string) => join(dir, 'domains', host, 'mailboxes'),
  mailbox: (dir: string, host: string, name: string) => join(dir, 'domains', host, 'mailboxes', name),
};

function mergeSettings(partial: Partial<HostSettings> | undefined): HostSettings {
  return { ...DEFAULT_SETTINGS, ...(partial ?? {}) };
}

export async function readHostFile(dir: string): Promise<HostFile | undefined> {
  let text: string;
  try {
    text = await readFile(paths.hostFile(dir), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  let parsed: Partial<HostFile>;
  try {
    parsed = JSON.parse(text) as Partial<HostFile>;
  } catch (error) {
    throw new ConfigError(`${paths.hostFile(dir)} is not valid JSON: ${(error as Error).message}`);
  }
  if (!Array.isArray(parsed.domains) || parsed.domains.length === 0) {
    throw new ConfigError(`${paths.hostFile(dir)} lists no domains; run "init" first`);
  }
  return { version: 1, domains: parsed.domains.map(checkHostName), settings: mergeSettings(parsed.settings) };
}

export async function writeHostFile(dir: string, file: HostFile): Promise<void> {
  await writeFileDurable(paths.hostFile(dir), JSON.stringify(file, null, 2) + '\n');
}

export async function requireHostFile(dir: string): Promise<HostFile> {
  const file = await readHostFile(dir);
  if (!file)
    throw new ConfigError(`${dir} is not a mail host data directory (no host.json); run "init" first`);
  return file;
}
