// change_cipher_spec and alert rules (RFC 8446 §5, §6) as pure decisions.
import { describe, expect, it } from 'vitest';
import { Alert } from './alerts';
import { TlsError } from './errors';
import { checkChangeCipherSpec, interpretAlert } from './record-policy';

const during = { handshakeComplete: false, alreadySeen: false, insideHandshakeMessage: false };

function code(run: () => unknown): string | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(TlsError);
    return (error as TlsError).code;
  }
}

describe('change_cipher_spec', () => {
  it('drops exactly one 0x01 record during the handshake', () => {
    expect(code(() => checkChangeCipherSpec(Uint8Array.of(1), during))).toBeUndefined();
  });

  it.each([
    ['after the handshake', Uint8Array.of(1), { ...during, handshakeComplete: true }],
    ['a second one', Uint8Array.of(1), { ...during, alreadySeen: true }],
    ['inside a handshake message', Uint8Array.of(1), { ...during, insideHandshakeMessage: true }],
    ['with another value', Uint8Array.of(2), during],
    ['with two bytes', Uint8Array.of(1, 1), during],
    ['empty', new Uint8Array(0), during],
  ])('refuses one %s → unexpected_message', (_what, fragment, context) => {
    expect(code(() => checkChangeCipherSpec(fragment, context))).toBe('unexpected_message');
  });
});

describe('alerts', () => {
  it('close_notify after the handshake is EOF; during it, a remote truncation', () => {
    expect(interpretAlert(Uint8Array.of(1, 0), true)).toBe('close_notify');
    const error = (() => {
      try {
        interpretAlert(Uint8Array.of(1, 0), false);
      } catch (e) {
        return e as TlsError;
      }
    })();
    expect(error?.code).toBe('truncated');
    expect(error?.remote).toBe(true);
  });

  it('user_canceled is a warning to ignore (close_notify follows)', () => {
    expect(interpretAlert(Uint8Array.of(1, Alert.userCanceled), false)).toBe('ignore');
    expect(interpretAlert(Uint8Array.of(1, Alert.userCanceled), true)).toBe('ignore');
  });

  it('every other alert is fatal whatever level it claims, including unknown ones', () => {
    expect(code(() => interpretAlert(Uint8Array.of(1, Alert.badCertificate), true))).toBe('bad_certificate');
    expect(code(() => interpretAlert(Uint8Array.of(2, 116), true))).toBe('certificate_required');
    expect(code(() => interpretAlert(Uint8Array.of(1, 250), true))).toBe('alert_250');
  });

  it('malformed alert records: empty → unexpected_message, wrong length → decode_error', () => {
    expect(code(() => interpretAlert(new Uint8Array(0), true))).toBe('unexpected_message');
    expect(code(() => interpretAlert(Uint8Array.of(2), true))).toBe('decode_error');
    expect(code(() => interpretAlert(Uint8Array.of(2, 40, 0), true))).toBe('decode_error');
  });
});
