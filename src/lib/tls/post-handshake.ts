// Handshake messages after the handshake (RFC 8446 §4.6): NewSessionTicket is kept (bounded), KeyUpdate
// rolls the read key and is answered when asked. Anything else, including a CertificateRequest (we never
// offer post_handshake_auth), is unexpected_message.
import { Alert } from './alerts';
import type { CipherSuite } from './cipher-suites';
import { maxStoredTickets } from './core-options';
import { protocolError } from './errors';
import { HandshakeType, type HandshakeMessage } from './handshake-framing';
import { parseKeyUpdate, parseNewSessionTicket, type SessionTicket } from './handshake-messages';
import { hashLength, hkdfExpandLabel } from './key-schedule';
import { pskSecrets } from './resumption-psk';
import { resumptionTicketFrom, type ResumptionTicket } from './session-cache';
import type { ServerCertificateInfo } from './types';

export interface PostHandshakeContext {
  suite: CipherSuite;
  now: () => number;
  resumptionMasterSecret(): Promise<Uint8Array>;
  /** Appended to; the oldest is dropped beyond maxStoredTickets. */
  tickets: SessionTicket[];
  /** Receives each ticket ready to resume with (RFC 8446 §4.6.1), with the session's server and client auth. */
  onTicket?: (ticket: ResumptionTicket) => void;
  server: ServerCertificateInfo;
  clientAuthenticated: boolean;
  /** Installs the next server application traffic key (§7.2); must sit on a record boundary (§5.1). */
  updateReadKey(): Promise<void>;
  /** Sends KeyUpdate(update_not_requested) and rolls our write key, unless we already closed. */
  answerKeyUpdate(): Promise<void>;
}

export async function handlePostHandshake(
  message: HandshakeMessage,
  context: PostHandshakeContext,
): Promise<void> {
  switch (message.type) {
    case HandshakeType.newSessionTicket: {
      const ticket = parseNewSessionTicket(message.body, context.now());
      // The ticket's PSK = HKDF-Expand-Label(resumption_master_secret, "resumption", nonce) (§4.6.1);
      // kept with the ticket for a later resumption.
      const { suite } = context;
      const master = await context.resumptionMasterSecret();
      ticket.psk = await hkdfExpandLabel(
        suite.hash,
        master,
        'resumption',
        ticket.nonce,
        hashLength(suite.hash),
      );
      ticket.cipherSuite = suite.code;
      context.tickets.push(ticket);
      if (context.tickets.length > maxStoredTickets) context.tickets.shift();
      if (context.onTicket) {
        // The next connection's binder key and handshake salt, derived now while this connection is idle.
        const secrets = pskSecrets(suite.hash, ticket.psk);
        secrets.catch(() => undefined);
        const ready = { ...ticket, psk: ticket.psk, cipherSuite: suite.code };
        context.onTicket(resumptionTicketFrom(ready, context.server, context.clientAuthenticated, secrets));
      }
      return;
    }
    case HandshakeType.keyUpdate: {
      const requested = parseKeyUpdate(message.body);
      await context.updateReadKey();
      if (requested) await context.answerKeyUpdate();
      return;
    }
    default:
      throw protocolError(
        Alert.unexpectedMessage,
        `unexpected post-handshake message type ${message.type} (unexpected_message)`,
      );
  }
}
