// One error type for everything that ends a TLS connection, so callers can branch on `code` (the alert name
// in snake_case, or a local condition such as 'truncated' or 'timeout') instead of parsing messages.
import { ByteReaderError } from '../bytes/reader';
import { Alert, alertCodeName } from './alerts';

export interface TlsErrorOptions {
  /** Alert description sent to the peer (local failures) or received from it (remote). */
  alert?: number;
  /** True when the peer sent the alert. */
  remote?: boolean;
  cause?: unknown;
}

export class TlsError extends Error {
  override name = 'TlsError';
  readonly code: string;
  readonly alert?: number;
  readonly remote: boolean;

  constructor(code: string, message: string, options: TlsErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.alert = options.alert;
    this.remote = options.remote ?? false;
  }
}

/** A local protocol failure: we send `alert` and stop. The code is the alert's name. */
export function protocolError(alert: number, message: string, cause?: unknown): TlsError {
  return new TlsError(alertCodeName(alert), message, { alert, cause });
}

const remoteMessages: Partial<Record<number, string>> = {
  [Alert.certificateRequired]: 'server requires a client certificate (alert certificate_required)',
  [Alert.badCertificate]: 'server rejected our client certificate (alert bad_certificate)',
  [Alert.handshakeFailure]: 'server could not agree on TLS parameters (alert handshake_failure)',
  [Alert.protocolVersion]: 'server does not speak TLS 1.3 (alert protocol_version)',
  [Alert.decryptError]: 'server could not verify our handshake signature or Finished (alert decrypt_error)',
};

/** A fatal alert the peer sent (RFC 8446 §6.2): surfaced as an error, never as data. */
export function remoteAlertError(description: number): TlsError {
  const name = alertCodeName(description);
  const message = remoteMessages[description] ?? `server sent fatal alert ${name} (${description})`;
  return new TlsError(name, message, { alert: description, remote: true });
}

/** Any failure as the TlsError that ends the connection: parse errors are decode_error, the rest internal_error. */
export function asTlsFailure(error: unknown): TlsError {
  if (error instanceof TlsError) return error;
  if (error instanceof ByteReaderError) return protocolError(Alert.decodeError, error.message, error);
  return protocolError(Alert.internalError, `internal error: ${String(error)}`, error);
}
