// TLS 1.3 session resumption for GMAP clients (design.md: the page's sync "should resume TLS sessions"),
// without slowing deliveries. The listener keeps SSL_OP_NO_TICKET: OpenSSL then issues *stateful* tickets
// (the ticket is a session id; no session is sealed, which is what costs with stateless tickets, see
// listener.ts) and looks a presented ticket up through the session cache callbacks. Node reports new sessions
// ('newSession', with the encoded session) and asks for one before the handshake goes on ('resumeSession'),
// but it names the ClientHello's legacy_session_id there, not the PSK identity. So the listener reads the
// first record itself (client-hello-psk.ts) and remembers legacy id -> identity for that lookup.
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
  /** Every session OpenSSL just issued, until its connection shows what it is for. */
  private readonly fresh: BoundedMap<Buffer>;
  /** Sessions of GMAP connections: resumable until `expires`. */
  private readonly kept: BoundedMap<{ session: Buffer; expires: number }>;
  /** legacy_session_id -> PSK identity of ClientHellos not yet looked up. */
  private readonly offered = new BoundedMap<string>(4096);

  constructor(options: ResumptionOptions = {}) {
    this.lifetimeMs = options.lifetimeMs ?? 60 * 60 * 1000;
    this.now = options.now ?? Date.now;
    this.kept = new BoundedMap(options.maxSessions ?? 4096);
    this.fresh = new BoundedMap(4096);
  }

  /** Wires the server's session events. */
  attach(server: Server): void {
    server.on('newSession', (id: Buffer, session: Buffer, done: () => void) => {
      this.fresh.set(id.toString('hex'), session);
      done();
    });
    server.on('resumeSession', (legacyId: Buffer, done: (error: Error | null, session?: Buffer) => void) => {
      const identity = legacyId.length > 0 ? this.offered.take(legacyId.toString('hex')) : undefined;
      done(null, identity === undefined ? undefined : this.lookup(identity));
    });
  }

  /** The listener saw a ClientHello offering `identity` first. */
  offer(legacySessionId: Uint8Array, identity: Uint8Array): void {
    if (legacySessionId.length === 0 || identity.length !== 32) return; // OpenSSL session ids are 32 bytes
    this.offered.set(hex(legacySessionId), hex(identity));
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
   * The connection made an authenticated GMAP request: keep the session of the last ticket OpenSSL sent on
   * it (the socket's current session). Clients should offer their newest ticket; an older one of the same
   * connection is not kept and gets a full handshake.
   */
  promote(socket: TLSSocket): void {
    const current = socket.getSession();
    const id = current ? sessionIdFromSession(current) : undefined;
    if (!id) return;
    const key = hex(id);
    const session = this.fresh.take(key);
    if (!session) return;
    this.kept.set(key, { session, expires: this.now() + this.lifetimeMs });
  }

  /** Counts for tests and diagnostics. */
  stats(): { fresh: number; kept: number } {
    return { fresh: this.fresh.size, kept: this.kept.size };
  }
}
