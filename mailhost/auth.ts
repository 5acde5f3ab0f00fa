// Who a client certificate is: the Misfin identity checks shared by delivery and GMAP. A usable identity
// has a UID and a DNS SAN (Lagrange's "qualifies" rule, doc §10) and is inside its validity period;
// otherwise `62 CERTIFICATE INVALID` (spec §2).
import { tryParseAddress, formatAddress } from '../src/lib/misfin/address';
import { verifyCertificateSignature } from '../src/lib/identity/certificate-builder';
import { parseCertificate } from '../src/lib/identity/x509';
import { fingerprintOf } from './fingerprint';
import type { Domain } from './domain';
import type { Mailbox } from './store';
import type { Sender } from './verify-sender';

export type SenderResult = { ok: true; sender: Sender; blurb?: string } | { ok: false; reason: string };

export async function senderFromCertificate(der: Uint8Array, now: number): Promise<SenderResult> {
  let cert;
  try {
    cert = parseCertificate(der);
  } catch (error) {
    return { ok: false, reason: `certificate not readable: ${(error as Error).message}` };
  }
  if (now < cert.notBefore.getTime()) return { ok: false, reason: 'certificate not yet valid' };
  if (now > cert.notAfter.getTime()) return { ok: false, reason: 'certificate expired' };
  const host = cert.dnsNames[0];
  if (!cert.uid || !host) return { ok: false, reason: 'certificate has no UID or no DNS subjectAltName' };
  const address = tryParseAddress(`${cert.uid}@${host}`);
  if (!address || address.port !== 1958) {
    return { ok: false, reason: 'certificate UID and subjectAltName do not form a Misfin address' };
  }
  const sender: Sender = {
    address,
    text: formatAddress(address),
    cert,
    fingerprint: fingerprintOf(der),
  };
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
