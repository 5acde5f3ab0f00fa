import { connectTls, type TlsConnection } from '../tls/client';
import { connectWebSocket } from '../tls/websocket-transport';
import { tofuVerifier, type HostPinStore } from '../trust/host-pins';

/** What TLS client authentication presents: the stored certificate chain and its non-extractable key. */
export interface NetIdentity {
  certificateChain: Uint8Array[];
  privateKey: CryptoKey;
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

/**
 * One TLS connection per request, through the bridge: the bridge carries only ciphertext, the handshake and
 * the host-key check (TOFU pins, design §4) run here in the page.
 */
export class Network {
  constructor(
    private readonly pins: HostPinStore,
    private readonly bridgeUrl: () => string,
  ) {}

  async open(host: string, port: number, identity?: NetIdentity): Promise<TlsConnection> {
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
        timeoutMs: CONNECT_TIMEOUT_MS,
      });
    } catch (error) {
      transport.close();
      throw error;
    }
  }

  /** Writes one request and reads the whole answer (Misfin and Gemini both close after one response). */
  async exchange(
    host: string,
    port: number,
    request: Uint8Array,
    options: { identity?: NetIdentity; maxBytes: number },
  ): Promise<Uint8Array> {
    const connection = await this.open(host, port, options.identity);
    try {
      await connection.write(request);
      return await connection.readAll(options.maxBytes);
    } finally {
      await connection.close().catch(() => undefined);
    }
  }
}
