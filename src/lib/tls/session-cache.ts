// Session tickets kept for resumption (RFC 8446 §4.6.1, §4.2.11), in memory only. A ticket is a bearer
// credential for the session it came from, client authentication included (§4.6.1: a resumed session keeps the
// original peer identities), so the caller's key must name the host, the port AND the client identity.
import type { SessionTicket } from './handshake-messages';
import type { PskSecrets } from './resumption-psk';
import type { ServerCertificateInfo } from './types';

/** RFC 8446 §4.6.1: never keep a ticket longer than seven days, whatever the server says. */
export const maxTicketLifetimeMs = 7 * 24 * 60 * 60 * 1000;

/** What a client keeps from a NewSessionTicket to offer a PSK later (RFC 8446 §4.6.1, §4.2.11). Memory only. */
export interface ResumptionTicket {
  /** The ticket bytes: the PskIdentity.identity we offer (§4.2.11). */
  readonly identity: Uint8Array;
  /** HKDF-Expand-Label(resumption_master_secret, "resumption", ticket_nonce, Hash.length) (§4.6.1). */
  readonly psk: Uint8Array;
  /** The suite of the session that issued it: the PSK is only usable with the same hash (§4.2.11). */
  readonly cipherSuite: number;
  /** ticket_age_add, hides the ticket age on the wire (§4.2.11.1). */
  readonly ageAdd: number;
  /** Client clock (ms) when the ticket arrived. */
  readonly receivedAt: number;
  /** receivedAt + min(ticket_lifetime, 7 days); unusable from then on. */
  readonly expiresAt: number;
  /** The server as the original full handshake authenticated it (certificate, CertificateVerify, trust callback). */
  readonly server: ServerCertificateInfo;
  /** Whether that original handshake authenticated us with a client certificate. */
  readonly clientAuthenticated: boolean;
  /** Binder key and handshake salt, derived from the PSK in the background when the ticket arrived. */
  readonly secrets?: Promise<PskSecrets>;
}

/** Where connectTls finds and keeps tickets. Keyed by the caller: host, port AND client identity
 *  (a resumed session inherits the original client authentication, so never cross identities). */
export interface SessionCache {
  /** Removes and returns a usable (unexpired) ticket for key, if any: tickets are single-use (RFC 8446 §C.4). */
  take(key: string): ResumptionTicket | undefined;
  put(key: string, ticket: ResumptionTicket): void;
}

/** True while `now` is inside the ticket's lifetime. */
export function ticketUsable(ticket: ResumptionTicket, now: number): boolean {
  return now < ticket.expiresAt && ticket.expiresAt - ticket.receivedAt <= maxTicketLifetimeMs;
}

/** The ResumptionTicket for a NewSessionTicket whose PSK the connection already derived. */
export function resumptionTicketFrom(
  ticket: SessionTicket & { psk: Uint8Array; cipherSuite: number },
  server: ServerCertificateInfo,
  clientAuthenticated: boolean,
  secrets?: Promise<PskSecrets>,
): ResumptionTicket {
  const lifetimeMs = Math.min(ticket.lifetimeSeconds * 1000, maxTicketLifetimeMs);
  return {
    identity: ticket.ticket,
    psk: ticket.psk,
    cipherSuite: ticket.cipherSuite,
    ageAdd: ticket.ageAdd,
    receivedAt: ticket.receivedAt,
    expiresAt: ticket.receivedAt + lifetimeMs,
    server,
    clientAuthenticated,
    secrets,
  };
}

export interface MemorySessionCacheOptions {
  /** Tickets kept per key, newest first out; older ones are dropped (default 4). */
  perKey?: number;
  /** Keys kept; the least recently stored key goes first (default 1024). */
  maxKeys?: number;
  /** Milliseconds clock for expiry (default Date.now). */
  clock?: () => number;
}

/** A bounded in-memory SessionCache. Nothing is persisted: tickets die with the page or process. */
export class MemorySessionCache implements SessionCache {
  private readonly entries = new Map<string, ResumptionTicket[]>();
  private readonly perKey: number;
  private readonly maxKeys: number;
  private readonly clock: () => number;

  constructor(options: MemorySessionCacheOptions = {}) {
    this.perKey = Math.max(1, options.perKey ?? 4);
    this.maxKeys = Math.max(1, options.maxKeys ?? 1024);
    this.clock = options.clock ?? Date.now;
  }

  take(key: string): ResumptionTicket | undefined {
    const list = this.entries.get(key);
    if (!list) return undefined;
    const now = this.clock();
    const usable = list.filter((ticket) => ticketUsable(ticket, now));
    // The newest ticket has the most lifetime left; each is handed out once (RFC 8446 §C.4).
    const ticket = usable.pop();
    if (usable.length > 0) this.entries.set(key, usable);
    else this.entries.delete(key);
    return ticket;
  }

  put(key: string, ticket: ResumptionTicket): void {
    if (!ticketUsable(ticket, this.clock())) return;
    const list = this.entries.get(key) ?? [];
    list.push(ticket);
    while (list.length > this.perKey) list.shift();
    // Re-inserting moves the key to the end, so the key evicted below is the one stored least recently.
    this.entries.delete(key);
    this.entries.set(key, list);
    while (this.entries.size > this.maxKeys) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }

  /** Forgets every ticket for key (e.g. the identity was deleted or the host's pin changed). */
  delete(key: string): void {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }

  /** Tickets held for key, usable or not (tests, diagnostics). */
  count(key: string): number {
    return this.entries.get(key)?.length ?? 0;
  }
}
