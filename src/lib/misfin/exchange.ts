import type { ServerCertificateInfo } from '../tls/client';
import type { MisfinAddress } from './address';
import { openConnection, type ConnectionSource } from './connect';
import { MisfinProtocolError } from './errors';
import { findResponseEnd, parseResponse, type MisfinResponse } from './response';

/** What every Misfin client call needs: where its TLS connection comes from (connect.ts) and how long to wait. */
export type MisfinClientOptions = ConnectionSource & {
  /** Every wait (connect, handshake, each read); default 15000 ms. */
  timeoutMs?: number;
};

export interface Exchange {
  response: MisfinResponse;
  /** The server's certificate as seen in the handshake (for drfin's check that the `20` fingerprint matches). */
  server: ServerCertificateInfo;
}

const DEFAULT_TIMEOUT_MS = 15_000;
const protocolError = (message: string) => new MisfinProtocolError(message);

/**
 * One Misfin transaction: connect, TLS handshake with SNI = host, write the request, read the one
 * CRLF-terminated response line, close with close_notify (spec §1.1: one request per connection).
 */
export async function misfinExchange(
  options: MisfinClientOptions,
  to: MisfinAddress,
  request: Uint8Array,
): Promise<Exchange> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const connection = await openConnection(options, to.host, to.port, timeoutMs, protocolError);
  try {
    await connection.write(request);
    let buffer = new Uint8Array(0);
    for (;;) {
      const end = findResponseEnd(buffer);
      if (end !== undefined) {
        if (buffer.length > end)
          throw new MisfinProtocolError('the server sent data after the response line');
        return { response: parseResponse(buffer.subarray(0, end)), server: connection.server };
      }
      // bp §3: "don't assume ... will send its whole message in one go ... read until you get CRLF".
      const chunk = await connection.read();
      if (chunk === null)
        throw new MisfinProtocolError('the server closed the connection before a complete response line');
      const next = new Uint8Array(buffer.length + chunk.length);
      next.set(buffer, 0);
      next.set(chunk, buffer.length);
      buffer = next;
    }
  } finally {
    // Not awaited: our close_notify needs no answer, and the caller has what it came for.
    void connection.close().catch(() => undefined);
  }
}
