// Record protection with AES-GCM (RFC 8446 §5.2-5.3). Each direction owns one RecordProtection per traffic
// secret. The sequence number is taken synchronously when seal/open is called, not when WebCrypto's promise
// resolves, so records issued back to back keep distinct, ordered nonces.
import { Alert } from './alerts';
import type { CipherSuite } from './cipher-suites';
import { protocolError } from './errors';
import { hkdfExpandLabel } from './key-schedule';
import { ContentType, maxCiphertextLength, maxPlaintextLength, type RawRecord } from './record-layer';

const subtle = () => globalThis.crypto.subtle;
const empty = new Uint8Array(0);

export interface TrafficKeys {
  key: Uint8Array;
  iv: Uint8Array;
}

/** [sender]_write_key and [sender]_write_iv from a traffic secret (RFC 8446 §7.3). */
export async function deriveTrafficKeys(suite: CipherSuite, secret: Uint8Array): Promise<TrafficKeys> {
  const [key, iv] = await Promise.all([
    hkdfExpandLabel(suite.hash, secret, 'key', empty, suite.keyLength),
    hkdfExpandLabel(suite.hash, secret, 'iv', empty, 12),
  ]);
  return { key, iv };
}

export interface OpenedRecord {
  type: number;
  content: Uint8Array;
}

export class RecordProtection {
  private sequence = 0;

  private constructor(
    private readonly key: CryptoKey,
    private readonly iv: Uint8Array,
  ) {}

  static async fromSecret(suite: CipherSuite, secret: Uint8Array): Promise<RecordProtection> {
    const { key, iv } = await deriveTrafficKeys(suite, secret);
    return RecordProtection.fromKeys(key, iv);
  }

  static async fromKeys(rawKey: Uint8Array, iv: Uint8Array): Promise<RecordProtection> {
    const key = await subtle().importKey('raw', rawKey as BufferSource, 'AES-GCM', false, [
      'encrypt',
      'decrypt',
    ]);
    return new RecordProtection(key, iv);
  }

  /** Records protected or opened under this key so far. */
  get recordCount(): number {
    return this.sequence;
  }

  /** Per-record nonce: the 64-bit sequence number, left-padded to 12 bytes, XORed with the IV (§5.3). */
  private nextNonce(): Uint8Array {
    // §5.3: the sequence number must never wrap. A JS number is exact only up to 2^53, so stop there; long
    // before that the connection rekeys (§5.5 limits AES-GCM to 2^24.5 records per key).
    if (this.sequence >= Number.MAX_SAFE_INTEGER) {
      throw protocolError(Alert.internalError, 'record sequence number exhausted; the key must be updated');
    }
    const sequence = this.sequence++;
    const nonce = this.iv.slice();
    let value = sequence;
    for (let i = 11; i >= 4 && value > 0; i--) {
      nonce[i] = (nonce[i] as number) ^ (value & 0xff);
      value = Math.floor(value / 256);
    }
    return nonce;
  }

  /** TLSCiphertext for one record: content ‖ type ‖ zero padding, under header-as-AAD (§5.2). */
  seal(type: number, content: Uint8Array, padding = 0): Promise<Uint8Array> {
    if (content.length > maxPlaintextLength) throw new RangeError('record content exceeds 2^14 bytes');
    const nonce = this.nextNonce();
    const inner = new Uint8Array(content.length + 1 + padding);
    inner.set(content);
    inner[content.length] = type;
    const length = inner.length + 16;
    const header = Uint8Array.of(ContentType.applicationData, 0x03, 0x03, length >>> 8, length & 0xff);
    const encrypted = subtle().encrypt(
      { name: 'AES-GCM', iv: nonce as BufferSource, additionalData: header as BufferSource, tagLength: 128 },
      this.key,
      inner as BufferSource,
    );
    return encrypted.then((sealed) => {
      const record = new Uint8Array(5 + length);
      record.set(header);
      record.set(new Uint8Array(sealed), 5);
      return record;
    });
  }

  /** Decrypts one protected record (header = its 5 bytes, as received) and strips the padding. */
  async open(header: Uint8Array, ciphertext: Uint8Array): Promise<OpenedRecord> {
    if (ciphertext.length > maxCiphertextLength) {
      throw protocolError(
        Alert.recordOverflow,
        `encrypted record of ${ciphertext.length} bytes exceeds 2^14+256`,
      );
    }
    const nonce = this.nextNonce();
    if (ciphertext.length < 17)
      throw protocolError(Alert.badRecordMac, 'encrypted record too short to hold a tag');
    let plain: Uint8Array;
    try {
      const opened = await subtle().decrypt(
        {
          name: 'AES-GCM',
          iv: nonce as BufferSource,
          additionalData: header as BufferSource,
          tagLength: 128,
        },
        this.key,
        ciphertext as BufferSource,
      );
      plain = new Uint8Array(opened);
    } catch (cause) {
      throw protocolError(Alert.badRecordMac, 'record failed authentication (bad_record_mac)', cause);
    }
    if (plain.length > maxPlaintextLength + 1) {
      throw protocolError(Alert.recordOverflow, 'decrypted record exceeds 2^14 + 1 bytes');
    }
    let end = plain.length - 1;
    while (end >= 0 && plain[end] === 0) end--;
    if (end < 0) throw protocolError(Alert.unexpectedMessage, 'encrypted record holds no content type');
    return { type: plain[end] as number, content: plain.subarray(0, end) };
  }
}

/**
 * Starts decrypting the protected records of `batch` from index `from` on, under one read key, in record order
 * (so sequence numbers follow it). Failures stay silent until awaited: after a key change the caller discards
 * these and opens the rest again under the new key, so a speculative failure is never reported.
 */
export function openAhead(
  batch: readonly RawRecord[],
  from: number,
  protection: RecordProtection | Promise<RecordProtection> | undefined,
): (Promise<OpenedRecord> | undefined)[] {
  const openings: (Promise<OpenedRecord> | undefined)[] = [];
  for (let j = from; protection && j < batch.length; j++) {
    const record = batch[j] as RawRecord;
    if (record.type !== ContentType.applicationData) continue;
    const opening =
      protection instanceof RecordProtection
        ? protection.open(record.header, record.fragment)
        : protection.then((ready) => ready.open(record.header, record.fragment));
    opening.catch(() => undefined);
    openings[j] = opening;
  }
  return openings;
}
