import { describe, expect, it } from 'vitest';
import { parseGemmailC } from '../misfin/gemmail';
import { readRotationNotice, rotationNotice } from './rotation';

const OLD = 'a'.repeat(64);
const NEW = 'b'.repeat(64);

/** As the receiving page sees it over GMAP: Misfin(C) form, a sender line and a timestamp first. */
function received(body: string): string {
  return `alice@example.org Alice\n\n2026-11-23T09:00:00Z\n${body}`;
}

describe('rotation notices (seed 001)', () => {
  it('round-trips the old and new fingerprints through gemmail', () => {
    const notice = rotationNotice('alice@example.org', OLD, NEW, 'bob@example.org');
    const mail = parseGemmailC(received(notice.body));
    expect(mail.subject).toBe('Identity rotation notice');
    expect(readRotationNotice(mail)).toEqual({ oldFingerprint: OLD, newFingerprint: NEW });
  });

  it('ignores ordinary mail, a missing or malformed new fingerprint, and a "change" to the same one', () => {
    const read = (body: string) => readRotationNotice(parseGemmailC(received(body)));
    expect(read(`# Hello\nNew fingerprint: ${NEW}`)).toBeUndefined();
    expect(read('# Identity rotation notice\nNew fingerprint: xyz')).toBeUndefined();
    expect(
      read(`# Identity rotation notice\nOld fingerprint: ${NEW}\nNew fingerprint: ${NEW}`),
    ).toBeUndefined();
    expect(read(`# Identity rotation notice\r\nNew fingerprint: ${NEW}\r\n`)).toEqual({
      newFingerprint: NEW,
    });
  });
});
