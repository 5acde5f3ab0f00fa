// connectTls: drives the sans-IO core (connection.ts) over a ByteTransport, with a timeout on every wait.
// No application data is handed out before the server's signature, its Finished and the trust callback
// have all passed (the core only completes the handshake after them).
import { concat } from '../bytes/concat';
import { TlsClientCore, type CoreOutput, type TlsCoreOptions } from './connection';
import { TlsError } from './errors';
import type { SessionTicket } from './handshake-messages';
import type { SessionCache } from './session-cache';
import type { ByteTransport } from './transport';
import type { ClientIdentity, ServerCertificateInfo, VerifyServer } from './types';

export type { ClientIdentity, ServerCertificateInfo, VerifyServer } from './types';
export type { ByteTransport, Connector } from './transport';
export type { ResumptionTicket, SessionCache } from './session-cache';
export { MemorySessionCache } from './session-cache';
export { TlsError } from './errors';

/** Knobs for tests and diagnostics; normal callers leave them alone. */
export type TlsAdvancedOptions = Partial<
  Pick<
    TlsCoreOptions,
    | 'random'
    | 'keyShares'
    | 'cipherSuites'
    | 'supportedGroups'
    | 'keyShareGroups'
    | 'signatureAlgorithms'
    | 'legacySessionId'
    | 'clientHelloHook'
    | 'onSecret'
    | 'now'
    | 'keyUpdateAfterRecords'
  >
>;

export interface TlsClientOptions extends TlsAdvancedOptions {
  /** SNI, always sent. */
  serverName: string;
  /** For the trust callback / pin key. */
  port: number;
  /** Absent -> empty Certificate if the server asks. */
  identity?: ClientIdentity;
  /** Required; no default accept-all. */
  verifyServer: VerifyServer;
  /** Every wait (handshake, reads); default 15000. */
  timeoutMs?: number;
  /**
   * Session resumption (RFC 8446 §4.6.1, §4.2.11, psk_dhe_ke only): a ticket for `key` is taken from the cache
   * and offered; tickets this connection receives are put back under `key`. The key must name the host, the
   * port AND the client identity: a resumed session keeps the original client authentication.
   */
  resumption?: { cache: SessionCache; key: string };
}

export interface TlsConnection {
  readonly server: ServerCertificateInfo;
  readonly cipherSuite: string;
  /** True when the server accepted our ticket: no certificate exchange, `server` is the original session's. */
  readonly resumed: boolean;
  /** Session tickets received so far (kept for resumption; never returned as data). */
  readonly tickets: readonly SessionTicket[];
  /** Next application data chunk, or null after the server's close_notify. Rejects with a TlsError on alert/truncation/timeout. */
  read(): Promise<Uint8Array | null>;
  /** Reads until close_notify, at most maxBytes (throws TlsError 'too_large' beyond). */
  readAll(maxBytes: number): Promise<Uint8Array>;
  write(data: Uint8Array): Promise<void>;
  /** Sends KeyUpdate and switches our sending key; asks the server to update too unless told not to. */
  updateKeys(requestPeerUpdate?: boolean): Promise<void>;
  /** Sends close_notify and closes the transport. */
  close(): Promise<void>;
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TlsError('timeout', `${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

class Driver {
  private readonly data: Uint8Array[] = [];
  private failure?: TlsError;
  private pumping?: Promise<void>;

  constructor(
    readonly core: TlsClientCore,
    private readonly transport: ByteTransport,
    private readonly timeoutMs: number,
  ) {}

  /** Writes what the core produced; on failure sends the alert, closes the transport and throws. */
  async handle(output: CoreOutput): Promise<void> {
    this.data.push(...output.data);
    if (output.records.length > 0) {
      const bytes =
        output.records.length === 1 ? (output.records[0] as Uint8Array) : concat(...output.records);
      try {
        await withTimeout(this.transport.write(bytes), this.timeoutMs, 'sending to the server');
      } catch (error) {
        if (!output.error) throw this.fail(asTlsError(error, 'write'));
      }
    }
    if (output.error) throw this.fail(output.error);
  }

  fail(error: TlsError): TlsError {
    this.failure ??= error;
    this.transport.close();
    return this.failure;
  }

  /** One transport read fed through the core (shared by concurrent callers). */
  pump(what: string): Promise<void> {
    this.pumping ??= this.pumpOnce(what).finally(() => (this.pumping = undefined));
    return this.pumping;
  }

  private async pumpOnce(what: string): Promise<void> {
    if (this.failure) throw this.failure;
    let chunk: Uint8Array | null;
    try {
      chunk = await withTimeout(this.transport.read(), this.timeoutMs, what);
    } catch (error) {
      throw this.fail(asTlsError(error, 'read'));
    }
    await this.handle(chunk === null ? await this.core.endOfStream() : await this.core.feed(chunk));
  }

  async read(): Promise<Uint8Array | null> {
    for (;;) {
      const chunk = this.data.shift();
      if (chunk) return chunk;
      if (this.failure) throw this.failure;
      if (this.core.closedByPeer) return null;
      await this.pump('waiting for data from the server');
    }
  }
}

function asTlsError(error: unknown, during: string): TlsError {
  if (error instanceof TlsError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new TlsError('transport', `transport ${during} failed: ${message}`, { cause: error });
}

export async function connectTls(
  transport: ByteTransport,
  options: TlsClientOptions,
): Promise<TlsConnection> {
  if (typeof options.verifyServer !== 'function') {
    // There is deliberately no default: accepting every server would make TLS pointless.
    throw new TypeError('connectTls needs a verifyServer callback (e.g. tofuVerifier from trust/host-pins)');
  }
  const timeoutMs = options.timeoutMs ?? 15_000;
  const { timeoutMs: _timeout, resumption, ...coreOptions } = options;
  const core = new TlsClientCore({
    ...coreOptions,
    // Taken now, so a ticket is never offered twice (single-use, RFC 8446 §C.4) even if this attempt fails.
    resumptionTicket: resumption?.cache.take(resumption.key),
    onTicket:
      resumption &&
      ((ticket) => {
        try {
          resumption.cache.put(resumption.key, ticket);
        } catch {
          // A cache that cannot store costs the next connection a full handshake, not this one its data.
        }
      }),
  });
  const driver = new Driver(core, transport, timeoutMs);
  const handshake = async () => {
    await driver.handle(await core.start());
    while (!core.handshakeComplete) {
      // Defence in depth: a core that can make no more progress must not spin this loop (a transport that
      // answers at once would starve every timer, including the handshake timeout).
      if (core.closedByPeer || core.failed) {
        throw core.failed ?? new TlsError('truncated', 'server closed the connection during the handshake');
      }
      await driver.pump('waiting for the server handshake');
    }
  };
  try {
    await withTimeout(handshake(), timeoutMs, 'TLS handshake');
  } catch (error) {
    throw driver.fail(asTlsError(error, 'handshake'));
  }
  const server = core.server as ServerCertificateInfo;
  const cipherSuite = core.cipherSuite?.name ?? '';
  let closed = false;

  const connection: TlsConnection = {
    server,
    cipherSuite,
    resumed: core.resumed,
    get tickets() {
      return core.tickets;
    },
    read: () => driver.read(),
    async readAll(maxBytes) {
      const parts: Uint8Array[] = [];
      let total = 0;
      for (let chunk = await driver.read(); chunk; chunk = await driver.read()) {
        total += chunk.length;
        if (total > maxBytes) {
          const error = new TlsError('too_large', `response exceeds ${maxBytes} bytes`);
          await connection.close().catch(() => undefined);
          throw error;
        }
        parts.push(chunk);
      }
      return concat(...parts);
    },
    async write(data) {
      if (closed) throw new TlsError('closed', 'connection is closed');
      await driver.handle(await core.write(data));
    },
    async updateKeys(requestPeerUpdate = true) {
      await driver.handle(await core.updateKeys(requestPeerUpdate));
    },
    async close() {
      if (closed) return;
      closed = true;
      try {
        await driver.handle(await core.close());
      } catch (error) {
        // close_notify is best effort once the peer has closed its side; TLS errors still surface.
        if (!(error instanceof TlsError && error.code === 'transport' && core.closedByPeer)) throw error;
      } finally {
        transport.close();
      }
    },
  };
  return connection;
}
