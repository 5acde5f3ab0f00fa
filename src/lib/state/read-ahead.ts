import type { TlsConnection } from '../tls/client';
import { TlsError } from '../tls/errors';

/**
 * Starts reading a connection at once, for a connection that waits in the warm pool: what a TLS 1.3 server
 * sends unasked right after the handshake (NewSessionTicket, RFC 8446 §4.6.1) is then decrypted and kept
 * while the user is still writing, instead of between the request and its answer. The first `read` (or
 * `readAll`) gets the read already under way, so no byte is lost; everything else is the connection's own.
 */
export function readAhead(connection: TlsConnection): TlsConnection {
  let ahead: Promise<Uint8Array | null> | undefined = connection.read();
  // A connection closed unused ends this read; nobody waits for it then.
  ahead.catch(() => undefined);
  const read = (): Promise<Uint8Array | null> => {
    const first = ahead;
    ahead = undefined;
    return first ?? connection.read();
  };
  const readAll = async (maxBytes: number): Promise<Uint8Array> => {
    const parts: Uint8Array[] = [];
    let total = 0;
    for (let chunk = await read(); chunk; chunk = await read()) {
      total += chunk.length;
      if (total > maxBytes) {
        await connection.close().catch(() => undefined);
        throw new TlsError('too_large', `response exceeds ${maxBytes} bytes`);
      }
      parts.push(chunk);
    }
    const out = new Uint8Array(total);
    let at = 0;
    for (const part of parts) {
      out.set(part, at);
      at += part.length;
    }
    return out;
  };
  // Delegates everything else, getters included, to the connection itself.
  const wrapped = Object.create(connection) as TlsConnection;
  Object.defineProperties(wrapped, { read: { value: read }, readAll: { value: readAll } });
  return wrapped;
}
