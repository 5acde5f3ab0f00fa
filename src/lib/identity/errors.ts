// Typed errors for identity handling, so the page and the CLI can tell the user exactly what is wrong
// with a file they chose (house rule: bad input gets a clear typed error).

/** Why an identity could not be imported or assembled. */
export type IdentityErrorCode =
  | 'no-certificate'
  | 'no-key'
  | 'several-keys'
  | 'key-mismatch'
  | 'unsupported-key'
  | 'encrypted'
  | 'malformed'
  | 'not-misfin'
  | 'not-extractable';

export class IdentityError extends Error {
  override name = 'IdentityError';
  constructor(
    readonly code: IdentityErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** The passphrase does not open a wrapped identity. */
export class WrongPassphraseError extends Error {
  override name = 'WrongPassphraseError';
  constructor() {
    super('wrong passphrase');
  }
}

/** A wrapped identity file that is not in our format, or was changed after it was written. */
export class WrappedIdentityError extends Error {
  override name = 'WrappedIdentityError';
}

/** A PKCS#10 request that cannot be parsed (RFC 2986). A bad signature is reported, not thrown. */
export class CsrError extends Error {
  override name = 'CsrError';
}
