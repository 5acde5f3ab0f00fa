import {
  connectTls,
  type ClientIdentity,
  type ServerCertificateInfo,
  type VerifyServer,
} from '../tls/client';
import type { Connector } from '../tls/transport';
import { GeminiProtocolError } from './errors';
import { encodeGeminiRequest, geminiTarget } from './request';
import { GEMINI_META_LIMIT, parseGeminiResponse, type GeminiResponse } from './response';

export interface GeminiRequestOptions {
  connector: Connector;
  /** The Misfin identity: GMAP authenticates with it (protocol doc §15). */
  identity?: ClientIdentity;
  verifyServer: VerifyServer;
  url: string;
  /** Bodies above this are refused, so a hostile server cannot fill memory. */
  maxBodyBytes: number;
  /** Every wait; default 15000 ms. */
  timeoutMs?: number;
}

export interface GeminiResult extends GeminiResponse {
  server: ServerCertificateInfo;
}

const DEFAULT_TIMEOUT_MS = 15_000;
const HEADER_MAX = 2 + 1 + GEMINI_META_LIMIT + 2;

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new GeminiProtocolError(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * One Gemini request on its own TLS connection: send `URL CRLF`, read until the server's close_notify,
 * parse the header and body (Gemini protocol spec §2-§3; one request per connection).
 */
export async function geminiRequest(options: GeminiRequestOptions): Promise<GeminiResult> {
  const request = encodeGeminiRequest(options.url);
  const { host, port } = geminiTarget(options.url);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const pending = options.connector(host, port);
  const transport = await withTimeout(pending, timeoutMs, `connecting to ${host}`).catch((error: unknown) => {
    // A connection that completes after we gave up must not stay open.
    pending.then((late) => late.close()).catch(() => undefined);
    throw error;
  });
  let connection;
  try {
    connection = await connectTls(transport, {
      serverName: host,
      port,
      identity: options.identity,
      verifyServer: options.verifyServer,
      timeoutMs,
    });
  } catch (error) {
    transport.close();
    throw error;
  }
  try {
    await connection.write(request);
    const bytes = await connection.readAll(HEADER_MAX + options.maxBodyBytes);
    return { ...parseGeminiResponse(bytes, options.maxBodyBytes), server: connection.server };
  } finally {
    await connection.close().catch(() => undefined);
    transport.close();
  }
}
