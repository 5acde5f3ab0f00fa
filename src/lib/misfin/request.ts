import { toRequestUrl, type MisfinAddress } from './address';
import { MisfinRequestError } from './errors';
import { formatGemmailB, formatGemmailC, type OutgoingMail } from './gemmail-format';

/** Misfin(B): "the entire request should not exceed 2048 bytes", counted as UTF-8 bytes incl. CRLF (§19 #1). */
export const B_REQUEST_LIMIT = 2048;
/** Misfin(C): header up to and including CRLF at most 1024 bytes (protocol doc §5). */
export const C_HEADER_LIMIT = 1024;
/** Misfin(C): at most 16384 message bytes "with metadata" (protocol doc §5). */
export const C_BODY_LIMIT = 16384;

export type RequestForm = 'B' | 'C';

const utf8 = new TextEncoder();

export function utf8Length(text: string): number {
  return utf8.encode(text).length;
}

function refuseBareCr(text: string, crlfAllowed: boolean): void {
  // B: only CRLF ends a request, so no CR may appear in the message (§19 #2).
  // C: "<CR> must not appear in the message except where immediately followed by <LF>" (draft 8/9, doc §4).
  const bad = crlfAllowed ? /\r(?!\n)/ : /\r/;
  if (bad.test(text)) {
    throw new MisfinRequestError(
      'bare-cr',
      crlfAllowed
        ? 'the message contains a carriage return that is not followed by a line feed'
        : 'a Misfin(B) message may contain line feeds but no carriage return',
    );
  }
}

/** `misfin://mailbox@host<SP>message<CR><LF>` (spec §1.2). */
export function encodeRequestB(address: MisfinAddress, message: string): Uint8Array {
  refuseBareCr(message, false);
  const bytes = utf8.encode(`${toRequestUrl(address)} ${message}\r\n`);
  if (bytes.length > B_REQUEST_LIMIT) {
    const excess = bytes.length - B_REQUEST_LIMIT;
    throw new MisfinRequestError(
      'too-large',
      `a Misfin(B) request may be ${B_REQUEST_LIMIT} bytes; this one is ${bytes.length}, cut ${excess} bytes`,
      excess,
    );
  }
  return bytes;
}

/** `misfin://mailbox@host<TAB>length<CR><LF>message` (Misfin(C) draft 9, doc §4). */
export function encodeRequestC(address: MisfinAddress, message: string): Uint8Array {
  refuseBareCr(message, true);
  const body = utf8.encode(message);
  if (body.length > C_BODY_LIMIT) {
    const excess = body.length - C_BODY_LIMIT;
    throw new MisfinRequestError(
      'too-large',
      `a Misfin(C) message may be ${C_BODY_LIMIT} bytes; this one is ${body.length}, cut ${excess} bytes`,
      excess,
    );
  }
  const header = utf8.encode(`${toRequestUrl(address)}\t${body.length}\r\n`);
  if (header.length > C_HEADER_LIMIT) {
    throw new MisfinRequestError(
      'too-large',
      `the Misfin(C) header is ${header.length} bytes, over ${C_HEADER_LIMIT}`,
    );
  }
  const out = new Uint8Array(header.length + body.length);
  out.set(header, 0);
  out.set(body, header.length);
  return out;
}

/** The empty B request a prober sends: `misfin://a@h \r\n`, one SP before CRLF (doc §3, §19 #4). */
export function encodeProbe(address: MisfinAddress): Uint8Array {
  return encodeRequestB(address, '');
}

export interface RequestBudget {
  /** The form encodeRequest would pick. */
  form: RequestForm;
  /** Bytes counted against `limit`: the whole request for B, the message for C. */
  used: number;
  limit: number;
  remaining: number;
  /** Bytes to cut before the message can be sent at all (0 when it fits). */
  over: number;
}

/**
 * What the compose page shows: B when the whole request fits in 2048 bytes, else C with its 16384-byte
 * message budget — the rule Lagrange and drfin use (doc §4.1).
 */
export function requestBudget(address: MisfinAddress, mail: OutgoingMail): RequestBudget {
  const url = toRequestUrl(address);
  const bUsed = utf8Length(url) + 1 + utf8Length(formatGemmailB(mail)) + 2;
  if (bUsed <= B_REQUEST_LIMIT) {
    return { form: 'B', used: bUsed, limit: B_REQUEST_LIMIT, remaining: B_REQUEST_LIMIT - bUsed, over: 0 };
  }
  const cUsed = utf8Length(formatGemmailC(mail));
  return {
    form: 'C',
    used: cUsed,
    limit: C_BODY_LIMIT,
    remaining: Math.max(0, C_BODY_LIMIT - cUsed),
    over: Math.max(0, cUsed - C_BODY_LIMIT),
  };
}

/**
 * Encodes a message for one recipient: Misfin(B) when the whole request fits, else Misfin(C) with the
 * three-line metadata section C requires. Over the C limit it throws a 'too-large' MisfinRequestError
 * whose message and `excessBytes` say how much to cut (bp §1: prompt the user, never split).
 */
export function encodeRequest(
  address: MisfinAddress,
  mail: OutgoingMail,
): { form: RequestForm; bytes: Uint8Array } {
  const budget = requestBudget(address, mail);
  if (budget.form === 'B') return { form: 'B', bytes: encodeRequestB(address, formatGemmailB(mail)) };
  return { form: 'C', bytes: encodeRequestC(address, formatGemmailC(mail)) };
}
