import { text } from '../messages';
import { probe } from '../misfin/send';
import type { ContactRecord, VerificationMethod } from '../store';
import { describeFailure } from './host-keys.svelte';
import { displayAddress, routeAddress } from './routing';
import { parseAddress, tryParseAddress } from '../misfin/address';
import { acceptFingerprintChange, recordFingerprint } from '../trust/contacts';
import type { Webmail } from './webmail.svelte';

// Timestamps handed to the store, never kept in reactive state.
const now = () => new Date(Date.now());

export interface FingerprintConflict {
  address: string;
  known: string;
  presented: string;
}

/**
 * The contact book (design §4): address -> fingerprint, name, first/last seen and how it was verified. A
 * fingerprint different from the known one is never written silently: it becomes a conflict the user must
 * accept explicitly.
 */
export class ContactBook {
  list = $state.raw<ContactRecord[]>([]);
  conflicts = $state.raw<FingerprintConflict[]>([]);
  probeStatus = $state<string>();
  probing = $state(false);

  constructor(private readonly app: Webmail) {}

  async load(): Promise<void> {
    this.list = await this.app.store.contacts.list();
  }

  /**
   * A fingerprint seen for `address` (a 20 after a send, or a probe). Returns false when it conflicts with
   * the known one — then the contact stays as it was and the conflict waits for the user.
   */
  async record(
    rawAddress: string,
    fingerprint: string,
    how: VerificationMethod,
    name?: string,
  ): Promise<boolean> {
    const address = displayAddress(parseAddress(rawAddress));
    const outcome = await recordFingerprint(this.app.store.contacts, address, fingerprint, how, now(), name);
    if (outcome.status === 'changed') {
      this.conflicts = [
        ...this.conflicts.filter((c) => c.address !== address),
        { address, known: outcome.previous, presented: outcome.seen },
      ];
      return false;
    }
    await this.load();
    return true;
  }

  /** "Verify address": an empty message; the 20 carries the mailbox fingerprint, nothing is delivered (seed 000). */
  async probe(rawAddress: string): Promise<void> {
    const identity = this.app.current;
    this.probeStatus = text.contacts.verifying;
    this.probing = true;
    try {
      const target = routeAddress(rawAddress, this.app.homes);
      const { response } = await probe({ open: this.app.net.opener(identity), to: target });
      const shown = displayAddress(parseAddress(rawAddress));
      if (response.status !== 20 || !response.fingerprint) {
        this.probeStatus = `${shown}: ${response.status} ${response.info.name}. ${response.info.meaning}`;
        return;
      }
      const before = (await this.app.store.contacts.get(shown))?.fingerprint;
      const accepted = await this.record(shown, response.fingerprint, 'probe');
      if (!accepted) this.probeStatus = this.explain(this.conflicts.find((c) => c.address === shown));
      else if (before === response.fingerprint) this.probeStatus = text.contacts.unchanged(shown);
      else this.probeStatus = text.contacts.verified(shown, response.fingerprint);
    } catch (error) {
      this.app.hostKeys.notice(error);
      this.probeStatus = describeFailure(error);
    } finally {
      this.probing = false;
    }
  }

  /** The unresolved fingerprint change for `rawAddress`, if any. */
  conflictFor(rawAddress: string): FingerprintConflict | undefined {
    const address = tryParseAddress(rawAddress);
    return address && this.conflicts.find((c) => c.address === displayAddress(address));
  }

  explain(conflict: FingerprintConflict | undefined): string {
    return conflict ? text.contacts.changed(conflict.address, conflict.known, conflict.presented) : '';
  }

  /** The user accepted the changed fingerprint explicitly. */
  async acceptChange(address: string): Promise<void> {
    const conflict = this.conflicts.find((c) => c.address === address);
    if (!conflict) return;
    await acceptFingerprintChange(this.app.store.contacts, address, conflict.presented, 'manual', now());
    this.conflicts = this.conflicts.filter((c) => c.address !== address);
    this.probeStatus = undefined;
    await this.load();
  }

  /** The user accepted a rotation notice (rotation.ts) from a verified sender: the new fingerprint replaces the old. */
  async acceptRotation(rawAddress: string, fingerprint: string): Promise<void> {
    const address = displayAddress(parseAddress(rawAddress));
    await acceptFingerprintChange(this.app.store.contacts, address, fingerprint, 'manual', now());
    this.conflicts = this.conflicts.filter((c) => c.address !== address);
    await this.load();
  }

  /**
   * A permanent redirect (31, "use it for all future mail") the user confirmed, and the new address answered
   * 20 with `fingerprint`: the contact now lives at the new address, keeping its name. The old entry goes;
   * the new one is recorded as first use of that mailbox (its key is a different mailbox's). A conflict at
   * the new address is left for the user, like any other.
   */
  async moveContact(fromRaw: string, toRaw: string, fingerprint: string): Promise<boolean> {
    const from = displayAddress(parseAddress(fromRaw));
    const to = displayAddress(parseAddress(toRaw));
    const old = await this.app.store.contacts.get(from);
    const accepted = await this.record(to, fingerprint, 'first-use', old?.displayName);
    if (accepted && old && from !== to) {
      await this.app.store.contacts.delete(from);
      this.conflicts = this.conflicts.filter((c) => c.address !== from);
      await this.load();
    }
    return accepted;
  }

  async markVerified(address: string): Promise<void> {
    const known = await this.app.store.contacts.get(address);
    if (!known) return;
    await this.app.store.contacts.put({ ...known, verifiedBy: 'manual' });
    await this.load();
  }

  async remove(address: string): Promise<void> {
    await this.app.store.contacts.delete(address);
    await this.load();
  }
}
