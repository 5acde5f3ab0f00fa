// Offering a resumption PSK (RFC 8446 §4.2.9, §4.2.11): the early secret taken from the PSK instead of
// zeros (§7.1), the binder that ties the ticket to this ClientHello (§4.2.11.2), and the obfuscated ticket
// age (§4.2.11.1). Only psk_dhe_ke is offered, so every resumed session still runs a fresh (EC)DHE and keeps
// forward secrecy; 0-RTT is never offered.
import { ByteWriter } from '../bytes/writer';
import { Alert } from './alerts';
import { cipherSuites, type CipherSuite } from './cipher-suites';
import { protocolError } from './errors';
import { ExtensionType, type Extension } from './extensions';
import {
  deriveFromExtract,
  digest,
  emptyHash,
  finishedKey,
  hashLength,
  hmac,
  importHkdfKey,
  warmHmacKey,
  type HashName,
} from './key-schedule';
import { ticketUsable, type ResumptionTicket } from './session-cache';

/** psk_key_exchange_modes (§4.2.9): psk_dhe_ke (1) only; psk_ke (0) would give up forward secrecy. */
export const pskDheKe = 1;

export function pskKeyExchangeModesExtension(): Extension {
  return { type: ExtensionType.pskKeyExchangeModes, data: Uint8Array.of(1, pskDheKe) };
}

export interface PskSecrets {
  /** finished_key of binder_key = Derive-Secret(Early Secret, "res binder", "") (§4.2.11.2, §7.1). */
  binderFinishedKey: Uint8Array;
  /** Derive-Secret(Early Secret, "derived", ""): the salt of the Handshake Secret's Extract (§7.1). */
  handshakeSalt: Uint8Array;
}

/**
 * The secrets a PSK offer needs; they depend on the PSK alone, so connections derive them when the ticket
 * arrives, off the next handshake's critical path. Early Secret = HKDF-Extract(0, PSK) (§7.1) is never needed
 * as bytes: each Derive-Secret from it is one native HKDF call over the PSK.
 */
export async function pskSecrets(hash: HashName, psk: Uint8Array): Promise<PskSecrets> {
  const [ikm, empty] = await Promise.all([importHkdfKey(psk), emptyHash(hash)]);
  const zeros = new Uint8Array(hashLength(hash));
  const [binderKey, handshakeSalt] = await Promise.all([
    deriveFromExtract(hash, ikm, zeros, 'res binder', empty),
    deriveFromExtract(hash, ikm, zeros, 'derived', empty),
  ]);
  const binderFinishedKey = await finishedKey(hash, binderKey);
  warmHmacKey(hash, binderFinishedKey);
  return { binderFinishedKey, handshakeSalt };
}

/** obfuscated_ticket_age = (age in ms + ticket_age_add) mod 2^32 (§4.2.11.1). */
export function obfuscatedTicketAge(ticket: ResumptionTicket, now: number): number {
  const age = Math.max(0, Math.floor(now - ticket.receivedAt));
  return (age + ticket.ageAdd) % 0x1_0000_0000;
}

export interface PskOffer {
  ticket: ResumptionTicket;
  hash: HashName;
  obfuscatedAge: number;
  secrets: Promise<PskSecrets>;
}

/**
 * The offer for `ticket`, or undefined when it must not be used here: expired (§4.6.1), issued for another
 * server name or port (§4.6.1: resume only where the original certificate is valid; we require the same name),
 * or for a hash none of the offered suites uses (§4.2.11).
 */
export function pskOffer(
  ticket: ResumptionTicket | undefined,
  context: { serverName: string; port: number; cipherSuites: readonly number[]; now: number },
): PskOffer | undefined {
  if (!ticket || !ticketUsable(ticket, context.now)) return undefined;
  if (ticket.server.host.toLowerCase() !== context.serverName.toLowerCase()) return undefined;
  if (ticket.server.port !== context.port) return undefined;
  const hash = cipherSuites[ticket.cipherSuite]?.hash;
  if (!hash || !context.cipherSuites.some((code) => cipherSuites[code]?.hash === hash)) return undefined;
  const secrets = ticket.secrets ?? pskSecrets(hash, ticket.psk);
  secrets.catch(() => undefined);
  return { ticket, hash, obfuscatedAge: obfuscatedTicketAge(ticket, context.now), secrets };
}

/** pre_shared_key (§4.2.11) with one identity and a zero binder; the binder is filled in by fillBinder. */
export function preSharedKeyExtension(offer: PskOffer): Extension {
  const binderLength = hashLength(offer.hash);
  const data = new ByteWriter(offer.ticket.identity.length + binderLength + 16)
    .vec16((w) => w.vec16((x) => x.bytes(offer.ticket.identity)).u32(offer.obfuscatedAge))
    .vec16((w) => w.vec8((x) => x.bytes(new Uint8Array(binderLength))))
    .finish();
  return { type: ExtensionType.preSharedKey, data };
}

/** Bytes of the binders list at the end of a ClientHello carrying one binder: u16 length, u8 length, binder. */
export function bindersLength(hash: HashName): number {
  return 2 + 1 + hashLength(hash);
}

/**
 * The binder (§4.2.11.2): HMAC(finished_key(binder_key), Transcript-Hash(earlier ‖ truncated ClientHello)),
 * where the truncated ClientHello stops before the binders list and `earlier` is empty, or message_hash(CH1) ‖
 * HelloRetryRequest after a retry.
 */
export async function computeBinder(
  hash: HashName,
  binderFinishedKey: Uint8Array,
  earlierTranscript: Uint8Array,
  truncatedHello: Uint8Array,
): Promise<Uint8Array> {
  const input = new Uint8Array(earlierTranscript.length + truncatedHello.length);
  input.set(earlierTranscript);
  input.set(truncatedHello, earlierTranscript.length);
  return hmac(hash, binderFinishedKey, await digest(hash, input));
}

/** Computes the binder for `hello` (pre_shared_key last, binder zeroed) and writes it into its last bytes. */
export async function fillBinder(
  hello: Uint8Array,
  offer: PskOffer,
  earlierTranscript: Uint8Array,
): Promise<void> {
  const truncated = hello.subarray(0, hello.length - bindersLength(offer.hash));
  const { binderFinishedKey } = await offer.secrets;
  const binder = await computeBinder(offer.hash, binderFinishedKey, earlierTranscript, truncated);
  hello.set(binder, hello.length - binder.length);
}

/**
 * §4.2.11: a server that selects a PSK must pick an identity we sent (we send one: index 0) and a suite with the
 * PSK's hash; otherwise illegal_parameter.
 */
export function checkPskSelection(
  offer: PskOffer | undefined,
  selectedIdentity: number,
  suite: CipherSuite,
): void {
  if (!offer || selectedIdentity !== 0) {
    throw protocolError(
      Alert.illegalParameter,
      `server selected PSK identity ${selectedIdentity}, not offered`,
    );
  }
  if (suite.hash !== offer.hash) {
    throw protocolError(
      Alert.illegalParameter,
      `server resumed with ${suite.name}, whose hash is not the ticket's`,
    );
  }
}
