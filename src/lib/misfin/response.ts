import { parseAddress, type MisfinAddress } from './address';
import { AddressError, MisfinProtocolError } from './errors';
import { normaliseFingerprint } from './fingerprint';
import { statusInfo, type StatusCategory, type StatusInfo } from './status';

/** "<STATUS><SP><META><CR><LF>", at most 2048 bytes (spec §1.3). */
export const RESPONSE_LIMIT = 2048;

export interface MisfinResponse {
  status: number;
  /** META as sent (UTF-8 decoded), possibly empty. */
  meta: string;
  category: StatusCategory;
  info: StatusInfo;
  /** For 20: META normalised (lowercase, separators dropped); check it with isSha256Fingerprint. */
  fingerprint?: string;
  /** For 30/31: the address to send to instead (META is a plain `mailbox@host`, doc §6). */
  redirect?: MisfinAddress;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Where the response line ends (index just past CRLF), or undefined when more bytes are needed. Throws once
 * 2048 bytes have arrived without a CRLF, so a reader never buffers without bound (bp §3: read until CRLF).
 */
export function findResponseEnd(bytes: Uint8Array): number | undefined {
  const scan = Math.min(bytes.length, RESPONSE_LIMIT);
  for (let i = 0; i + 1 < scan; i++) {
    if (bytes[i] === 0x0d && bytes[i + 1] === 0x0a) return i + 2;
  }
  if (bytes.length >= RESPONSE_LIMIT) {
    throw new MisfinProtocolError(`the response line has no CRLF within ${RESPONSE_LIMIT} bytes`);
  }
  return undefined;
}

/**
 * Parses exactly one response line. META may be empty and the SP before it may be missing (`20\r\n`):
 * Estampa sends `51 \r\n`, and doc §6 says to tolerate a missing META. Status 1x is refused: it "must not be
 * sent by a Misfin server" (spec §2).
 */
export function parseResponse(bytes: Uint8Array): MisfinResponse {
  const end = findResponseEnd(bytes);
  if (end === undefined) throw new MisfinProtocolError('the response ended before its CRLF');
  if (end !== bytes.length) throw new MisfinProtocolError('the server sent data after the response line');
  let line: string;
  try {
    line = strictUtf8.decode(bytes.subarray(0, end - 2));
  } catch {
    throw new MisfinProtocolError('the response line is not valid UTF-8');
  }
  const match = /^([0-9]{2})(?: ([^\r\n]*))?$/.exec(line);
  if (!match) {
    throw new MisfinProtocolError(
      `malformed response line "${line.slice(0, 60)}": expected two digits, a space and META`,
    );
  }
  const status = Number(match[1]);
  const meta = match[2] ?? '';
  const info = statusInfo(status);
  if (!info) throw new MisfinProtocolError(`status ${match[1]} is not a Misfin status (2x to 6x)`);
  const response: MisfinResponse = { status, meta, category: info.category, info };
  if (info.category === 'success' && meta.trim() !== '') response.fingerprint = normaliseFingerprint(meta);
  if (info.category === 'redirect') {
    try {
      response.redirect = parseAddress(meta);
    } catch (error) {
      if (!(error instanceof AddressError)) throw error;
      throw new MisfinProtocolError(`redirect ${status} does not name an address: ${error.message}`);
    }
  }
  return response;
}

/** A response line for the mail host; always with the SP, even for an empty META (as Estampa does). */
export function formatResponse(status: number, meta: string): Uint8Array {
  if (!Number.isInteger(status) || !statusInfo(status)) {
    throw new MisfinProtocolError(`${status} is not a Misfin status code`);
  }
  if (/[\r\n]/.test(meta)) throw new MisfinProtocolError('META must not contain CR or LF');
  const bytes = new TextEncoder().encode(`${status} ${meta}\r\n`);
  if (bytes.length > RESPONSE_LIMIT) {
    throw new MisfinProtocolError(`the response line would be ${bytes.length} bytes, over ${RESPONSE_LIMIT}`);
  }
  return bytes;
}
