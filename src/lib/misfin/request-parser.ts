import { parseAddress, type MisfinAddress } from './address';
import { AddressError, MisfinRequestError } from './errors';
import { B_REQUEST_LIMIT, C_BODY_LIMIT, C_HEADER_LIMIT, type RequestForm } from './request';

/** Server side: reads a request that may arrive in pieces ("don't assume ... in one go", bp §3). */
export type RequestHead =
  | { kind: 'need-more' }
  | { kind: 'parsed'; form: 'B'; address: MisfinAddress; message: string; byteLength: number }
  | { kind: 'parsed'; form: 'C'; address: MisfinAddress; length: number; headerLength: number };

export type ParsedRequest =
  | { kind: 'need-more' }
  | { kind: 'parsed'; form: RequestForm; address: MisfinAddress; message: string; byteLength: number };

const SCHEME = 'misfin://';
const SP = 0x20;
const TAB = 0x09;
const CR = 0x0d;
const LF = 0x0a;
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

function decode(bytes: Uint8Array, what: string): string {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    throw new MisfinRequestError('invalid-utf8', `${what} is not valid UTF-8`);
  }
}

function checkScheme(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, SCHEME.length);
  for (let i = 0; i < n; i++) {
    const byte = bytes[i] ?? 0;
    const lower = byte >= 0x41 && byte <= 0x5a ? byte + 0x20 : byte;
    if (lower !== SCHEME.charCodeAt(i)) {
      throw new MisfinRequestError('bad-scheme', 'a Misfin request starts with "misfin://"');
    }
  }
  return bytes.length >= SCHEME.length;
}

function readAddress(bytes: Uint8Array, end: number): MisfinAddress {
  const text = decode(bytes.subarray(SCHEME.length, end), 'the address');
  try {
    return parseAddress(text);
  } catch (error) {
    if (error instanceof AddressError) throw new MisfinRequestError('bad-address', error.message);
    throw error;
  }
}

/** The message of a B request, up to CRLF; a CR anywhere else is refused (§19 #2). */
function readB(bytes: Uint8Array, start: number, address: MisfinAddress): RequestHead {
  const scan = Math.min(bytes.length, B_REQUEST_LIMIT);
  for (let i = start; i < scan; i++) {
    if (bytes[i] !== CR) continue;
    if (i + 1 >= bytes.length) return { kind: 'need-more' };
    if (bytes[i + 1] !== LF)
      throw new MisfinRequestError('bare-cr', 'a Misfin(B) message may not contain a bare CR');
    if (i + 2 > B_REQUEST_LIMIT) break;
    const message = decode(bytes.subarray(start, i), 'the message');
    return { kind: 'parsed', form: 'B', address, message, byteLength: i + 2 };
  }
  if (bytes.length >= B_REQUEST_LIMIT) {
    throw new MisfinRequestError('too-large', `a Misfin(B) request may be at most ${B_REQUEST_LIMIT} bytes`);
  }
  return { kind: 'need-more' };
}

/** The decimal CONTENT-LENGTH of a C header, then CRLF (draft 9, doc §4). */
function readC(bytes: Uint8Array, start: number, address: MisfinAddress): RequestHead {
  const headerTooLong = () =>
    new MisfinRequestError('too-large', `the Misfin(C) header exceeds ${C_HEADER_LIMIT} bytes`);
  const bodyTooLong = (what: string) =>
    new MisfinRequestError('too-large', `a Misfin(C) message may be at most ${C_BODY_LIMIT} bytes${what}`);
  let i = start;
  while (i < bytes.length && isDigit(bytes[i])) i++;
  const digits = i - start;
  // 16384 has five digits; allow one leading zero, refuse anything longer before waiting for more.
  if (digits > 6) throw bodyTooLong('');
  if (i + 2 > C_HEADER_LIMIT) throw headerTooLong();
  if (i === bytes.length || (i + 1 === bytes.length && bytes[i] === CR)) return { kind: 'need-more' };
  if (digits === 0 || bytes[i] !== CR || bytes[i + 1] !== LF) {
    throw new MisfinRequestError(
      'bad-length',
      'a Misfin(C) header is the address, a tab, a decimal length and CRLF',
    );
  }
  const length = Number(decode(bytes.subarray(start, i), 'the length'));
  if (length > C_BODY_LIMIT) throw bodyTooLong(`, not ${length}`);
  return { kind: 'parsed', form: 'C', address, length, headerLength: i + 2 };
}

function isDigit(byte: number | undefined): boolean {
  return byte !== undefined && byte >= 0x30 && byte <= 0x39;
}

/**
 * Reads the head of a request: B up to its CRLF (the whole request), C up to the CRLF after the length.
 * Tells B and C apart by the separator after the address — SP for B, TAB for C — as Titlani and GmCapsule
 * do (doc §4.1). Throws MisfinRequestError (answer 59) on anything else.
 */
export function parseRequestHead(bytes: Uint8Array): RequestHead {
  if (!checkScheme(bytes)) return { kind: 'need-more' };
  const limit = Math.min(bytes.length, B_REQUEST_LIMIT);
  for (let i = SCHEME.length; i < limit; i++) {
    const byte = bytes[i];
    if (byte === CR || byte === LF) {
      throw new MisfinRequestError(
        'bad-separator',
        'expected a space (Misfin B) or a tab (Misfin C) after the address',
      );
    }
    if (byte === SP || byte === TAB) {
      if (i >= C_HEADER_LIMIT) throw new MisfinRequestError('bad-address', 'the address is too long');
      const address = readAddress(bytes, i);
      return byte === SP ? readB(bytes, i + 1, address) : readC(bytes, i + 1, address);
    }
  }
  if (bytes.length >= C_HEADER_LIMIT) throw new MisfinRequestError('bad-address', 'the address is too long');
  return { kind: 'need-more' };
}

/**
 * A whole request: for C also waits for CONTENT-LENGTH message bytes. Bytes beyond the request are an
 * error: one request per connection (spec §1.1). A C message may contain CR only before LF (draft 8/9).
 */
export function parseRequest(bytes: Uint8Array): ParsedRequest {
  const head = parseRequestHead(bytes);
  if (head.kind === 'need-more') return head;
  if (head.form === 'B') {
    if (bytes.length > head.byteLength)
      throw new MisfinRequestError('bad-length', 'data after the end of the request');
    return head;
  }
  const byteLength = head.headerLength + head.length;
  if (bytes.length < byteLength) return { kind: 'need-more' };
  if (bytes.length > byteLength) {
    throw new MisfinRequestError('bad-length', 'more message bytes than the Misfin(C) length announced');
  }
  const body = bytes.subarray(head.headerLength);
  for (let i = 0; i < body.length; i++) {
    if (body[i] === CR && body[i + 1] !== LF) {
      throw new MisfinRequestError('bare-cr', 'a Misfin(C) message may contain CR only right before LF');
    }
  }
  const message = decode(body, 'the message');
  return { kind: 'parsed', form: 'C', address: head.address, message, byteLength };
}
