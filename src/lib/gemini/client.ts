import type { ServerCertificateInfo } from '../tls/client';
import { openConnection, type ConnectionSource } from '../misfin/connect';
import { GeminiProtocolError } from './errors';
import { encodeGeminiRequest, GEMINI_DEFAULT_PORT, geminiTarget } from './request';
import { GEMINI_META_LIMIT, parseGeminiResponse, type GeminiResponse } from './response';

/** Gemini shares Misfin's connection sources (misfin/connect.ts); GMAP authenticates with the Misfin identity (doc §15). */
export type GeminiRequestOptions = ConnectionSource & {
  url: string;
  /** Bodies above this are refused, so a hostile server cannot fill memory. */
  maxBodyBytes: number;
  /** Every wait; default 15000 ms. */
  timeoutMs?: number;
};

export interface GeminiResult extends GeminiResponse {
  server: ServerCertificateInfo;
}

const DEFAULT_TIMEOUT_MS = 15_000;
const HEADER_MAX = 2 + 1 + GEMINI_META_LIMIT + 2;

/**
 * One Gemini request on its own TLS connection: send `URL CRLF`, read until the server's close_notify,
 * parse the header and body (Gemini protocol spec §2-§3; one request per connection).
 */
export async function geminiRequest(options: GeminiRequestOptions): Promise<GeminiResult> {
  const request = encodeGeminiRequest(options.url);
  const { host, port } = geminiTarget(options.url);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const connection = await openConnection(
    options,
    host,
    port,
    timeoutMs,
    (message) => new GeminiProtocolError(message),
  );
  try {
    await connection.write(request);
    const bytes = await connection.readAll(HEADER_MAX + options.maxBodyBytes);
    return { ...parseGeminiResponse(bytes, options.maxBodyBytes), server: connection.server };
  } finally {
    // Not awaited: our close_notify needs no answer, and the caller has what it came for.
    void connection.close().catch(() => undefined);
  }
}

/** `gemini://host[:port]` + path: brackets an IPv6 literal, and writes the port unless it is Gemini's 1965. */
export function geminiUrl(host: string, port: number, pathAndQuery: string): string {
  const name = host.includes(':') ? `[${host}]` : host;
  return `gemini://${port === GEMINI_DEFAULT_PORT ? name : `${name}:${port}`}${pathAndQuery}`;
}
