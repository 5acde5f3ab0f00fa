// Splits the incoming byte stream into TLSPlaintext/TLSCiphertext records (RFC 8446 §5.1) and frames
// outgoing plaintext records. Size limits are enforced here, before any decryption work.
import { Alert } from './alerts';
import { ByteQueue } from './byte-queue';
import { protocolError } from './errors';

export const ContentType = {
  changeCipherSpec: 20,
  alert: 21,
  handshake: 22,
  applicationData: 23,
} as const;

export const maxPlaintextLength = 1 << 14;
export const maxCiphertextLength = (1 << 14) + 256;

export interface RawRecord {
  type: number;
  /** The 5-byte header as received: it is the AEAD additional data. */
  header: Uint8Array;
  fragment: Uint8Array;
}

export class RecordReader {
  private readonly pending = new ByteQueue();

  push(bytes: Uint8Array): void {
    this.pending.push(bytes);
  }

  get buffered(): number {
    return this.pending.length;
  }

  /** The next complete record, or undefined until more bytes arrive. */
  next(): RawRecord | undefined {
    const p = this.pending;
    if (p.length < 5) return undefined;
    const type = p.at(0) as number;
    if (type < ContentType.changeCipherSpec || type > ContentType.applicationData) {
      throw protocolError(Alert.unexpectedMessage, `unknown record content type ${type}`);
    }
    // legacy_record_version "MUST be ignored for all purposes" (§5.1), but a first byte other than 3 means
    // the peer is not speaking TLS at all.
    if (p.at(1) !== 0x03)
      throw protocolError(Alert.decodeError, 'peer is not speaking TLS (bad record version)');
    const length = ((p.at(3) as number) << 8) | (p.at(4) as number);
    const limit = type === ContentType.applicationData ? maxCiphertextLength : maxPlaintextLength;
    if (length > limit)
      throw protocolError(Alert.recordOverflow, `record of ${length} bytes exceeds ${limit}`);
    if (p.length < 5 + length) return undefined;
    const record = p.take(5 + length);
    return { type, header: record.subarray(0, 5), fragment: record.subarray(5) };
  }
}

/** Unprotected records: ClientHello, and alerts before handshake keys exist. */
export function plaintextRecords(type: number, content: Uint8Array, legacyVersion = 0x0303): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let offset = 0; offset < content.length || offset === 0; offset += maxPlaintextLength) {
    const fragment = content.subarray(offset, offset + maxPlaintextLength);
    const record = new Uint8Array(5 + fragment.length);
    record[0] = type;
    record[1] = legacyVersion >>> 8;
    record[2] = legacyVersion & 0xff;
    record[3] = fragment.length >>> 8;
    record[4] = fragment.length & 0xff;
    record.set(fragment, 5);
    out.push(record);
    if (content.length === 0) break;
  }
  return out;
}
