// Gemini requests on the Misfin port (GMAP "SHOULD use the default port of 1958", doc §15):
// `gemini://host[:port]/path[?query]` then CRLF, at most 1024 bytes of URL (Gemini spec §2).
// Minimal parser owned by the mail host: the server side needs only host, path and query.

export const GEMINI_URL_LIMIT = 1024;

export interface GeminiRequest {
  host: string;
  /** Percent-decoded path segments after the leading "/" (an empty path gives []). */
  segments: string[];
  /** The raw query without "?" (undefined when absent). */
  query?: string;
}

export class GeminiRequestError extends Error {
  override readonly name = 'GeminiRequestError';
}

export function parseGeminiUrl(line: string): GeminiRequest {
  if (new TextEncoder().encode(line).length > GEMINI_URL_LIMIT) {
    throw new GeminiRequestError(`the URL is longer than ${GEMINI_URL_LIMIT} bytes`);
  }
  const match = /^gemini:\/\/([^/?#\s]+)(\/[^?#\s]*)?(?:\?([^#\s]*))?$/i.exec(line);
  if (!match) throw new GeminiRequestError('not a gemini:// URL');
  const authority = match[1]!;
  if (authority.includes('@')) throw new GeminiRequestError('userinfo is not allowed in a Gemini URL');
  const host = authority
    .replace(/:\d{1,5}$/, '')
    .replace(/^\[|\]$/g, '')
    .toLowerCase();
  const path = match[2] ?? '/';
  let segments: string[];
  try {
    segments = path
      .slice(1)
      .split('/')
      .map((s) => decodeURIComponent(s));
  } catch {
    throw new GeminiRequestError('the path is not valid percent-encoding');
  }
  if (segments.length === 1 && segments[0] === '') segments = [];
  const request: GeminiRequest = { host, segments };
  if (match[3] !== undefined) request.query = match[3];
  return request;
}
