// The application traffic secrets after the handshake and their successors (RFC 8446 §7.2): KeyUpdate in
// either direction replaces application_traffic_secret_N with HKDF-Expand-Label(secret, "traffic upd", "").
import { RecordProtection } from './aead';
import type { CipherSuite } from './cipher-suites';
import { nextTrafficSecret } from './key-schedule';

export class TrafficSecrets {
  private read?: Uint8Array;
  private write?: Uint8Array;

  /** Keeps generation 0 as the key schedule reports it (key log labels). */
  observe(label: string, secret: Uint8Array): void {
    if (label === 'CLIENT_TRAFFIC_SECRET_0') this.write = secret;
    if (label === 'SERVER_TRAFFIC_SECRET_0') this.read = secret;
  }

  async nextRead(suite: CipherSuite): Promise<RecordProtection> {
    if (!this.read) throw new Error('no server application traffic secret yet');
    this.read = await nextTrafficSecret(suite.hash, this.read);
    return RecordProtection.fromSecret(suite, this.read);
  }

  async nextWrite(suite: CipherSuite): Promise<RecordProtection> {
    if (!this.write) throw new Error('no client application traffic secret yet');
    this.write = await nextTrafficSecret(suite.hash, this.write);
    return RecordProtection.fromSecret(suite, this.write);
  }
}
