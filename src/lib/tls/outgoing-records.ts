// The sending half of the record layer (RFC 8446 §5): plaintext records before keys exist, protected records
// after, in issue order. Handshake messages are queued and coalesced so a flight leaves in as few records as
// possible (RFC 8448 §6 sends one record for the client's flight).
import { concat } from '../bytes/concat';
import { RecordProtection } from './aead';
import { ContentType, maxPlaintextLength, plaintextRecords } from './record-layer';

export class OutgoingRecords {
  /** May still be deriving: records are sealed with it, in order, once it resolves. */
  private protection?: RecordProtection | Promise<RecordProtection>;
  private records: (Uint8Array | Promise<Uint8Array>)[] = [];
  private handshake: Uint8Array[] = [];

  get protected(): boolean {
    return this.protection !== undefined;
  }

  /** The current write key, once derived. */
  currentProtection(): Promise<RecordProtection | undefined> {
    return Promise.resolve(this.protection);
  }

  /** An unprotected record (ClientHello; alerts before the handshake keys exist). */
  plaintext(type: number, content: Uint8Array, legacyRecordVersion = 0x0303): void {
    this.records.push(...plaintextRecords(type, content, legacyRecordVersion));
  }

  queueHandshake(message: Uint8Array): void {
    this.handshake.push(message);
  }

  /** Seals the queued handshake messages under the current write key. */
  flushHandshake(): void {
    if (this.handshake.length === 0) return;
    const messages = concat(...this.handshake);
    this.handshake = [];
    this.seal(ContentType.handshake, messages);
  }

  /** Switches keys after sealing what was queued under the old one. */
  setProtection(protection: RecordProtection | Promise<RecordProtection>): void {
    this.flushHandshake();
    this.protection = protection;
  }

  /** Protected records for `content`, split at 2^14 bytes (§5.1); nonces are fixed now, in issue order. */
  seal(type: number, content: Uint8Array): void {
    if (type !== ContentType.handshake) this.flushHandshake();
    const protection = this.protection;
    if (!protection) throw new Error('no write keys installed');
    for (let offset = 0; offset < content.length || offset === 0; offset += maxPlaintextLength) {
      const fragment = content.subarray(offset, offset + maxPlaintextLength);
      this.records.push(
        protection instanceof RecordProtection
          ? protection.seal(type, fragment)
          : protection.then((ready) => ready.seal(type, fragment)),
      );
      if (content.length === 0) break;
    }
  }

  /** An alert: protected once keys exist, plaintext before. */
  alert(body: Uint8Array): void {
    if (this.protection) this.seal(ContentType.alert, body);
    else this.plaintext(ContentType.alert, body);
  }

  /** Every record issued so far, ready to write, in order. */
  async drain(): Promise<Uint8Array[]> {
    if (this.protection) this.flushHandshake();
    const records = await Promise.all(this.records);
    this.records = [];
    return records;
  }
}
