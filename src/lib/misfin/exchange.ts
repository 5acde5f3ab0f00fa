import {
  connectTls,
  type ClientIdentity,
  type ServerCertificateInfo,
  type VerifyServer,
} from '../tls/client';
import type { Connector } from '../tls/transport';
import type { MisfinAddress } from './address';
import { MisfinProtocolError } from './errors';
import { findResponseEnd, parseResponse, type MisfinResponse } from './response';

/** What every Misfin client call needs: how to reach a host, who we are, and whom we trust. */
export interface MisfinClientOptions {
  /** Opens the byte stream (TCP in Node, the bridge tunnel in the page). */
  connector: Connector;
  /** Our mailbox certificate and key; servers "should require sender certificates" (spec §3.1). */
  identity?: ClientIdentity;
  /** Checks the server certificate (TOFU pins, doc §4 of the design); required. */
  verifyServer: VerifyServer;
  /** Every wait (connect, handshake, each read); default 15000 ms. */
  timeoutMs?: number;
}

export interface Exchange {
  response: MisfinResponse;
  /** The server's certificate as seen in the handshake (for drfin's check that the `20` fingerprint matches). */
  server: ServerCertificateInfo;
}

const DEFAULT_TIMEOUT_MS = 15_000;

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new MisfinProtocolError(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

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
  const pending = options.connector(to.host, to.port);
  const transport = await withTimeout(pending, timeoutMs, `connecting to ${to.host}`).catch(
    (error: unknown) => {
      // A connection that completes after we gave up must not stay open.
      pending.then((late) => late.close()).catch(() => undefined);
      throw error;
    },
  );
  let connection;
  try {
    connection = await connectTls(transport, {
      serverName: to.host,
      port: to.port,
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
    await connection.close().catch(() => undefined);
    transport.close();
  }
}
