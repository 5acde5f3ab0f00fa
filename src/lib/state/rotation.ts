import type { Gemmail } from '../misfin/gemmail';
import { composeMessage, type OutgoingMail } from '../misfin/gemmail-format';

/**
 * Identity rotation notices (seed 001: "Send a message to anyone you have ever previously contacted ...
 * This message should be sent using the old ... certificate"). The notice is ordinary gemmail, readable by
 * any client, with two fixed lines a client can act on. It proves nothing by itself: what makes it
 * trustworthy is that it arrives over TLS with the *old* certificate and the receiving host verified the
 * sender, so the page offers to accept it only for a verified sender, and only after the user says so.
 */
export const ROTATION_SUBJECT = 'Identity rotation notice';

const OLD_LINE = /^Old fingerprint: ([0-9a-f]{64})$/m;
const NEW_LINE = /^New fingerprint: ([0-9a-f]{64})$/m;

export interface RotationNotice {
  oldFingerprint?: string;
  newFingerprint: string;
}

export function rotationNotice(
  address: string,
  oldFingerprint: string,
  newFingerprint: string,
  recipient: string,
): OutgoingMail {
  return composeMessage({
    subject: ROTATION_SUBJECT,
    to: [recipient],
    body: [
      `${address} has a new certificate. This notice is sent with the old one.`,
      `Old fingerprint: ${oldFingerprint}`,
      `New fingerprint: ${newFingerprint}`,
      'Mail clients that understand this notice offer to replace the fingerprint they know.',
    ].join('\n'),
  });
}

/** The proposed change in a received message, or undefined when it is not a rotation notice. */
export function readRotationNotice(mail: Gemmail): RotationNotice | undefined {
  if (mail.subject !== ROTATION_SUBJECT) return undefined;
  const body = mail.body.replace(/\r\n/g, '\n');
  const fresh = NEW_LINE.exec(body)?.[1];
  if (!fresh) return undefined;
  const old = OLD_LINE.exec(body)?.[1];
  if (old === fresh) return undefined;
  return old ? { oldFingerprint: old, newFingerprint: fresh } : { newFingerprint: fresh };
}
