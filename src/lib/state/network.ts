import type { OpenTls } from '../misfin/connect';
import { connectTls, type TlsConnection, type VerifyServer } from '../tls/client';
import { MemorySessionCache } from '../tls/session-cache';
import { connectWebSocket } from '../tls/websocket-transport';
import { tofuVerifier, type HostPinStore } from '../trust/host-pins';
import { CachedPinStore } from './pin-cache';
import { readAhead } from './read-ahead';
import { WarmPool } from './warm-pool';

/** What TLS client authentication presents: the stored certificate chain and its non-extractable key. */
export interface NetIdentity {
  certificateChain: Uint8Array[];
  privateKey: CryptoKey;
  /** Tells warm connections of different identities apart. */
  fingerprint?: string;
}

/** The bridge on the page's own origin: `ws://` or `wss://` like the page itself (design §1). */
export function defaultBridgeUrl(location: { protocol: string; host: string }): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}`;
}

/** A bridge address typed by the user: http(s) is accepted and turned into ws(s); anything else is refused. */
export function normaliseBridgeUrl(input: string): string {
  const trimmed = input.trim().replace(/\/+$/, '');
  if (trimmed === '') return '';
  const url = new URL(trimmed);
  if (url.protocol === 'http:') url.protocol = 'ws:';
  else if (url.protocol === 'https:') url.protocol = 'wss:';
  else if (url.protocol !== 'ws:' && url.protocol !== 'wss:') {
    throw new Error('the bridge address must start with ws://, wss://, http:// or https://');
  }
  return url.toString().replace(/\/+$/, '');
}

const CONNECT_TIMEOUT_MS = 10_000;
/** A connection opened ahead of a send is closed unused after this long. */
const WARM_TTL_MS = 15_000;
/**
 * A warm connection is read from while it waits (read-ahead.ts), and every TLS wait has this limit: it must
 * outlast the time in the pool, or an idle warm connection would time out before its request.
 */
const WARM_TIMEOUT_MS = WARM_TTL_MS + CONNECT_TIMEOUT_MS;
/**
 * Tickets kept per host and identity: a sync runs FETCH_CONNECTIONS handshakes at once, each taking one
 * ticket (single use, RFC 8446 §C.4) and bringing back the server's new ones.
 */
const SESSION_TICKETS_PER_HOST = 32;

/**
 * Opens the TLS connections the library clients use (`open` in misfin/connect.ts), through the bridge: the bridge carries only ciphertext, the handshake and
 * the host-key check (TOFU pins, design §4) run here in the page.
 */
export class Network {
  /** The pins, read once and kept in memory (pin-cache.ts): every handshake checks them. */
  readonly #pins: CachedPinStore;
  readonly #verifyServer: VerifyServer;

  constructor(
    pins: HostPinStore,
    private readonly bridgeUrl: () => string,
  ) {
    this.#pins = new CachedPinStore(pins);
    this.#verifyServer = tofuVerifier(this.#pins);
  }

  readonly #warm = new WarmPool<TlsConnection>(WARM_TTL_MS);
  /**
   * TLS 1.3 session tickets (RFC 8446 §4.6.1) for resuming connections to a host: a sync makes one connection
   * per GMAP request (design §3 "should resume TLS sessions"). Memory only, one per page, never persisted;
   * keyed by host, port and the identity's fingerprint, because a resumed session keeps the original client
   * authentication; emptied whenever the identity changes or the page locks (forgetSessions).
   */
  readonly #sessions = new MemorySessionCache({ perKey: SESSION_TICKETS_PER_HOST });

  #key(host: string, port: number, identity?: NetIdentity): string {
    return `${host}:${port}:${identity?.fingerprint ?? ''}`;
  }

  /** Opens `count` connections to host:port ahead of the requests that will use them (warm-pool.ts). */
  preconnect(host: string, port: number, identity: NetIdentity | undefined, count: number): void {
    this.#warm.fill(this.#key(host, port, identity), count, async () =>
      readAhead(await this.open(host, port, identity, WARM_TIMEOUT_MS)),
    );
  }

  /**
   * Closes every warm connection and forgets every session ticket: called when the identity changes, the
   * page locks or the user signs out.
   */
  dropWarm(): void {
    this.#warm.clear();
    this.forgetSessions();
  }

  /**
   * Forgets every session ticket and the pins held in memory. Called when a host pin was removed or replaced
   * in the store: the next handshake reads the pins again, and a resumed session (which skips the
   * certificate) cannot bypass the new pin with a ticket from before.
   */
  forgetSessions(): void {
    this.#sessions.clear();
    this.#pins.forget();
  }

  async open(
    host: string,
    port: number,
    identity?: NetIdentity,
    timeoutMs = CONNECT_TIMEOUT_MS,
  ): Promise<TlsConnection> {
    // An identity without a fingerprint cannot be told apart from another: no resumption for it.
    const sessionKey =
      identity && !identity.fingerprint
        ? undefined
        : `${host}:${port}:${identity?.fingerprint ?? 'anonymous'}`;
    const transport = await connectWebSocket(this.bridgeUrl(), host, port, { timeoutMs: CONNECT_TIMEOUT_MS });
    try {
      return await connectTls(transport, {
        serverName: host,
        port,
        identity: identity && {
          certificateChain: identity.certificateChain,
          privateKey: identity.privateKey,
        },
        verifyServer: this.#verifyServer,
        timeoutMs,
        ...(sessionKey === undefined ? {} : { resumption: { cache: this.#sessions, key: sessionKey } }),
      });
    } catch (error) {
      transport.close();
      throw error;
    }
  }

  /** The `open` option of the library clients (misfin/send, gemini/client): a fresh connection as `identity`. */
  opener(identity?: NetIdentity): OpenTls {
    return (host, port) => this.open(host, port, identity);
  }

  /**
   * Runs `work` over a warm connection to host:port when one waits (preconnect). A warm connection the host
   * has meanwhile closed fails without an answer; then, and only then, the work runs again over a fresh
   * connection (the host did not act on a request it never answered).
   */
  async withWarm<T>(
    host: string,
    port: number,
    identity: NetIdentity | undefined,
    work: (open: OpenTls, warm: boolean) => Promise<T>,
  ): Promise<T> {
    const warm = this.#warm.take(this.#key(host, port, identity));
    if (warm) {
      try {
        return await work(() => warm, true);
      } catch {
        // fall through to a fresh connection
      }
    }
    return work(this.opener(identity), false);
  }
}
