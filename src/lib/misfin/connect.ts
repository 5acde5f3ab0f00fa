import { connectTls, type ClientIdentity, type TlsConnection, type VerifyServer } from '../tls/client';
import type { Connector } from '../tls/transport';

/** Hands out a TLS connection that is already open (the page's warm pool pre-opens them ahead of a send). */
export type OpenTls = (host: string, port: number) => Promise<TlsConnection>;

/**
 * Where a client call gets its TLS connection: either it opens one itself from a byte stream (`connector`,
 * with our identity and the server check), or the caller hands over a ready one (`open`), in which case the
 * caller already chose the identity and checked the server.
 */
export type ConnectionSource =
  | {
      /** Opens the byte stream (TCP in Node, the bridge tunnel in the page). */
      connector: Connector;
      /** Our mailbox certificate and key; Misfin servers "should require sender certificates" (spec §3.1). */
      identity?: ClientIdentity;
      /** Checks the server certificate (TOFU pins, design §4); required, there is no accept-all default. */
      verifyServer: VerifyServer;
      open?: undefined;
    }
  | { open: OpenTls; connector?: undefined; identity?: undefined; verifyServer?: undefined };

export function withTimeout<T>(
  promise: Promise<T>,
  ms: number,
  what: string,
  makeError: (message: string) => Error,
): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(makeError(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** A TLS connection to host:port with SNI = host, from whichever source the options name. */
export async function openConnection(
  source: ConnectionSource,
  host: string,
  port: number,
  timeoutMs: number,
  makeError: (message: string) => Error,
): Promise<TlsConnection> {
  if (source.open) return awaitOrClose(source.open(host, port), timeoutMs, host, makeError);
  const transport = await awaitOrClose(source.connector(host, port), timeoutMs, host, makeError);
  try {
    return await connectTls(transport, {
      serverName: host,
      port,
      identity: source.identity,
      verifyServer: source.verifyServer,
      timeoutMs,
    });
  } catch (error) {
    transport.close();
    throw error;
  }
}

/** Waits for a connection; one that completes after we gave up is closed, never left open. */
function awaitOrClose<C extends { close(): unknown }>(
  pending: Promise<C>,
  timeoutMs: number,
  host: string,
  makeError: (message: string) => Error,
): Promise<C> {
  return withTimeout(pending, timeoutMs, `connecting to ${host}`, makeError).catch((error: unknown) => {
    pending.then((late) => late.close()).catch(() => undefined);
    throw error;
  });
}
