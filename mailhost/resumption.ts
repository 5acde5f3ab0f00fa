// TLS 1.3 session resumption for GMAP clients (design.md: the page's sync "should resume TLS sessions"),
// without slowing deliveries. The listener keeps SSL_OP_NO_TICKET: OpenSSL then issues *stateful* tickets
// (the ticket is a session id; no session is sealed, which is what costs with stateless tickets, see
// listener.ts) and looks a presented ticket up through the session cache callbacks. Node asks for a session
// before the handshake goes on ('resumeSession'), but it names the ClientHello's legacy_session_id there, not
// the PSK identity. So the listener reads the first record itself (client-hello-psk.ts) and remembers
// legacy id -> identity for that lookup. Sessions are taken from the socket (getSession) when a connection
// has made an authenticated GMAP request.
//
// Security: OpenSSL checks the PSK binder against the session loaded (RFC 8446 §4.2.11.2), so only the holder
// of the ticket's secret resumes it, and a resumed session keeps the peer certificate of the handshake that
// created it (§4.6.1) — GMAP sees the same client certificate. Only sessions of connections that went on to
// an authenticated GMAP request are kept (promote), so a flood of deliveries cannot push them out.
import type { Server, TLSSocket } from 'node:tls';
import { sessionIdFromSession } from './peer-certificate';

export interface ResumptionOptions {
  /** Kept sessions at most; the oldest go first (default 4096, ~1.5 KB each). */
  maxSessions?: number;
  /** How long a kept session may be resumed (default one hour; also the ticket lifetime the server sends). */
  lifetimeMs?: number;
  now?: () => number;
}

/** Insertion-ordered map with a size bound: the oldest entry goes when full. */
class BoundedMap<V> {
  private readonly map = new Map<string, V>();
  constructor(private readonly max: number) {}
  set(key: string, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    while (this.map.size > this.max) this.map.delete(this.map.keys().next().value as string);
  }
  get(key: string): V | undefined {
    return this.map.get(key);
  }
  take(key: string): V | undefined {
    const value = this.map.get(key);
    if (value !== undefined) this.map.delete(key);
    return value;
  }
  get size(): number {
    return this.map.size;
  }
}

const hex = (bytes: Uint8Array) =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');

export class SessionResumption {
  readonly lifetimeMs: number;
  private readonly now: () => number;
  /** Sessions of GMAP connections: resumable until `expires`. */
  private readonly kept: BoundedMap<{ session: Buffer; expires: number }>;
  /** legacy_session_id -> PSK identity of ClientHellos not yet looked up. */
  private readonly offered = new BoundedMap<string>(4096);

  constructor(options: ResumptionOptions = {}) {
    this.lifetimeMs = options.lifetimeMs ?? 60 * 60 * 1000;
    this.now = options.now ?? Date.now;
    this.kept = new BoundedMap(options.maxSessions ?? 4096);
  }

  /**
   * Wires the lookup into a server. Node then parses every ClientHello and waits for this event before the
   * handshake goes on, so the listener sends only connections that offer a kept session to this server.
   */
  attach(server: Server): void {
    server.on('resumeSession', (legacyId: Buffer, done: (error: Error | null, session?: Buffer) => void) => {
      const identity = legacyId.length > 0 ? this.offered.take(legacyId.toString('hex')) : undefined;
      done(null, identity === undefined ? undefined : this.lookup(identity));
    });
  }

  /**
   * The listener saw a ClientHello offering `identity` first. True when that is a kept session that Node
   * will ask for (it asks by a non-empty legacy_session_id only): the connection goes to the attached server.
   */
  offer(legacySessionId: Uint8Array, identity: Uint8Array): boolean {
    if (legacySessionId.length === 0 || identity.length !== 32) return false; // OpenSSL session ids: 32 bytes
    const key = hex(identity);
    if (this.lookup(key) === undefined) return false;
    const legacyKey = hex(legacySessionId);
    // The client picks the legacy id and Node asks by it alone: a second connection naming the same one with
    // another identity would have its session loaded for the first. The first keeps it; this one gets a full
    // handshake.
    const earlier = this.offered.get(legacyKey);
    if (earlier !== undefined && earlier !== key) return false;
    this.offered.set(legacyKey, key);
    return true;
  }

  private lookup(identity: string): Buffer | undefined {
    const entry = this.kept.get(identity);
    if (!entry) return undefined;
    if (this.now() >= entry.expires) {
      this.kept.take(identity);
      return undefined;
    }
    return entry.session;
  }

  /**
   * The connection made an authenticated GMAP request: keep its session. After the handshake the socket's
   * session is the one of the last ticket OpenSSL sent (each stateful ticket is a fresh session id), so
   * clients should offer their newest ticket; an older one of the same connection gets a full handshake.
   * Only this path encodes a session: deliveries pay nothing for resumption but reading their first record.
   */
  promote(socket: TLSSocket): void {
    const session = socket.getSession();
    const id = session ? sessionIdFromSession(session) : undefined;
    if (!session || !id || id.length !== 32) return;
    this.kept.set(hex(id), { session, expires: this.now() + this.lifetimeMs });
  }

  /** Sessions kept (tests, diagnostics). */
  get size(): number {
    return this.kept.size;
  }
}
