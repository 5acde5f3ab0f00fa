// Who a client certificate is: the Misfin identity checks shared by delivery and GMAP. A usable identity
// has a UID and a DNS SAN (Lagrange's "qualifies" rule, doc §10) and is inside its validity period;
// otherwise `62 CERTIFICATE INVALID` (spec §2).
import { tryParseAddress, formatAddress, type MisfinAddress } from '../src/lib/misfin/address';
import { verifyCertificateSignature } from '../src/lib/identity/certificate-builder';
import { parseCertificate, type Certificate } from '../src/lib/identity/x509';
import { fingerprintOf } from './fingerprint';
import type { Domain } from './domain';
import type { Mailbox } from './store';
import type { Sender } from './verify-sender';

export type SenderResult = { ok: true; sender: Sender; blurb?: string } | { ok: false; reason: string };

type Parsed = { ok: true; cert: Certificate; address: MisfinAddress } | { ok: false; reason: string };

// Certificates parsed before, by fingerprint: a sender's certificate arrives again with every delivery, and
// parsing it (pure TypeScript DER) was a visible part of a delivery's CPU. Only what the certificate says
// is cached; the validity period is checked against the clock on every use. Bounded; oldest entries go.
const parsedCertificates = new Map<string, Parsed>();
const PARSED_CACHE_ENTRIES = 4096;

function parseIdentity(der: Uint8Array, fingerprint: string): Parsed {
  const cached = parsedCertificates.get(fingerprint);
  if (cached) return cached;
  let parsed: Parsed;
  try {
    const cert = parseCertificate(der);
    const host = cert.dnsNames[0];
    const address = cert.uid && host ? tryParseAddress(`${cert.uid}@${host}`) : undefined;
    if (!cert.uid || !host) parsed = { ok: false, reason: 'certificate has no UID or no DNS subjectAltName' };
    else if (!address || address.port !== 1958) {
      parsed = { ok: false, reason: 'certificate UID and subjectAltName do not form a Misfin address' };
    } else parsed = { ok: true, cert, address };
  } catch (error) {
    parsed = { ok: false, reason: `certificate not readable: ${(error as Error).message}` };
  }
  if (parsedCertificates.size >= PARSED_CACHE_ENTRIES) {
    const oldest = parsedCertificates.keys().next().value;
    if (oldest !== undefined) parsedCertificates.delete(oldest);
  }
  parsedCertificates.set(fingerprint, parsed);
  return parsed;
}

export async function senderFromCertificate(der: Uint8Array, now: number): Promise<SenderResult> {
  const fingerprint = fingerprintOf(der);
  const parsed = parseIdentity(der, fingerprint);
  if (!parsed.ok) return { ok: false, reason: parsed.reason };
  const { cert, address } = parsed;
  if (now < cert.notBefore.getTime()) return { ok: false, reason: 'certificate not yet valid' };
  if (now > cert.notAfter.getTime()) return { ok: false, reason: 'certificate expired' };
  const sender: Sender = { address, text: formatAddress(address), cert, fingerprint };
  return cert.commonName ? { ok: true, sender, blurb: cert.commonName } : { ok: true, sender };
}

/**
 * The mailbox a certificate may act for on this domain (GMAP and gmap@HOST): the mailbox named by its UID,
 * if the certificate is that mailbox's registered one or was signed by this domain's CA for this host.
 */
export async function ownedMailbox(domain: Domain, sender: Sender): Promise<Mailbox | undefined> {
  const mailbox = await domain.mailbox(sender.address.mailbox);
  if (!mailbox) return undefined;
  if (mailbox.meta.fingerprints.includes(sender.fingerprint)) return mailbox;
  if (sender.address.host !== domain.host) return undefined;
  return (await verifyCertificateSignature(sender.cert, domain.ca.cert)) ? mailbox : undefined;
}
