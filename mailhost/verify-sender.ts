// Sender verification on receipt (seeds 000/001, spec §3.2-3.3, bp §3, design.md §3 "Receive"):
//   known address, same fingerprint -> accept; known, different fingerprint -> 63 (TOFU);
//   unknown -> is the sender's certificate signed by the TLS certificate of the sender's host on 1958?
//   else probe the sender's address with a blank message, presenting our own identity, and compare the
//   fingerprint of the `20`. Outcomes are cached and re-checked after a while. When the sender's host cannot
//   be reached the mail is delivered as unverified (GMAP tags SenderUnverified + ViaNone).
import { parseAddress, type MisfinAddress } from '../src/lib/misfin/address';
import { verifyCertificateSignature } from '../src/lib/identity/certificate-builder';
import { certificateFingerprint, parseCertificate, type Certificate } from '../src/lib/identity/x509';
import type { Domain } from './domain';
import type { KnownSenders, VerificationMethod } from './known-senders';
import type { ClientIdentity } from '../src/lib/tls/client';
import type { HostPinStore } from '../src/lib/trust/host-pins';
import { fetchHostCertificate, probeAddress, type ResolveHost } from './outbound';

export interface Sender {
  address: MisfinAddress;
  /** `mailbox@host`, lowercase host. */
  text: string;
  cert: Certificate;
  fingerprint: string;
}

export type VerifyOutcome =
  { kind: 'accept'; verified: boolean; how: VerificationMethod } | { kind: 'reject'; reason: string };

export interface VerifierOptions {
  known: KnownSenders;
  /** A domain this host serves, by name. */
  localDomain: (host: string) => Domain | undefined;
  resolve: ResolveHost;
  /** Pins of the other hosts' keys (outbound.ts). */
  pins: HostPinStore;
  timeoutMs: number;
  verifyTtlMs: number;
  unverifiedRetryMs: number;
  now: () => number;
  /** Logs outcomes (never message bodies or keys). */
  log: (line: string) => void;
}

interface HostCertEntry {
  cert?: Certificate;
  fingerprint?: string;
  fetchedAt: number;
}

export class SenderVerifier {
  private hostCerts = new Map<string, HostCertEntry>();
  private inFlight = new Map<string, Promise<VerifyOutcome>>();

  constructor(private readonly options: VerifierOptions) {}

  /** `probeAs` is the identity of the receiving domain: servers "act like clients for verification". */
  async verify(sender: Sender, probeAs: ClientIdentity): Promise<VerifyOutcome> {
    const local = this.options.localDomain(sender.address.host);
    if (local) return this.verifyLocal(sender, local);
    const known = this.options.known.get(sender.text);
    const now = this.options.now();
    if (known) {
      const age = now - known.checkedAt;
      const fresh = age < (known.verified ? this.options.verifyTtlMs : this.options.unverifiedRetryMs);
      if (fresh && known.fingerprint === sender.fingerprint) {
        return known.verified
          ? { kind: 'accept', verified: true, how: 'ViaKnown' }
          : { kind: 'accept', verified: false, how: 'ViaNone' };
      }
      if (fresh && known.verified) {
        return { kind: 'reject', reason: `${sender.text} is known with another certificate` };
      }
    }
    const key = `${sender.text} ${sender.fingerprint}`;
    let pending = this.inFlight.get(key);
    if (!pending) {
      pending = this.check(sender, probeAs, known?.verified === true ? known.fingerprint : undefined).finally(
        () => this.inFlight.delete(key),
      );
      this.inFlight.set(key, pending);
    }
    return pending;
  }

  /** A sender claiming one of our own domains: only our CA or a registered fingerprint speaks for it. */
  private async verifyLocal(sender: Sender, domain: Domain): Promise<VerifyOutcome> {
    const mailbox = await domain.mailbox(sender.address.mailbox);
    if (mailbox?.meta.fingerprints.includes(sender.fingerprint)) {
      return { kind: 'accept', verified: true, how: 'ViaKnown' };
    }
    if (sender.fingerprint === domain.ca.fingerprint)
      return { kind: 'accept', verified: true, how: 'ViaHostCA' };
    if (mailbox && (await verifyCertificateSignature(sender.cert, domain.ca.cert))) {
      return { kind: 'accept', verified: true, how: 'ViaHostCA' };
    }
    return { kind: 'reject', reason: `this host does not know that certificate for ${sender.text}` };
  }

  private async hostCertificate(host: string): Promise<HostCertEntry> {
    const now = this.options.now();
    const cached = this.hostCerts.get(host);
    if (cached) {
      const ttl = cached.cert ? this.options.verifyTtlMs : this.options.unverifiedRetryMs;
      if (now - cached.fetchedAt < ttl) return cached;
    }
    let entry: HostCertEntry;
    try {
      const der = await fetchHostCertificate(host, {
        timeoutMs: this.options.timeoutMs,
        resolve: this.options.resolve,
        pins: this.options.pins,
        log: this.options.log,
      });
      entry = { cert: parseCertificate(der), fingerprint: await certificateFingerprint(der), fetchedAt: now };
    } catch (error) {
      this.options.log(`verify: host certificate of ${host} unavailable: ${(error as Error).message}`);
      entry = { fetchedAt: now };
    }
    this.hostCerts.set(host, entry);
    return entry;
  }

  private async check(
    sender: Sender,
    probeAs: ClientIdentity,
    pinned: string | undefined,
  ): Promise<VerifyOutcome> {
    const outcome = await this.decide(sender, probeAs);
    if (outcome.kind === 'accept' && !outcome.verified && pinned === sender.fingerprint) {
      // Re-verification could not reach the host: the binding verified before still stands.
      return { kind: 'accept', verified: true, how: 'ViaKnown' };
    }
    if (
      outcome.kind === 'accept' &&
      !outcome.verified &&
      pinned !== undefined &&
      pinned !== sender.fingerprint
    ) {
      // A verified binding may only change to another verified one (seed 001: rotation is announced).
      return { kind: 'reject', reason: `${sender.text} is known with another certificate` };
    }
    if (outcome.kind === 'accept') {
      await this.options.known.set(sender.text, {
        fingerprint: sender.fingerprint,
        verified: outcome.verified,
        how: outcome.how,
        checkedAt: this.options.now(),
      });
    }
    this.options.log(
      `verify: ${sender.text} ${outcome.kind === 'accept' ? (outcome.verified ? outcome.how : 'unverified') : 'rejected'}`,
    );
    return outcome;
  }

  private async decide(sender: Sender, probeAs: ClientIdentity): Promise<VerifyOutcome> {
    const host = await this.hostCertificate(sender.address.host);
    if (host.cert) {
      if (host.fingerprint === sender.fingerprint)
        return { kind: 'accept', verified: true, how: 'ViaHostCA' };
      if (await verifyCertificateSignature(sender.cert, host.cert)) {
        return { kind: 'accept', verified: true, how: 'ViaHostCA' };
      }
    }
    // Probe: "sending a blank message back to the sender's address and seeing if the fingerprint matches" (bp §3).
    let response;
    try {
      const target = parseAddress(`${sender.address.mailbox}@${sender.address.host}`);
      response = await probeAddress(target, probeAs, {
        timeoutMs: this.options.timeoutMs,
        resolve: this.options.resolve,
        pins: this.options.pins,
        log: this.options.log,
      });
    } catch (error) {
      this.options.log(`verify: probe of ${sender.text} failed: ${(error as Error).message}`);
      return { kind: 'accept', verified: false, how: 'ViaNone' };
    }
    if (response.status === 20) {
      if (response.fingerprint === sender.fingerprint)
        return { kind: 'accept', verified: true, how: 'ViaProbe' };
      return {
        kind: 'reject',
        reason: `${sender.address.host} vouches for another certificate for ${sender.text}`,
      };
    }
    if (response.status >= 50 && response.status < 60) {
      return { kind: 'reject', reason: `${sender.address.host} does not know ${sender.text}` };
    }
    return { kind: 'accept', verified: false, how: 'ViaNone' };
  }
}
