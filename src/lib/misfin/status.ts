/** Misfin status codes, spec §2 (C keeps the table, doc §6). */

export type StatusCategory = 'success' | 'redirect' | 'temporary' | 'permanent' | 'certificate';

export interface StatusInfo {
  code: number;
  /** The spec's name, e.g. "MAILBOX FULL". */
  name: string;
  /** Plain words for the page: what happened and what to do. */
  meaning: string;
  category: StatusCategory;
}

const TABLE: readonly StatusInfo[] = [
  {
    code: 20,
    name: 'MESSAGE DELIVERED',
    category: 'success',
    meaning:
      'The message was delivered. The server answered with the fingerprint of the recipient’s certificate.',
  },
  {
    code: 30,
    name: 'SEND HERE INSTEAD',
    category: 'redirect',
    meaning:
      'The mailbox asks for this message to be sent to another address instead. Nothing was delivered yet.',
  },
  {
    code: 31,
    name: 'SEND HERE FOREVER',
    category: 'redirect',
    meaning: 'The mailbox has moved for good: send this and all future mail to the new address.',
  },
  {
    code: 40,
    name: 'TEMPORARY ERROR',
    category: 'temporary',
    meaning:
      'The server had a temporary problem. Try again in a few minutes. (After a Misfin(C) message this can also mean the server only understands Misfin(B): shorten the message.)',
  },
  {
    code: 41,
    name: 'SERVER IS UNAVAILABLE',
    category: 'temporary',
    meaning: 'The mail server is unavailable right now. Try again later.',
  },
  {
    code: 42,
    name: 'CGI ERROR',
    category: 'temporary',
    meaning: 'A script on the mail server failed while handling the message. Try again later.',
  },
  {
    code: 43,
    name: 'PROXYING ERROR',
    category: 'temporary',
    meaning: 'The server could not pass the message on to the host that holds the mailbox. Try again later.',
  },
  {
    code: 44,
    name: 'SLOW DOWN',
    category: 'temporary',
    meaning: 'The server is limiting how fast you send. Wait before sending again.',
  },
  {
    code: 45,
    name: 'MAILBOX FULL',
    category: 'temporary',
    meaning: 'The recipient’s mailbox is full. Try again later, or reach them another way.',
  },
  {
    code: 50,
    name: 'PERMANENT ERROR',
    category: 'permanent',
    meaning: 'The server refused the message for good. Sending it again will not help.',
  },
  {
    code: 51,
    name: 'MAILBOX DOESN’T EXIST',
    category: 'permanent',
    meaning: 'There is no such mailbox on that server. Check the address.',
  },
  {
    code: 52,
    name: 'MAILBOX GONE',
    category: 'permanent',
    meaning: 'The mailbox has been removed and will not receive mail again.',
  },
  {
    code: 53,
    name: 'DOMAIN NOT SERVICED',
    category: 'permanent',
    meaning: 'The server does not handle mail for that domain. Check the host part of the address.',
  },
  {
    code: 59,
    name: 'BAD REQUEST',
    category: 'permanent',
    meaning:
      'The server could not understand the request. After a Misfin(C) message this usually means the server only understands Misfin(B): shorten the message to fit.',
  },
  {
    code: 60,
    name: 'CERTIFICATE REQUIRED',
    category: 'certificate',
    meaning: 'The server wants a client certificate (your Misfin identity) before it accepts mail.',
  },
  {
    code: 61,
    name: 'UNAUTHORIZED SENDER',
    category: 'certificate',
    meaning: 'Your certificate is valid, but you are not allowed to send mail to this mailbox.',
  },
  {
    code: 62,
    name: 'CERTIFICATE INVALID',
    category: 'certificate',
    meaning: 'The server does not accept your certificate: it has expired or is not a valid Misfin identity.',
  },
  {
    code: 63,
    name: 'YOU’RE A LIAR',
    category: 'certificate',
    meaning:
      'The recipient knows your address with a different certificate. Your Misfin certificate does not match the one they expect.',
  },
  {
    code: 64,
    name: 'PROVE IT',
    category: 'certificate',
    meaning: 'The server wants proof of work (anti-spam) before it accepts mail; this is not supported yet.',
  },
];

const BY_CODE = new Map(TABLE.map((s) => [s.code, s]));

const GENERIC: Record<number, { name: string; category: StatusCategory; meaning: string }> = {
  2: { name: 'SUCCESS', category: 'success', meaning: 'The server reported success.' },
  3: { name: 'REDIRECT', category: 'redirect', meaning: 'The server points to another address.' },
  4: { name: 'TEMPORARY FAILURE', category: 'temporary', meaning: 'A temporary failure. Try again later.' },
  5: {
    name: 'PERMANENT FAILURE',
    category: 'permanent',
    meaning: 'A permanent failure. Sending again will not help.',
  },
  6: {
    name: 'CERTIFICATE PROBLEM',
    category: 'certificate',
    meaning: 'The server has a problem with your certificate.',
  },
};

/** Every code the spec defines, in table order. */
export const MISFIN_STATUSES: readonly StatusInfo[] = TABLE;

/**
 * The spec entry for a code; a code the table lacks is read by its first digit ("simple clients only need to
 * read the first character", spec §1.3). Undefined for codes outside 20-69 (1x must not be sent, spec §2).
 */
export function statusInfo(code: number): StatusInfo | undefined {
  const known = BY_CODE.get(code);
  if (known) return known;
  const generic = GENERIC[Math.floor(code / 10)];
  if (!generic || !Number.isInteger(code) || code < 20 || code > 69) return undefined;
  return { code, ...generic, meaning: `${generic.meaning} (status ${code} is not in the Misfin table)` };
}
