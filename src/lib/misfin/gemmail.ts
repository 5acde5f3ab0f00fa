import { formatAddress, parseAddress } from './address';
import { AddressError, GemmailError } from './errors';

export type GemmailForm = 'B' | 'C';

export interface GemmailSender {
  /** Normalised `mailbox@host[:port]`. */
  address: string;
  /** The blurb (display name), when the line has one. */
  name?: string;
}

export interface Gemmail {
  form: GemmailForm;
  /** Every sender line, newest first: [0] is the direct sender, later ones forwarded/list authors (§19 #8). */
  senders: GemmailSender[];
  recipients: string[];
  /** As written, newest first. */
  timestamps: string[];
  /** timestamps[0] read as a date, when it is a valid ISO-8601 time. */
  receivedAt?: Date;
  /** The first heading line (spec §4.4). */
  subject?: string;
  /** The gemtext without metadata lines. */
  body: string;
}

/** Splits after each LF, keeping terminators, so the body stays byte-for-byte what was sent. */
function splitKeepingEnds(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

function stripEnd(line: string): string {
  return line.replace(/\r?\n$/, '');
}

function normalisedAddress(text: string): string {
  return formatAddress(parseAddress(text));
}

/** `mailbox@host blurb` with the blurb optional (spec §4.1; C senders line, doc §8). */
function parseSender(text: string): GemmailSender {
  const trimmed = text.trim();
  const space = trimmed.search(/\s/);
  const address = normalisedAddress(space < 0 ? trimmed : trimmed.slice(0, space));
  const name = space < 0 ? '' : trimmed.slice(space).trim();
  return name === '' ? { address } : { address, name };
}

function readDate(stamp: string | undefined): Date | undefined {
  if (
    stamp === undefined ||
    !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(stamp)
  ) {
    return undefined;
  }
  const date = new Date(stamp);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** The first heading line outside preformatted blocks: "should be considered as the message's subject" (spec §4.4). */
export function findSubject(body: string): string | undefined {
  let preformatted = false;
  for (const raw of body.split('\n')) {
    const line = raw.replace(/\r$/, '');
    if (line.startsWith('```')) preformatted = !preformatted;
    else if (!preformatted && line.startsWith('#')) {
      const subject = line.replace(/^#{1,3}/, '').trim();
      if (subject !== '') return subject;
    }
  }
  return undefined;
}

/** Reads one metadata line of the B form, or undefined when the line is ordinary gemtext. */
function readBLine(line: string): { kind: '<' | ':' | '@'; value: string } | undefined {
  const kind = line[0];
  if (kind !== '<' && kind !== ':' && kind !== '@') return undefined;
  return { kind, value: line.slice(1).trim() };
}

/**
 * Misfin(B) gemmail (spec §4): `<` sender, `:` recipients, `@` timestamp lines. We read them from the
 * leading run of metadata lines only, so a body line that happens to start with ':' stays text; every `<`
 * line is kept (forwards and lists stack them, §19 #8), only the first `:` line counts, `@` lines are kept
 * newest first. A `<`/`:` line that does not hold valid addresses ends the metadata block.
 */
export function parseGemmailB(text: string): Gemmail {
  const lines = splitKeepingEnds(text);
  const senders: GemmailSender[] = [];
  let recipients: string[] | undefined;
  const timestamps: string[] = [];
  let index = 0;
  for (; index < lines.length; index++) {
    const meta = readBLine(stripEnd(lines[index] ?? ''));
    if (!meta) break;
    try {
      if (meta.kind === '<') senders.push(parseSender(meta.value));
      else if (meta.kind === ':') {
        const list = meta.value
          .split(/\s+/)
          .filter((s) => s !== '')
          .map(normalisedAddress);
        recipients ??= list;
      } else {
        if (meta.value === '' || /\s/.test(meta.value)) break;
        timestamps.push(meta.value);
      }
    } catch (error) {
      if (error instanceof AddressError) break;
      throw error;
    }
  }
  const body = lines.slice(index).join('');
  return finish('B', senders, recipients ?? [], timestamps, body);
}

function commaList(line: string): string[] {
  return line
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/**
 * Misfin(C) gemmail (doc §8): three leading lines — comma-separated senders (`address[ blurb]`), recipients
 * and ISO-8601 timestamps — then the gemtext body. Fewer than three lines is an error (§19 #7). Recipients
 * may carry a blurb too (Titlani's example, doc §8); only the address is kept.
 */
export function parseGemmailC(text: string): Gemmail {
  const lines = splitKeepingEnds(text);
  // The third line may be the last and unterminated (an empty body); the first two must end in LF.
  const complete = lines.length >= 2 && lines.slice(0, 2).every((l) => l.endsWith('\n'));
  if (!complete)
    throw new GemmailError('a Misfin(C) message needs three metadata lines: senders, recipients, timestamps');
  const [senderLine, recipientLine, stampLine] = lines.slice(0, 3).map((l) => stripEnd(l));
  try {
    const senders = commaList(senderLine ?? '').map(parseSender);
    const recipients = commaList(recipientLine ?? '').map((r) => parseSender(r).address);
    const timestamps = commaList(stampLine ?? '');
    for (const stamp of timestamps) {
      if (/\s/.test(stamp)) throw new GemmailError(`timestamp "${stamp.slice(0, 40)}" contains whitespace`);
    }
    return finish('C', senders, recipients, timestamps, lines.slice(3).join(''));
  } catch (error) {
    if (error instanceof AddressError)
      throw new GemmailError(`bad address in the metadata: ${error.message}`);
    throw error;
  }
}

export function parseGemmail(text: string, form: GemmailForm): Gemmail {
  return form === 'B' ? parseGemmailB(text) : parseGemmailC(text);
}

function finish(
  form: GemmailForm,
  senders: GemmailSender[],
  recipients: string[],
  timestamps: string[],
  body: string,
): Gemmail {
  const mail: Gemmail = { form, senders, recipients, timestamps, body };
  const receivedAt = readDate(timestamps[0]);
  if (receivedAt) mail.receivedAt = receivedAt;
  const subject = findSubject(body);
  if (subject !== undefined) mail.subject = subject;
  return mail;
}
