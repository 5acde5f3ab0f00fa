// Handshake message framing (RFC 8446 §4): type(1) ‖ length(3) ‖ body. Messages may be split across
// records or several may share one record (§5.1); HandshakeBuffer reassembles them.
import { Alert } from './alerts';
import { ByteQueue } from './byte-queue';
import { protocolError } from './errors';

export const HandshakeType = {
  clientHello: 1,
  serverHello: 2,
  newSessionTicket: 4,
  endOfEarlyData: 5,
  encryptedExtensions: 8,
  certificate: 11,
  certificateRequest: 13,
  certificateVerify: 15,
  finished: 20,
  keyUpdate: 24,
  messageHash: 254,
} as const;

/** Far above any sane certificate chain; bounds memory a hostile peer can make us hold. */
export const maxHandshakeMessageLength = 256 * 1024;

export interface HandshakeMessage {
  type: number;
  body: Uint8Array;
  /** The whole message with its 4-byte header: what goes into the transcript. */
  raw: Uint8Array;
}

export function encodeHandshake(type: number, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + body.length);
  out[0] = type;
  out[1] = (body.length >>> 16) & 0xff;
  out[2] = (body.length >>> 8) & 0xff;
  out[3] = body.length & 0xff;
  out.set(body, 4);
  return out;
}

export class HandshakeBuffer {
  private readonly pending = new ByteQueue();

  push(fragment: Uint8Array): void {
    this.pending.push(fragment);
  }

  /** True while part of a message is waiting: a key change must not happen then (§5.1). */
  get hasPartial(): boolean {
    return this.pending.length > 0;
  }

  next(): HandshakeMessage | undefined {
    const p = this.pending;
    if (p.length < 4) return undefined;
    const length = ((p.at(1) as number) << 16) | ((p.at(2) as number) << 8) | (p.at(3) as number);
    if (length > maxHandshakeMessageLength) {
      throw protocolError(Alert.decodeError, `handshake message of ${length} bytes is larger than allowed`);
    }
    if (p.length < 4 + length) return undefined;
    const raw = p.take(4 + length);
    return { type: raw[0] as number, body: raw.subarray(4), raw };
  }
}
