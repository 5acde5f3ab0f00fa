import type { OpenTls } from '../misfin/connect';
import { connectTls, type TlsConnection } from '../tls/client';
import { connectWebSocket } from '../tls/websocket-transport';
import { tofuVerifier, type HostPinStore } from '../trust/host-pins';
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
 * Opens the TLS connections the library clients use (`open` in misfin/connect.ts), through the bridge: the bridge carries only ciphertext, the handshake and
 * the host-key check (TOFU pins, design §4) run here in the page.
 */
export class Network {
  constructor(
    private readonly pins: HostPinStore,
    private readonly bridgeUrl: () => string,
  ) {}

  readonly #warm = new WarmPool<TlsConnection>(WARM_TTL_MS);

  #key(host: string, port: number, identity?: NetIdentity): string {
    return `${host}:${port}:${identity?.fingerprint ?? ''}`;
  }

  /** Opens `count` connections to host:port ahead of the requests that will use them (warm-pool.ts). */
  preconnect(host: string, port: number, identity: NetIdentity | undefined, count: number): void {
    this.#warm.fill(this.#key(host, port, identity), count, async () =>
      readAhead(await this.open(host, port, identity, WARM_TIMEOUT_MS)),
    );
  }

  /** Closes every warm connection (the identity changed). */
  dropWarm(): void {
    this.#warm.clear();
  }

  async open(
    host: string,
    port: number,
    identity?: NetIdentity,
    timeoutMs = CONNECT_TIMEOUT_MS,
  ): Promise<TlsConnection> {
    const transport = await connectWebSocket(this.bridgeUrl(), host, port, { timeoutMs: CONNECT_TIMEOUT_MS });
    try {
      return await connectTls(transport, {
        serverName: host,
        port,
        identity: identity && {
          certificateChain: identity.certificateChain,
          privateKey: identity.privateKey,
        },
        verifyServer: tofuVerifier(this.pins),
        timeoutMs,
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
