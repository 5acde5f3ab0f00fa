import { toBase64Url } from '../bytes/base64';
import { parsePem } from '../bytes/pem';
import { createCsr } from '../identity/csr';
import { createSelfSignedIdentity, makeIdentity, type Identity } from '../identity/identity';
import { exportWrappedIdentity, importWrappedIdentity as unwrapIdentity } from '../identity/export';
import { geminiRequest, geminiUrl } from '../gemini/client';
import { importIdentityPem } from '../identity/import';
import { generateIdentityKey } from '../identity/keys';
import { DEFAULT_MISFIN_PORT, parseAddress } from '../misfin/address';
import type { IdentityOrigin, IdentityRecord } from '../store/schema';
import type { Network } from './network';

/** A user-facing failure with a message meant to be shown as it is. */
export class OnboardingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OnboardingError';
  }
}

/** `host` or `host:port` as typed in the Host field. */
export function parseHostField(input: string): { host: string; port: number } {
  const trimmed = input.trim().replace(/^misfin:\/\//, '');
  if (trimmed === '') throw new OnboardingError('Enter the host, like example.org or localhost:1958.');
  try {
    const { host, port } = parseAddress(`x@${trimmed}`);
    return { host, port };
  } catch (error) {
    throw new OnboardingError(
      `“${trimmed}” is not a host name: ${(error as Error).message.replace(/^.*: /, '')}`,
    );
  }
}

export function toRecord(identity: Identity, origin: IdentityOrigin, port: number): IdentityRecord {
  const at = identity.address.lastIndexOf('@');
  const record: IdentityRecord = {
    address: identity.address,
    mailbox: identity.address.slice(0, at),
    host: identity.address.slice(at + 1),
    port,
    certificateChain: identity.certificateChain,
    privateKey: identity.privateKey,
    fingerprint: identity.fingerprint,
    origin,
    createdAt: Date.now(),
  };
  if (identity.displayName) record.displayName = identity.displayName;
  return record;
}

/**
 * How a key made here gets a backup (issue 8, tls-notes §3.2). A non-extractable key can never be wrapped,
 * so when the user gives a passphrase the key is generated extractable, wrapped at once into the export
 * file, then imported back non-extractable from that file, and the extractable handle is dropped: from then
 * on only the wrapped file (needs the passphrase) and a key that cannot leave WebCrypto exist. Without a
 * passphrase the key is non-extractable from birth and can never be exported.
 */
async function sealed(
  identity: Identity,
  origin: IdentityOrigin,
  port: number,
  passphrase: string | undefined,
): Promise<IdentityRecord> {
  if (!passphrase) return toRecord(identity, origin, port);
  const wrapped = await exportWrappedIdentity(identity, passphrase);
  const unwrapped = await unwrapIdentity(wrapped, passphrase, { extractable: false });
  return { ...toRecord(unwrapped, origin, port), wrapped };
}

/** Unwraps a protected identity's key into memory, non-extractable; a wrong passphrase throws. */
export async function unlockIdentity<T extends { wrapped?: string }>(
  stored: T,
  passphrase: string,
): Promise<T & { privateKey: CryptoKey }> {
  if (!stored.wrapped) throw new OnboardingError('This identity is not protected by a passphrase.');
  const identity = await unwrapIdentity(stored.wrapped, passphrase, { extractable: false });
  return { ...stored, privateKey: identity.privateKey };
}

/** Send-only identity: a self-signed certificate for a new P-256 key (sealed with `passphrase` if given). */
export async function createSendOnlyIdentity(fields: {
  mailbox: string;
  displayName?: string;
  hostField: string;
  passphrase?: string;
}): Promise<IdentityRecord> {
  const { host, port } = parseHostField(fields.hostField);
  const identity = await createSelfSignedIdentity(
    { mailbox: fields.mailbox.trim(), displayName: fields.displayName?.trim() || undefined, host },
    'ec',
    { extractable: Boolean(fields.passphrase) },
  );
  return sealed(identity, 'self-signed', port, fields.passphrase);
}

/** A PEM file (certificate + key, any of PKCS#8, SEC1, PKCS#1), imported with a non-extractable key. */
export async function importPemIdentity(text: string, port = DEFAULT_MISFIN_PORT): Promise<IdentityRecord> {
  return toRecord(await importIdentityPem(text, { extractable: false }), 'imported', port);
}

/** A passphrase-wrapped export (identity/export.ts), unwrapped into a non-extractable key. */
export async function importWrappedIdentity(
  text: string,
  passphrase: string,
  port = DEFAULT_MISFIN_PORT,
): Promise<IdentityRecord> {
  if (passphrase === '') throw new OnboardingError('This file is a protected export: enter its passphrase.');
  const identity = await unwrapIdentity(text, passphrase, { extractable: false });
  // The file itself is the protected form: kept as the backup and, on a device, as the stored key.
  return { ...toRecord(identity, 'imported', port), wrapped: text };
}

/**
 * Registration by CSR (seed 000, mailhost API): a fresh non-extractable P-256 key, a CSR with UID = mailbox,
 * CN = display name, SAN = host, sent with the invite; the host answers with the certificate it issued and
 * its CA certificate. The host never sees the key.
 */
export async function registerMailbox(
  net: Network,
  fields: { hostField: string; mailbox: string; displayName?: string; invite: string; passphrase?: string },
): Promise<IdentityRecord> {
  const { host, port } = parseHostField(fields.hostField);
  const mailbox = fields.mailbox.trim();
  const invite = fields.invite.trim();
  if (mailbox === '') throw new OnboardingError('Enter the mailbox name the invite is for.');
  if (invite === '') throw new OnboardingError('Enter the invite code.');
  const key = await generateIdentityKey('ec', { extractable: Boolean(fields.passphrase) });
  const csr = await createCsr(key, { mailbox, displayName: fields.displayName?.trim() || undefined, host });
  const query = new URLSearchParams({ mailbox, invite, csr: toBase64Url(csr) }).toString();
  const answer = await geminiRequest({
    open: net.opener(),
    url: geminiUrl(host, port, `/register?${query}`),
    maxBodyBytes: 64 * 1024,
  });
  const { status, meta } = answer.header;
  if (status === 61)
    throw new OnboardingError(
      'The host says this invite is not valid (unknown, used, expired, or for another mailbox).',
    );
  if (status === 44)
    throw new OnboardingError(`The host asks to slow down: try again in ${meta || 'a few'} seconds.`);
  if (status !== 20) throw new OnboardingError(`The host refused the registration: ${status} ${meta}`);
  const chain = parsePem(new TextDecoder().decode(answer.body))
    .filter((block) => block.label === 'CERTIFICATE')
    .map((block) => block.der);
  if (chain.length === 0) throw new OnboardingError('The host answered without a certificate.');
  return sealed(await makeIdentity(chain, key.privateKey), 'registered', port, fields.passphrase);
}
