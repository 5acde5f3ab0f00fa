import { GeminiProtocolError } from './errors';

/** A Gemini request is an absolute URL of at most 1024 bytes followed by CRLF (Gemini protocol spec §2). */
export const GEMINI_REQUEST_URL_LIMIT = 1024;
export const GEMINI_DEFAULT_PORT = 1965;

/** The request bytes for `url`; refuses relative URLs, line breaks, userinfo and over-long URLs. */
export function encodeGeminiRequest(url: string): Uint8Array {
  if (/[\r\n]/.test(url)) throw new GeminiProtocolError('a Gemini request URL must not contain CR or LF');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new GeminiProtocolError(`"${url.slice(0, 80)}" is not an absolute URL`);
  }
  if (parsed.protocol !== 'gemini:')
    throw new GeminiProtocolError(`"${url.slice(0, 80)}" is not a gemini:// URL`);
  if (parsed.username !== '' || parsed.password !== '') {
    throw new GeminiProtocolError('Gemini URLs must not contain userinfo');
  }
  const bytes = new TextEncoder().encode(`${url}\r\n`);
  if (bytes.length - 2 > GEMINI_REQUEST_URL_LIMIT) {
    throw new GeminiProtocolError(
      `the URL is ${bytes.length - 2} bytes, over the ${GEMINI_REQUEST_URL_LIMIT}-byte limit`,
    );
  }
  return bytes;
}

/** Host (bare, IPv6 without brackets) and port of a gemini:// URL, for opening the connection. */
export function geminiTarget(url: string): { host: string; port: number } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new GeminiProtocolError(`"${url.slice(0, 80)}" is not an absolute URL`);
  }
  if (parsed.protocol !== 'gemini:' || parsed.hostname === '') {
    throw new GeminiProtocolError(`"${url.slice(0, 80)}" is not a gemini:// URL with a host`);
  }
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  return { host, port: parsed.port === '' ? GEMINI_DEFAULT_PORT : Number(parsed.port) };
}
