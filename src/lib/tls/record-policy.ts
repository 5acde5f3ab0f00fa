// What a change_cipher_spec or alert record means in each phase of the connection (RFC 8446 §5, §6).
import { Alert } from './alerts';
import { protocolError, remoteAlertError, TlsError } from './errors';

export interface ChangeCipherSpecContext {
  handshakeComplete: boolean;
  alreadySeen: boolean;
  /** Part of a handshake message is buffered: no other record type may interleave (§5.1). */
  insideHandshakeMessage: boolean;
}

/**
 * §5: a single 0x01 byte may arrive after our ClientHello and before the server Finished (middlebox
 * compatibility) and is dropped. The server sends it once, right after its first hello (Appendix D.4), and
 * like any record it may not split a handshake message (§5.1). Anything else is unexpected_message.
 */
export function checkChangeCipherSpec(fragment: Uint8Array, context: ChangeCipherSpecContext): void {
  if (
    context.handshakeComplete ||
    context.alreadySeen ||
    context.insideHandshakeMessage ||
    fragment.length !== 1 ||
    fragment[0] !== 1
  ) {
    throw protocolError(Alert.unexpectedMessage, 'unexpected change_cipher_spec record');
  }
}

/**
 * An alert record's effect (§6): 'close_notify' ends the peer's side (the caller reports EOF), 'ignore' for
 * user_canceled (a warning that precedes close_notify, §6.1). Every other alert, known or not, whatever level
 * the sender claims, is fatal and thrown as a remote TlsError: never data.
 */
export function interpretAlert(content: Uint8Array, handshakeComplete: boolean): 'close_notify' | 'ignore' {
  // §5.1: zero-length fragments are only allowed for application data.
  if (content.length === 0) throw protocolError(Alert.unexpectedMessage, 'zero-length alert record');
  if (content.length !== 2)
    throw protocolError(Alert.decodeError, 'alert record must hold exactly two bytes');
  const description = content[1] as number;
  if (description === Alert.closeNotify) {
    // A close_notify before the handshake finished means the server will never finish it: fail now rather
    // than wait for a handshake that cannot complete (no alert goes back; the peer has closed).
    if (!handshakeComplete) {
      throw new TlsError('truncated', 'server closed the connection (close_notify) during the handshake', {
        alert: Alert.closeNotify,
        remote: true,
      });
    }
    return 'close_notify';
  }
  if (description === Alert.userCanceled) return 'ignore';
  throw remoteAlertError(description);
}
