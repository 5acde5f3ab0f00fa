// The handshake transcript (RFC 8446 §4.4.1): every handshake message in order, hashed on demand.
// Messages are kept rather than hashed incrementally because WebCrypto has no streaming digest.
import { concat } from '../bytes/concat';
import { encodeHandshake, HandshakeType } from './handshake-framing';
import { digest, hashLength, type HashName } from './key-schedule';

export class Transcript {
  private messages: Uint8Array[] = [];

  add(message: Uint8Array): void {
    this.messages.push(message);
  }

  bytes(): Uint8Array {
    return concat(...this.messages);
  }

  hash(hash: HashName): Promise<Uint8Array> {
    return digest(hash, this.bytes());
  }

  /**
   * After a HelloRetryRequest, ClientHello1 is replaced by message_hash(254) ‖ 00 00 HashLen ‖
   * Hash(ClientHello1) (§4.4.1), so both sides agree on the transcript without the server keeping state.
   */
  async replaceWithMessageHash(hash: HashName): Promise<void> {
    const firstHash = await digest(hash, this.bytes());
    if (firstHash.length !== hashLength(hash)) throw new Error('unexpected digest length');
    this.messages = [encodeHandshake(HandshakeType.messageHash, firstHash)];
  }
}
