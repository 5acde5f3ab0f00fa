/**
 * Typed errors of the Misfin formats. Every parser in this folder either returns a result or throws one of
 * these, so callers (the page, the CLI, the mail host) can explain the problem instead of crashing.
 */

/** A Misfin address (`mailbox@host[:port]`, or a `misfin:` link) that cannot be used. */
export class AddressError extends Error {
  override readonly name = 'AddressError';
  constructor(
    message: string,
    readonly input: string,
  ) {
    super(message);
  }
}

/** What went wrong in a request, so a mail host can answer `59 bad request` with a reason. */
export type RequestErrorCode =
  'bad-scheme' | 'bad-address' | 'bad-separator' | 'bare-cr' | 'bad-length' | 'too-large' | 'invalid-utf8';

/** A request that cannot be encoded (client side) or parsed (server side). */
export class MisfinRequestError extends Error {
  override readonly name = 'MisfinRequestError';
  constructor(
    readonly code: RequestErrorCode,
    message: string,
    /** For 'too-large' on the client: how many bytes the user has to cut. */
    readonly excessBytes?: number,
  ) {
    super(message);
  }
}

/** A response line from a Misfin server that does not follow spec §1.3. */
export class MisfinProtocolError extends Error {
  override readonly name = 'MisfinProtocolError';
}

/** Gemmail text whose metadata cannot be read (for example a Misfin(C) message with fewer than three lines). */
export class GemmailError extends Error {
  override readonly name = 'GemmailError';
}
