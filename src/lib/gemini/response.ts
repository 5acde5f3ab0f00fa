import { GeminiProtocolError } from './errors';

/** "<STATUS><SPACE><META><CR><LF>", META at most 1024 bytes (Gemini protocol spec §3.1). */
export const GEMINI_META_LIMIT = 1024;
const HEADER_LIMIT = 2 + 1 + GEMINI_META_LIMIT + 2;

export type GeminiCategory = 'input' | 'success' | 'redirect' | 'temporary' | 'permanent' | 'certificate';

const CATEGORIES: Record<number, GeminiCategory> = {
  1: 'input',
  2: 'success',
  3: 'redirect',
  4: 'temporary',
  5: 'permanent',
  6: 'certificate',
};

const NAMES: Record<number, string> = {
  10: 'INPUT',
  11: 'SENSITIVE INPUT',
  20: 'SUCCESS',
  30: 'TEMPORARY REDIRECT',
  31: 'PERMANENT REDIRECT',
  40: 'TEMPORARY FAILURE',
  41: 'SERVER UNAVAILABLE',
  42: 'CGI ERROR',
  43: 'PROXY ERROR',
  44: 'SLOW DOWN',
  50: 'PERMANENT FAILURE',
  51: 'NOT FOUND',
  52: 'GONE',
  53: 'PROXY REQUEST REFUSED',
  59: 'BAD REQUEST',
  60: 'CLIENT CERTIFICATE REQUIRED',
  61: 'CERTIFICATE NOT AUTHORISED',
  62: 'CERTIFICATE NOT VALID',
};

export interface MimeType {
  /** `type/subtype`, lowercase. */
  essence: string;
  params: Record<string, string>;
}

export interface GeminiHeader {
  status: number;
  /** The spec's name, or the category's for a code it does not list. */
  name: string;
  category: GeminiCategory;
  meta: string;
  /** For 2x: the MIME type; an empty META means text/gemini; charset=utf-8 (spec §3.3). */
  mimeType?: MimeType;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** `type/subtype; key=value; ...` (RFC 2045 §5.1, quoted values unquoted); keys and essence lowercased. */
export function parseMimeType(text: string): MimeType {
  const [head = '', ...rest] = text.split(';');
  const essence = head.trim().toLowerCase();
  if (!/^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/.test(essence)) {
    throw new GeminiProtocolError(`"${text.slice(0, 80)}" is not a MIME type`);
  }
  const params: Record<string, string> = {};
  for (const part of rest) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim().toLowerCase();
    const value = part
      .slice(eq + 1)
      .trim()
      .replace(/^"(.*)"$/, '$1');
    if (key !== '') params[key] = value;
  }
  return { essence, params };
}

/** Index just past the header's CRLF, or undefined while it is incomplete; throws past the size limit. */
export function findGeminiHeaderEnd(bytes: Uint8Array): number | undefined {
  const scan = Math.min(bytes.length, HEADER_LIMIT);
  for (let i = 0; i + 1 < scan; i++) {
    if (bytes[i] === 0x0d && bytes[i + 1] === 0x0a) return i + 2;
  }
  if (bytes.length >= HEADER_LIMIT) {
    throw new GeminiProtocolError(`the response header has no CRLF within ${HEADER_LIMIT} bytes`);
  }
  return undefined;
}

/** Reads the header line (without CRLF). A missing SP before an empty META is tolerated. */
export function parseGeminiHeaderLine(line: Uint8Array): GeminiHeader {
  let text: string;
  try {
    text = strictUtf8.decode(line);
  } catch {
    throw new GeminiProtocolError('the response header is not valid UTF-8');
  }
  const match = /^([1-6][0-9])(?: ([^\r\n]*))?$/.exec(text);
  if (!match) throw new GeminiProtocolError(`malformed Gemini response header "${text.slice(0, 60)}"`);
  const status = Number(match[1]);
  const meta = match[2] ?? '';
  if (new TextEncoder().encode(meta).length > GEMINI_META_LIMIT) {
    throw new GeminiProtocolError(`META is longer than ${GEMINI_META_LIMIT} bytes`);
  }
  const category = CATEGORIES[Math.floor(status / 10)] ?? 'permanent';
  const name = NAMES[status] ?? category.toUpperCase();
  const header: GeminiHeader = { status, name, category, meta };
  if (category === 'success')
    header.mimeType = parseMimeType(meta.trim() === '' ? 'text/gemini; charset=utf-8' : meta);
  return header;
}

export interface GeminiResponse {
  header: GeminiHeader;
  /** Only 2x responses carry a body (spec §3.3); it is empty otherwise. */
  body: Uint8Array;
}

/** Parses a whole response as read until close_notify; a body over `maxBodyBytes` is refused. */
export function parseGeminiResponse(bytes: Uint8Array, maxBodyBytes: number): GeminiResponse {
  const end = findGeminiHeaderEnd(bytes);
  if (end === undefined) throw new GeminiProtocolError('the response ended before its header was complete');
  const header = parseGeminiHeaderLine(bytes.subarray(0, end - 2));
  const body = bytes.subarray(end);
  if (header.category !== 'success' && body.length > 0) {
    throw new GeminiProtocolError(`a ${header.status} response must not have a body`);
  }
  if (body.length > maxBodyBytes) {
    throw new GeminiProtocolError(
      `the response body is ${body.length} bytes, over the limit of ${maxBodyBytes}`,
    );
  }
  return { header, body };
}

/** The body as text, using the charset parameter (UTF-8 by default, spec §3.3); invalid bytes are an error. */
export function decodeGeminiText(response: GeminiResponse): string {
  const charset = response.header.mimeType?.params.charset ?? 'utf-8';
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(charset, { fatal: true });
  } catch {
    throw new GeminiProtocolError(`unknown charset "${charset.slice(0, 40)}"`);
  }
  try {
    return decoder.decode(response.body);
  } catch {
    throw new GeminiProtocolError(`the body is not valid ${charset}`);
  }
}
